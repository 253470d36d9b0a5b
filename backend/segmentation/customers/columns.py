"""The columns a segmentation can use: built-in ones and the bank's imported attributes,
each with its type, counts and a suggested feature kind."""

from __future__ import annotations

import re

from psycopg2 import sql
from sqlalchemy import select

from ..core.extensions import db
from ..data.dataset import session_cursor
from ..ml.features import CATEGORY_COLUMNS, RFM_COLUMNS
from .models import EDUCATION_LEVELS, GENDERS, CustomerColumn

# built-in columns: (name, type, suggested kind, categories, SQL that reads it)
BUILTINS = [
    ("age", "number", "count", None, "c.age"),
    ("gender", "category", "categorical", list(GENDERS), "c.gender"),
    ("monthly_income", "number", "money", None, "c.monthly_income"),
    ("account_balance", "number", "money", None, "c.account_balance"),
    ("loyalty_score", "number", "score", None, "c.loyalty_score"),
    ("education_level", "category", "categorical", list(EDUCATION_LEVELS), "c.education_level"),
    ("has_loan", "boolean", "binary", None, "c.has_loan"),
    ("online_interactions", "number", "count", None, "c.online_interactions"),
    ("branch_visits", "number", "count", None, "c.branch_visits"),
    ("call_center_calls", "number", "count", None, "c.call_center_calls"),
    *[(name, "number", "money", None, f"p.{col}") for name, col in CATEGORY_COLUMNS.items()],
    ("RecencyDays", "number", "count", None, f"p.{RFM_COLUMNS['RecencyDays']}"),
    ("Frequency", "number", "count", None, f"p.{RFM_COLUMNS['Frequency']}"),
    ("Monetary", "number", "money", None, f"p.{RFM_COLUMNS['Monetary']}"),
]
MONEY_WORDS = re.compile(
    r"amount|balance|income|salary|spend|purchase|payment|limit|deposit|withdrawal|revenue|price|"
    r"value|cash|credit|debt|loan_amount|fee|cost|eur|usd|\$",
    re.IGNORECASE,
)
SCORE_WORDS = re.compile(r"score|rating|rank|grade|level|satisfaction|loyalty|scale", re.IGNORECASE)


def suggested_kind(
    name: str, type_: str, lo: float | None, hi: float | None, integral: bool | None
) -> str | None:
    """money for amount-like numbers, count for non-negative integers, ratio within 0..1,
    score for bounded integer scales, binary for 0/1 or booleans, categorical for categories."""
    if type_ == "boolean":
        return "binary"
    if type_ == "category":
        return "categorical"
    if type_ != "number" or lo is None:
        return None
    if integral and lo >= 0 and hi <= 1:
        return "binary"
    if not integral and lo >= 0 and hi <= 1:
        return "ratio"
    if integral and SCORE_WORDS.search(name) and hi <= 1000:
        return "score"
    if MONEY_WORDS.search(name):
        return "money"
    if integral and lo >= 0:
        return "count"
    return "money"


def overview() -> list[dict]:
    """Built-in columns first, then imported ones by name."""
    imported = list(db.session.scalars(select(CustomerColumn).order_by(CustomerColumn.name)))
    numbers = [c.name for c in imported if c.type == "number"]
    with session_cursor() as cur:
        counts = sql.SQL(", ").join(sql.SQL("count({})").format(sql.SQL(b[4])) for b in BUILTINS)
        cur.execute(
            sql.SQL(
                "SELECT count(*), {} FROM customers c LEFT JOIN spending_profiles p USING (customer_id)"
            ).format(counts)
        )
        total, *present = cur.fetchone()
        stats = _number_stats(cur, numbers)
    items = [
        {
            "name": name,
            "type": type_,
            "suggested_kind": kind,
            "categories": categories,
            "n_values": n,
            "n_missing": total - n,
            "builtin": True,
        }
        for (name, type_, kind, categories, _), n in zip(BUILTINS, present, strict=True)
    ]
    for c in imported:
        lo, hi, integral = stats.get(c.name, (None, None, None))
        items.append(
            {
                "name": c.name,
                "type": c.type,
                "suggested_kind": suggested_kind(c.name, c.type, lo, hi, integral),
                "categories": c.categories,
                "n_values": c.n_values,
                "n_missing": c.n_missing,
                "builtin": False,
            }
        )
    return items


def _number_stats(cur, names: list[str]) -> dict[str, tuple]:
    """(min, max, all whole numbers) per numeric attribute, in one pass over the customers."""
    if not names:
        return {}
    parts = []
    for name in names:
        value = sql.SQL(
            "CASE WHEN jsonb_typeof(attributes -> {0}) = 'number' THEN (attributes -> {0})::numeric END"
        ).format(sql.Literal(name))
        parts.append(sql.SQL("min({0}), max({0}), bool_and({0} = trunc({0}))").format(value))
    cur.execute(sql.SQL("SELECT {} FROM customers").format(sql.SQL(", ").join(parts)))
    row = cur.fetchone()
    return {
        name: (
            None if row[3 * i] is None else float(row[3 * i]),
            None if row[3 * i + 1] is None else float(row[3 * i + 1]),
            row[3 * i + 2],
        )
        for i, name in enumerate(names)
    }
