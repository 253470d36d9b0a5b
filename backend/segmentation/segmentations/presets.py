"""Ready-made segmentations, one per kind of question a bank asks.

Each preset names the columns it expects (a bank can also define its own features on any
column: ``create-segmentation NAME --feature COLUMN:KIND``).
"""

from __future__ import annotations

from ..ml.features import CATEGORIES, CATEGORY_LABELS


def _f(name: str, kind: str, label: str = "", unit: str | None = None) -> dict:
    return {"name": name, "kind": kind, "label": label or name.replace("_", " ").lower(), "unit": unit}


PRESETS: dict[str, dict] = {
    "lifestyle": {
        "description": "Average monthly spend in 8 categories: what customers spend their money on.",
        "features": [_f(c, "money", CATEGORY_LABELS[c], "per month") for c in CATEGORIES],
    },
    "bank-profile": {
        "description": (
            "A bank profile of 14 attributes: age, gender, income, balance, loyalty, education, "
            "four social-media / e-mail interaction flags, withdrawals, deposits, transactions, loan."
        ),
        "features": [
            _f("age", "score", "age", "years"),
            _f("gender", "categorical"),
            _f("monthly_income", "money", "monthly income", "per month"),
            _f("account_balance", "money", "account balance"),
            _f("loyalty_score", "score", "loyalty score", "1-1000"),
            _f("education_level", "categorical", "education level"),
            _f("facebook_interaction", "binary", "Facebook interaction"),
            _f("instagram_interaction", "binary", "Instagram interaction"),
            _f("twitter_interaction", "binary", "Twitter interaction"),
            _f("email_interaction", "binary", "e-mail interaction"),
            _f("total_withdrawals", "money", "withdrawals"),
            _f("total_deposits", "money", "deposits"),
            _f("transaction_count", "count", "transactions"),
            _f("has_loan", "binary", "loan"),
        ],
    },
    "income-score": {
        "description": "Annual income with a spending score (1-100): who earns and who spends.",
        "features": [
            _f("annual_income", "money", "income", "per year"),
            _f("spending_score", "score", "spending score", "1-100"),
        ],
    },
    "value-rfm": {
        "description": (
            "Recency, frequency and monetary value from the transaction log: who buys recently, "
            "often and much (customers without transactions are left out and counted)."
        ),
        "features": [
            _f("RecencyDays", "count", "days since last purchase", "days"),
            _f("Frequency", "count", "purchases"),
            _f("Monetary", "money", "total spend"),
        ],
    },
}
