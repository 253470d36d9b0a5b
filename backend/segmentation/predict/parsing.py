"""Parsing predict-segment bodies into a feature matrix, fast and strictly.

Clients send a list of profiles (or one bare profile object). Field names match the
model's features case-insensitively; numeric features take JSON numbers or numeric strings
(the core banking platform sends BigDecimal.toPlainString), categorical features one of the
categories the model was trained on. Every problem is reported per row and per field in
marshmallow's error layout; nothing is guessed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, repeat
from operator import itemgetter

import numpy as np
from marshmallow import ValidationError

from ..core.values import MONEY_MAX_FLOAT as MAX_AMOUNT
from ..core.values import NUMERIC

MAX_REPORTED_ROWS = 100
SMALL_BATCH = 16  # up to this many rows, one value at a time is quicker than NumPy's set-up

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

    @cached_property
    def lows(self) -> np.ndarray:
        """Each numeric feature's lowest value: -MAX_AMOUNT when it may be negative, else 0."""
        return np.array([-MAX_AMOUNT if f in self.signed else 0.0 for f in self.numeric])

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

    columns = _columns(rows, plan) if len(rows) > SMALL_BATCH else None
    if columns is not None:
        X, C, bad = columns
        if not len(bad):
            return X, C
        _raise_for(rows, plan, bad.tolist())
    X = np.empty((len(rows), len(plan.numeric)), dtype=np.float64)
    C = np.empty((len(rows), len(plan.categorical)), dtype=np.int64)
    _raise_for(rows, plan, range(len(rows)), X, C)
    return X, (C if plan.categorical else None)


def _raise_for(rows: list, plan: InputPlan, checked, X=None, C=None) -> None:
    """Check ``rows[r]`` for r in ``checked`` one value at a time, filling ``X`` and ``C`` when
    given; raise ValidationError listing the first MAX_REPORTED_ROWS invalid rows."""
    index = {f.lower(): j for j, f in enumerate(plan.features)}
    errors: dict[int, dict] = {}
    for r in checked:
        row_errors = _row(rows[r], plan, index, r, X, C)
        if row_errors:
            errors[r] = row_errors
    if errors:
        reported = dict(list(errors.items())[:MAX_REPORTED_ROWS])
        if len(errors) > MAX_REPORTED_ROWS:
            reported["_schema"] = [
                f"{len(errors)} profiles are invalid; the first {MAX_REPORTED_ROWS} are listed."
            ]
        raise ValidationError(reported)


def _row(row, plan: InputPlan, index: dict[str, int], r: int, X, C) -> dict | None:
    """The problems of one row by field (None: valid), writing its values into X / C."""
    if type(row) is not dict:
        return {"_schema": ["Invalid input type: expected an object."]}
    features = plan.features
    d, d_num = len(features), len(plan.numeric)
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
        elif X is None:
            continue
        elif j < d_num:
            X[r, j] = x
        else:
            C[r, j - d_num] = x
    if seen != (1 << d) - 1:
        row_errors = row_errors or {}
        for j, f in enumerate(features):
            if not seen >> j & 1:
                row_errors[f] = [MISSING]
    return row_errors


NUMBER_TYPES = {int, float}
# a numeric string float() accepts and made only of these characters matches NUMERIC (no
# other whitespace, underscores, inf / nan or non-ASCII digits get through)
NUMERIC_CHARS = re.compile(r"[ +\-.0-9eE]*")


def _columns(rows: list, plan: InputPlan) -> tuple[np.ndarray, np.ndarray | None, np.ndarray] | None:
    """Column-wise parsing: (X, C, indices of invalid rows) when every row is an object with
    the same spelling of exactly the model's feature names, its numeric values all JSON
    numbers or all numeric strings and its categories strings; None otherwise (the
    one-value-at-a-time checks then word every problem). Rows found invalid here are
    worded by those same checks."""
    names = _spelling(rows[0], plan.features)
    d = len(plan.features)
    if names is None or set(map(type, rows)) != {dict} or set(map(len, rows)) != {d}:
        return None
    try:
        cells = list(map(itemgetter(*names), rows)) if d > 1 else [(row[names[0]],) for row in rows]
    except KeyError:
        return None
    n, d_num = len(rows), len(plan.numeric)
    bad = np.zeros(n, dtype=bool)
    X = _numbers(cells, n, d_num, plan) if d_num else np.empty((n, 0))
    if X is None:
        return None
    C = None
    if plan.categorical:
        C = np.empty((n, d - d_num), dtype=np.int64)
        for j, feature in enumerate(plan.categorical):
            values = [cell[d_num + j] for cell in cells]
            if set(map(type, values)) != {str}:
                return None
            C[:, j] = codes = category_codes(values, plan.categories[feature], n)
            bad |= codes < 0
    bad |= rows_out_of_range(X, plan)
    return X, C, np.flatnonzero(bad)


def rows_out_of_range(X: np.ndarray, plan: InputPlan) -> np.ndarray:
    """Per row of the numeric matrix: a value outside its feature's bounds (NaN and infinities
    too) or a flag that is not 0 or 1."""
    bad = ~_in_bounds(X, plan).all(axis=1)
    for column in _bad_flags(X, plan):
        bad |= column
    return bad


def any_out_of_range(X: np.ndarray, plan: InputPlan) -> bool:
    """``rows_out_of_range(X, plan).any()``, without a per-row pass (a third of its time)."""
    return not _in_bounds(X, plan).all() or any(column.any() for column in _bad_flags(X, plan))


def _in_bounds(X: np.ndarray, plan: InputPlan) -> np.ndarray:
    return (X >= plan.lows) & (X <= MAX_AMOUNT)


def _bad_flags(X: np.ndarray, plan: InputPlan):
    """Per flag column, its rows holding neither 0 nor 1."""
    flags = (j for j, feature in enumerate(plan.numeric) if feature in plan.binary)
    return ((X[:, j] != 0.0) & (X[:, j] != 1.0) for j in flags)


def category_codes(values: Iterable[str], categories: dict[str, int], n: int) -> np.ndarray:
    """The code of each of ``n`` category values (surrounding spaces ignored); -1 when unknown."""
    return np.fromiter(map(categories.get, map(str.strip, values), repeat(-1)), np.int64, n)


def _spelling(row, features: tuple[str, ...]) -> tuple[str, ...] | None:
    """The keys of ``row`` naming each feature (any case), if it has exactly those keys."""
    if type(row) is not dict or len(row) != len(features):
        return None
    keys = {key.lower(): key for key in row}
    try:
        return tuple(keys[f.lower()] for f in features)
    except KeyError:
        return None


def _numbers(cells: list, n: int, d_num: int, plan: InputPlan) -> np.ndarray | None:
    """The numeric columns as floats when they hold only JSON numbers or only numeric
    strings (each string then becomes float(s), as parse_amount does); None otherwise."""
    numeric = (cell[:d_num] for cell in cells) if plan.categorical else cells
    flat = list(chain.from_iterable(numeric))
    kinds = set(map(type, flat))
    if kinds <= NUMBER_TYPES:
        values = flat  # NumPy converts them as float() does
    elif kinds == {str} and NUMERIC_CHARS.fullmatch("".join(flat)):
        values = map(float, flat)
    else:
        return None
    try:
        return np.fromiter(values, np.float64, n * d_num).reshape(n, d_num)
    except (ValueError, OverflowError):  # "1.2.3", "--1", "e5": worded one at a time
        return None
