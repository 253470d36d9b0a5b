"""Parsing predict-segment bodies into a feature matrix, fast and strictly.

Clients send a list of profiles (or one bare profile object). Field names match the
model's features case-insensitively; numeric features take JSON numbers or numeric strings
(the core banking platform sends BigDecimal.toPlainString), categorical features one of the
categories the model was trained on. Every problem is reported per row and per field in
marshmallow's error layout; nothing is guessed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from marshmallow import ValidationError

from ..core.values import MONEY_MAX_FLOAT as MAX_AMOUNT
from ..core.values import NUMERIC

MAX_REPORTED_ROWS = 100

MISSING = "Missing data for required field."
UNKNOWN = "Unknown field."
NOT_NUMBER = "Must be a number or a numeric string."
NOT_FINITE = "Must be a finite number."
NEGATIVE = "Must be greater than or equal to 0."
TOO_LARGE = f"Must be at most {MAX_AMOUNT:.2f}."
NULL = "Field may not be null."
DUPLICATE = "Given more than once (field names are case-insensitive)."
NOT_BINARY = "Must be 0 or 1 (or true / false)."
NOT_CATEGORY = "Must be one of: {}."
SHOWN_CATEGORIES = 30


@dataclass(frozen=True)
class InputPlan:
    """What a model's inputs look like: numeric features (in order), which of them may be
    negative or are 0/1 flags, and categorical features with their allowed values."""

    numeric: tuple[str, ...]
    categorical: tuple[str, ...] = ()
    categories: dict[str, dict[str, int]] = field(default_factory=dict)
    signed: frozenset[str] = frozenset()
    binary: frozenset[str] = frozenset()

    @classmethod
    def plain(cls, features: Sequence[str]) -> InputPlan:
        return cls(numeric=tuple(features))

    @classmethod
    def from_specs(cls, specs: Sequence[dict], signed: Sequence[str] = ()) -> InputPlan:
        numeric = tuple(s["name"] for s in specs if s["kind"] != "categorical")
        categorical = tuple(s["name"] for s in specs if s["kind"] == "categorical")
        categories = {
            s["name"]: {v: i for i, v in enumerate(s.get("categories") or [])}
            for s in specs
            if s["kind"] == "categorical"
        }
        binary = frozenset(s["name"] for s in specs if s["kind"] == "binary")
        return cls(numeric, categorical, categories, frozenset(signed), binary)

    @property
    def features(self) -> tuple[str, ...]:
        return self.numeric + self.categorical

    def not_category(self, feature: str) -> str:
        values = list(self.categories[feature])
        shown = ", ".join(values[:SHOWN_CATEGORIES]) + (", ..." if len(values) > SHOWN_CATEGORIES else "")
        return NOT_CATEGORY.format(shown)


def parse_amount(v, signed: bool = False) -> float | str:
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
    if x < 0 and not signed:
        return NEGATIVE
    if abs(x) > MAX_AMOUNT:
        return TOO_LARGE
    return x


def _parse_value(plan: InputPlan, feature: str, v) -> float | int | str:
    """The number (numeric feature) or category code (categorical), or the error message."""
    if feature in plan.categories:
        if type(v) is not str:
            return plan.not_category(feature)
        code = plan.categories[feature].get(v.strip())
        return plan.not_category(feature) if code is None else code
    if feature in plan.binary:
        if v is True or v is False:
            return float(v)
        x = parse_amount(v)
        return x if type(x) is str or x in (0.0, 1.0) else NOT_BINARY
    return parse_amount(v, feature in plan.signed)


def parse_profiles(data, features: Sequence[str], max_rows: int) -> np.ndarray:
    """An (n, len(features)) float64 matrix of non-negative amounts, or ValidationError."""
    return parse_inputs(data, InputPlan.plain(features), max_rows)[0]


def parse_inputs(data, plan: InputPlan, max_rows: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(numeric matrix, category codes or None), or ValidationError with per-row messages."""
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

    if not plan.categorical:
        fast = _fast_path(rows, plan)
        if fast is not None:
            return fast, None
    features = plan.features
    index = {f.lower(): j for j, f in enumerate(features)}
    d, d_num = len(features), len(plan.numeric)
    X = np.empty((len(rows), d_num), dtype=np.float64)
    C = np.empty((len(rows), d - d_num), dtype=np.int64)
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
            x = _parse_value(plan, features[j], v) if v is not None else NULL
            if type(x) is str:
                row_errors = row_errors or {}
                row_errors[key] = [x]
            elif j < d_num:
                X[r, j] = x
            else:
                C[r, j - d_num] = x
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
    return X, (C if plan.categorical else None)


NUMBER_TYPES = (int, float)


def _fast_path(rows: list, plan: InputPlan) -> np.ndarray | None:
    """The matrix in one NumPy step when every row has exactly the feature names as keys
    and only JSON numbers as values, all valid; None sends the body through the checks
    above (which word every problem)."""
    features = plan.numeric
    d = len(features)
    try:
        table = [[row[f] for f in features] for row in rows if type(row) is dict and len(row) == d]
    except KeyError:
        return None
    if len(table) != len(rows):
        return None
    if not all(type(v) in NUMBER_TYPES for values in table for v in values):
        return None
    X = np.array(table, dtype=np.float64).reshape(len(rows), d)
    if not (np.isfinite(X).all() and (np.abs(X) <= MAX_AMOUNT).all()):
        return None
    if plan.signed:
        unsigned = [j for j, f in enumerate(features) if f not in plan.signed]
        if not (X[:, unsigned] >= 0).all():
            return None
    elif not (X >= 0).all():
        return None
    for j, f in enumerate(features):
        if f in plan.binary and not np.isin(X[:, j], (0.0, 1.0)).all():
            return None
    return X
