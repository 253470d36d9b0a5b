"""One definition per kind of value: money, counts, ids and text.

Each kind has ONE limit, equal to what its database column stores, and every schema, the
importer and the predict parser take it from here, so a value that passes validation
always fits its column (no 500 on valid-looking input).

- money: ``numeric(14,2)`` in every money column, so at most 999,999,999,999.99 in
  absolute value, rounded to cents; a JSON number or a numeric string of ASCII digits
  (Python's ``\\d`` also matches Arabic-Indic or full-width digits, so the patterns say
  ``[0-9]``).
- counts: ``integer`` columns, 0 .. 2**31 - 1.
- ids: customer ids are ``bigint`` (1 .. 2**63 - 1); every other id is ``integer``.
- text: no NUL and no other control characters (single-line text also no line breaks);
  at most the column's length.
"""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import Numeric

# -- money --------------------------------------------------------------------
MONEY_PRECISION, MONEY_SCALE = 14, 2
MONEY_MAX = Decimal("999999999999.99")  # the largest numeric(14,2)
MONEY_MAX_FLOAT = float(MONEY_MAX)
CENT = Decimal("0.01")


def money_type() -> Numeric:
    """The column type of every money amount."""
    return Numeric(MONEY_PRECISION, MONEY_SCALE)


# ASCII digits only; optional sign and exponent; surrounding spaces allowed
NUMERIC = re.compile(r" *[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)? *")
NUMERIC_PATTERN = "^" + NUMERIC.pattern + "$"
# the same for amounts that cannot be negative (what the OpenAPI document shows)
NON_NEGATIVE_PATTERN = r"^ *[+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)? *$"

# -- counts -------------------------------------------------------------------
COUNT_MAX = 2**31 - 1  # integer

# -- ids ------------------------------------------------------------------------
CUSTOMER_ID_MAX = 2**63 - 1  # bigint
ID_MAX = 2**31 - 1  # integer (segments, model versions, jobs, users, API keys)
DIGITS = re.compile(r"[0-9]+")

# -- text -------------------------------------------------------------------------
# C0 controls, DEL and C1 controls; line breaks and tabs are allowed only in multi-line text
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NO_CONTROL = "Must not contain control characters."


def control_error(value: str, multiline: bool = False) -> str | None:
    """The error message when ``value`` holds characters no text field accepts."""
    return NO_CONTROL if (CONTROL_EXCEPT_LINES if multiline else CONTROL).search(value) else None


def ascii_int(value: str) -> bool:
    return DIGITS.fullmatch(value) is not None
