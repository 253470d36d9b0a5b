"""Where each column of a customers file goes, its type, and its values checked in bulk.

* the id column -> ``customers.external_id`` (text, at most 64 characters, unique in the file);
* the 8 spending categories (case-insensitive) -> ``spending_profiles`` (money >= 0);
* built-in customer columns (``age``, ``gender``, ...; case-insensitive) -> their own
  columns, when at least half of the column's values pass the column's checks (the lines
  that do not are rejected); otherwise the whole column is kept as an attribute instead
  (a note says so), so a bank's own ``gender`` coding is never forced into F/M/X;
* every other column -> ``customers.attributes`` with an inferred type (number, boolean,
  date, category, text), or the type given with ``--type`` / ``types``.

Values are checked with Arrow compute kernels (no per-cell Python). A blank cell is a missing
value (SQL NULL, JSON null), never zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..core.values import COUNT_MAX, MONEY_MAX, MONEY_MAX_FLOAT, MONEY_PRECISION, MONEY_SCALE
from ..customers.models import COLUMN_TYPES, EDUCATION_LEVELS
from ..ml.features import CATEGORY_COLUMNS

MAX_ID_LENGTH = 64
NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
INTEGER = r"^[+-]?\d+(?:\.0*)?$"
DATE = r"^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.+\-Z]*)?$"
TRUE = ("true", "yes", "y", "t")
FALSE = ("false", "no", "n", "f")
# a column may hold this share of values that fail its inferred or built-in type: those
# lines are rejected; above it, the column gets a type that fits every value
TOLERANCE = 0.01
# a column named like a built-in one is that column when at least half its values fit
# (the others are rejected lines); otherwise it means something else and stays an attribute
BUILTIN_TOLERANCE = 0.5
MAX_CATEGORIES = 100
PROFILE_MAX = MONEY_MAX_FLOAT
PROFILES = {name.lower(): (name, col) for name, col in CATEGORY_COLUMNS.items()}


@dataclass(frozen=True)
class Builtin:
    column: str
    sql_type: str
    reason: str
    not_null: bool = False


BUILTINS = {
    b.column: b
    for b in (
        Builtin("age", "int2", "must be a whole number from 16 to 120"),
        Builtin("gender", "text", "must be F, M or X (female, male, other)"),
        Builtin("monthly_income", "numeric(14,2)", "must be an amount from 0 to 999999999999.99"),
        Builtin("account_balance", "numeric(14,2)", "must be an amount within +-999999999999.99"),
        Builtin("loyalty_score", "int2", "must be a whole number from 1 to 1000"),
        Builtin("education_level", "text", f"must be one of {', '.join(EDUCATION_LEVELS)}"),
        Builtin("has_loan", "bool", "must be true/false, yes/no or 1/0 (not blank)", True),
        Builtin("online_interactions", "int4", "must be a whole number from 0 to 1000000 (not blank)", True),
        Builtin("branch_visits", "int4", "must be a whole number from 0 to 1000000 (not blank)", True),
        Builtin("call_center_calls", "int4", "must be a whole number from 0 to 1000000 (not blank)", True),
    )
}
GENDER_CODES = {"f": "F", "female": "F", "m": "M", "male": "M", "x": "X", "other": "X", "diverse": "X"}
ATTRIBUTE_SQL = {"number": "numeric", "boolean": "bool", "date": "date", "category": "text", "text": "text"}
REASONS = {
    "number": "not a number",
    "boolean": "not a boolean (true/false, yes/no)",
    "date": "not a date (YYYY-MM-DD)",
}


@dataclass
class Column:
    """One file column after checking: normalised strings (null = missing) and bad cells."""

    name: str  # as in the file
    target: str  # "id" | "builtin" | "profile" | "attribute"
    key: str  # customers column, spending_profiles column, or attribute key
    sql_type: str
    values: pa.Array
    invalid: np.ndarray  # bool per row
    reason: str = ""
    type: str | None = None  # attribute type
    categories: list[str] | None = None
    notes: list[str] = field(default_factory=list)
    reasons: np.ndarray | None = None  # per row, when the reason differs by row (the id column)


def _trimmed(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
    text = pc.utf8_trim_whitespace(arr)
    return text, _np(pc.equal(text, ""))


def _np(mask) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _nulls_where(values: pa.Array, mask: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(mask), pa.scalar(None, values.type), values)


def _number(text: pa.Array, blank: np.ndarray, integer: bool = False, lo=None, hi=None):
    ok = _np(pc.match_substring_regex(text, INTEGER if integer else NUMBER))
    if lo is not None or hi is not None:
        nums = pc.cast(_nulls_where(text, ~ok), pa.float64())
        in_range = np.ones(len(text), dtype=bool)
        values = nums.to_numpy(zero_copy_only=False)
        with np.errstate(invalid="ignore"):
            if lo is not None:
                in_range &= values >= lo
            if hi is not None:
                in_range &= values <= hi
        ok &= in_range
        if integer:
            text = pc.cast(pc.cast(_nulls_where(nums, ~ok), pa.int64()), pa.string())
    return text, ok & ~blank


def _boolean(text: pa.Array, blank: np.ndarray, digits: bool = False):
    lower = pc.utf8_lower(text)
    trues, falses = TRUE + (("1",) if digits else ()), FALSE + (("0",) if digits else ())
    is_true = _np(pc.is_in(lower, pa.array(trues)))
    is_false = _np(pc.is_in(lower, pa.array(falses)))
    values = pa.array(np.where(is_true, "true", "false"))
    return values, (is_true | is_false) & ~blank


def _date(text: pa.Array, blank: np.ndarray):
    shaped = _np(pc.match_substring_regex(text, DATE))
    day = pc.utf8_slice_codeunits(_nulls_where(text, ~shaped), 0, 10)
    parsed = pc.strptime(day, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 2020-02-30 over to March: a real date prints back as itself
    values = pc.cast(pc.cast(parsed, pa.date32()), pa.string())
    ok = _np(pc.equal(values, day)) & ~blank
    return values, ok


def _lookup(text: pa.Array, blank: np.ndarray, mapping: dict[str, str]):
    idx = pc.index_in(pc.utf8_lower(text), value_set=pa.array(list(mapping)))
    values = pc.take(pa.array(list(mapping.values())), idx)
    return values, _np(pc.is_valid(idx)) & ~blank


def check_builtin(name: str, builtin: Builtin, text: pa.Array, blank: np.ndarray):
    c = builtin.column
    if c == "age":
        values, ok = _number(text, blank, integer=True, lo=16, hi=120)
    elif c == "loyalty_score":
        values, ok = _number(text, blank, integer=True, lo=1, hi=1000)
    elif c in ("online_interactions", "branch_visits", "call_center_calls"):
        values, ok = _number(text, blank, integer=True, lo=0, hi=COUNT_MAX)
    elif c == "monthly_income":
        values, ok = _number(text, blank, lo=0, hi=MONEY_MAX_FLOAT)
    elif c == "account_balance":
        values, ok = _number(text, blank, lo=-MONEY_MAX_FLOAT, hi=MONEY_MAX_FLOAT)
    elif c == "gender":
        values, ok = _lookup(text, blank, GENDER_CODES)
    elif c == "education_level":
        values, ok = _lookup(text, blank, {e: e for e in EDUCATION_LEVELS})
    else:  # has_loan
        values, ok = _boolean(text, blank, digits=True)
    invalid = ~ok if builtin.not_null else ~ok & ~blank
    return _nulls_where(values, ~ok), invalid


def check_attribute(text: pa.Array, blank: np.ndarray, type_: str):
    """(values, ok) for ``type_``: values are the normalised strings COPY reads."""
    if type_ == "number":
        return _number(text, blank)
    if type_ == "boolean":
        return _boolean(text, blank)
    if type_ == "date":
        return _date(text, blank)
    return text, ~blank


def infer(text: pa.Array, blank: np.ndarray) -> str:
    """The first of boolean, number, date that fits all but TOLERANCE of the values, else
    category (few distinct values that repeat) or text."""
    n = int((~blank).sum())
    if n == 0:
        return "text"
    sample_rows = np.flatnonzero(~blank)[:2000]
    sample, sample_blank = text.take(pa.array(sample_rows)), blank[sample_rows]
    for type_ in ("boolean", "number", "date"):
        # a quick look at the first values rules most types out without a full pass
        _, ok = check_attribute(sample, sample_blank, type_)
        if len(sample_rows) - int(ok.sum()) > TOLERANCE * len(sample_rows):
            continue
        _, ok = check_attribute(text, blank, type_)
        if n - int(ok.sum()) <= TOLERANCE * n:
            return type_
    distinct = len(pc.unique(_nulls_where(text, blank)).drop_null())
    return "category" if distinct <= MAX_CATEGORIES and distinct < n else "text"


def plan(names, arrays, id_column: str, types: dict[str, str], existing: dict[str, str]) -> list[Column]:
    """Checked columns in file order. ``types``: forced attribute types by column name
    (case-insensitive); ``existing``: attribute names already known, by lower-case name."""
    from .reading import FileError

    lower = {n.lower(): n for n in names}
    if id_column.lower() not in lower:
        raise FileError(f"line 1: the header has no id column {id_column!r} (use --id-column NAME)")
    forced = {}
    for name, type_ in types.items():
        if name.lower() not in lower:
            raise FileError(f"--type {name}: the file has no such column")
        if type_ not in COLUMN_TYPES:
            raise FileError(f"--type {name}={type_}: the type must be one of {', '.join(COLUMN_TYPES)}")
        if name.lower() in BUILTINS or name.lower() in PROFILES or name.lower() == id_column.lower():
            raise FileError(f"--type {name}: a built-in column; its type is fixed")
        forced[name.lower()] = type_
    out = []
    for name, arr in zip(names, arrays, strict=True):
        text, blank = _trimmed(arr)
        low = name.lower()
        if low == id_column.lower():
            out.append(_id_column(name, text, blank))
        elif low in PROFILES:
            values, ok = _number(text, blank, lo=0, hi=PROFILE_MAX)
            out.append(
                Column(
                    name,
                    "profile",
                    PROFILES[low][1],
                    f"numeric({MONEY_PRECISION},{MONEY_SCALE})",
                    _nulls_where(values, ~ok),
                    ~ok & ~blank,
                    f"must be an amount from 0 to {MONEY_MAX}",
                )
            )
        elif low in BUILTINS and low not in forced:
            builtin = BUILTINS[low]
            values, invalid = check_builtin(name, builtin, text, blank)
            if invalid.sum() <= BUILTIN_TOLERANCE * max(int((~blank).sum()), 1):
                out.append(
                    Column(name, "builtin", builtin.column, builtin.sql_type, values, invalid, builtin.reason)
                )
                continue
            column = _attribute(name, text, blank, None, existing)
            column.notes.append(
                f"column {name!r} does not fit the built-in {builtin.column} ({builtin.reason}); "
                f"kept as an attribute of type {column.type}"
            )
            out.append(column)
        else:
            out.append(_attribute(name, text, blank, forced.get(low), existing))
    return out


def _id_column(name: str, text: pa.Array, blank: np.ndarray) -> Column:
    too_long = _np(pc.greater(pc.utf8_length(text), MAX_ID_LENGTH))
    invalid = blank | too_long
    reason = np.where(blank, "blank id", f"id longer than {MAX_ID_LENGTH} characters")
    return Column(name, "id", "external_id", "text", text, invalid, reasons=reason)


def _attribute(name, text, blank, forced: str | None, existing: dict[str, str]) -> Column:
    type_ = forced or infer(text, blank)
    values, ok = check_attribute(text, blank, type_)
    invalid = ~ok & ~blank
    categories = None
    if type_ == "category":
        categories = sorted(pc.unique(_nulls_where(values, ~ok)).drop_null().to_pylist())
    key = existing.get(name.lower(), name)
    return Column(
        name,
        "attribute",
        key,
        ATTRIBUTE_SQL[type_],
        _nulls_where(values, ~ok),
        invalid,
        REASONS.get(type_, ""),
        type_,
        categories,
    )
