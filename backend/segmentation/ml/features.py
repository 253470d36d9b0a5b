"""The features a model can use, and how API names map to database columns."""

from __future__ import annotations

# Spending categories: the names clients send (matched case-insensitively) and their columns.
CATEGORIES: tuple[str, ...] = (
    "Utilities",
    "Groceries",
    "Transport",
    "Dining",
    "Entertainment",
    "OnlineShopping",
    "Travel",
    "Healthcare",
)
CATEGORY_COLUMNS: dict[str, str] = {
    "Utilities": "utilities",
    "Groceries": "groceries",
    "Transport": "transport",
    "Dining": "dining",
    "Entertainment": "entertainment",
    "OnlineShopping": "online_shopping",
    "Travel": "travel",
    "Healthcare": "healthcare",
}
CATEGORY_LABELS: dict[str, str] = {
    "Utilities": "utilities",
    "Groceries": "groceries",
    "Transport": "transport",
    "Dining": "dining out",
    "Entertainment": "entertainment",
    "OnlineShopping": "online shopping",
    "Travel": "travel",
    "Healthcare": "healthcare",
}

# Recency / frequency / monetary figures computed from transactions.
RFM_FEATURES: tuple[str, ...] = ("RecencyDays", "Frequency", "Monetary")
RFM_COLUMNS: dict[str, str] = {
    "RecencyDays": "recency_days",
    "Frequency": "frequency",
    "Monetary": "monetary",
}
FEATURE_LABELS: dict[str, str] = {
    **CATEGORY_LABELS,
    "RecencyDays": "days since last purchase",
    "Frequency": "number of purchases",
    "Monetary": "total spend",
}

FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "spending": CATEGORIES,
    "spending+rfm": CATEGORIES + RFM_FEATURES,
}
COLUMNS: dict[str, str] = {**CATEGORY_COLUMNS, **RFM_COLUMNS}


def features_for(feature_set: str) -> tuple[str, ...]:
    try:
        return FEATURE_SETS[feature_set]
    except KeyError:
        raise ValueError(
            f"unknown feature set {feature_set!r}; choose one of {sorted(FEATURE_SETS)}"
        ) from None


def column_for(feature: str) -> str:
    return COLUMNS[feature]
