"""Parsing predict-segment bodies into a feature matrix, fast and strictly.

Clients send a list of profiles (or one bare profile object). Field names match the
model's features case-insensitively; values are JSON numbers or numeric strings (the core
banking platform sends BigDecimal.toPlainString). Every problem is reported per row and
per field in marshmallow's error layout; nothing is guessed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from marshmallow import ValidationError

from ..values import MONEY_MAX_FLOAT as MAX_AMOUNT
from ..values import NUMERIC

MAX_REPORTED_ROWS = 100

MISSING = "Missing data for required field."
UNKNOWN = "Unknown field."
NOT_NUMBER = "Must be a number or a numeric string."
NOT_FINITE = "Must be a finite number."
NEGATIVE = "Must be greater than or equal to 0."
TOO_LARGE = f"Must be at most {MAX_AMOUNT:.2f}."
NULL = "Field may not be null."
DUPLICATE = "Given more than once (field names are case-insensitive)."


def parse_amount(v) -> float | str:
    """The float for ``v`` or the error message."""
    t = type(v)
    if t is float or t is int:
        x = float(v)
    elif t is str:
        if not NUMERIC.fullmatch(v):
            return NOT_NUMBER
        x = float(v)
    elif v is None:
        return NULL
    else:  # bool, list, dict
        return NOT_NUMBER
    if not math.isfinite(x):
        return NOT_FINITE
    if x < 0:
        return NEGATIVE
    if x > MAX_AMOUNT:
        return TOO_LARGE
    return x


def parse_profiles(data, features: Sequence[str], max_rows: int) -> np.ndarray:
    """An (n, len(features)) float64 matrix, or ValidationError with per-row messages."""
    if isinstance(data, dict):
        rows = [data]
    elif isinstance(data, list):
        rows = data
    else:
        raise ValidationError(["Expected a profile object or a list of profile objects."])
    if not rows:
        raise ValidationError(["At least one profile is required."])
    if len(rows) > max_rows:
        raise ValidationError([f"At most {max_rows} profiles per request; got {len(rows)}."])

    fast = _fast_path(rows, features)
    if fast is not None:
        return fast
    index = {f.lower(): j for j, f in enumerate(features)}
    d = len(features)
    X = np.empty((len(rows), d), dtype=np.float64)
    errors: dict[int, dict] = {}
    for r, row in enumerate(rows):
        if type(row) is not dict:
            errors[r] = {"_schema": ["Invalid input type: expected an object."]}
            continue
        seen = 0
        row_errors = None
        for key, v in row.items():
            j = index.get(key.lower())
            if j is None:
                row_errors = row_errors or {}
                row_errors[key] = [UNKNOWN]
                continue
            if seen >> j & 1:
                row_errors = row_errors or {}
                row_errors[key] = [DUPLICATE]
                continue
            seen |= 1 << j
            x = parse_amount(v)
            if type(x) is str:
                row_errors = row_errors or {}
                row_errors[key] = [x]
            else:
                X[r, j] = x
        if seen != (1 << d) - 1:
            row_errors = row_errors or {}
            for j, f in enumerate(features):
                if not seen >> j & 1:
                    row_errors[f] = [MISSING]
        if row_errors:
            errors[r] = row_errors
    if errors:
        reported = dict(list(errors.items())[:MAX_REPORTED_ROWS])
        if len(errors) > MAX_REPORTED_ROWS:
            reported["_schema"] = [
                f"{len(errors)} profiles are invalid; the first {MAX_REPORTED_ROWS} are listed."
            ]
        raise ValidationError(reported)
    return X


NUMBER_TYPES = (int, float)


def _fast_path(rows: list, features: Sequence[str]) -> np.ndarray | None:
    """The matrix in one NumPy step when every row has exactly the feature names as keys
    and only JSON numbers as values, all valid; None sends the body through the checks
    above (which word every problem)."""
    d = len(features)
    try:
        table = [[row[f] for f in features] for row in rows if type(row) is dict and len(row) == d]
    except KeyError:
        return None
    if len(table) != len(rows):
        return None
    if not all(type(v) in NUMBER_TYPES for values in table for v in values):
        return None
    X = np.array(table, dtype=np.float64)
    if not (np.isfinite(X).all() and (X >= 0).all() and (X <= MAX_AMOUNT).all()):
        return None
    return X
