"""Rows a model can place and the gaps it fills: customers missing more than half of the
features are left out of training (and placed by no model); the rest have numeric gaps filled
with the training median and categorical gaps with the most frequent category, recorded in
the artifact so serving fills them the same way."""

from __future__ import annotations

import numpy as np

from .kinds import FeatureData

MAX_MISSING_SHARE = 0.5


def placeable(data: FeatureData) -> np.ndarray:
    """Rows a model places: those missing at most half of the features."""
    missing = np.isnan(data.num).sum(axis=1) + (data.cat < 0).sum(axis=1)
    return missing <= MAX_MISSING_SHARE * len(data.specs)


def missing_rule(data: FeatureData) -> tuple[np.ndarray, dict, list[str]]:
    """Rows kept, the recorded rule per feature and notes."""
    n = len(data)
    kept = placeable(data)
    notes = []
    dropped = int(n - kept.sum())
    if dropped:
        notes.append(f"{dropped} customers miss more than half of the features and were left out of training")
    imputation = {}
    for j, s in enumerate(data.numeric_specs):
        col = data.num[kept, j]
        gaps = int(np.isnan(col).sum())
        value = float(np.nanmedian(col)) if gaps < len(col) else 0.0
        imputation[s.name] = {"rule": "median", "value": value, "missing": gaps}
    for j, s in enumerate(data.categorical_specs):
        codes = data.cat[kept, j]
        gaps = int((codes < 0).sum())
        counts = np.bincount(codes[codes >= 0], minlength=len(data.categories[j]))
        mode = data.categories[j][int(np.argmax(counts))] if counts.sum() else None
        imputation[s.name] = {"rule": "mode", "value": mode, "missing": gaps}
    filled = [f"{name} ({r['missing']})" for name, r in imputation.items() if r["missing"]]
    if filled:
        notes.append(
            "missing values were filled with the training median or most frequent category: "
            + ", ".join(filled)
        )
    return kept, imputation, notes


def fill_categories(cat: np.ndarray, imputation: dict, data: FeatureData) -> np.ndarray:
    out = cat.copy()
    for j, s in enumerate(data.categorical_specs):
        value = imputation[s.name]["value"]
        if value is not None:
            out[out[:, j] < 0, j] = data.categories[j].index(value)
    return out
