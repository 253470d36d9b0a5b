"""Segment profiles in original units: the members' real mean and median per numeric
feature, the most frequent value and the shares of each value per categorical feature.
Missing cells are left out of these figures (they are not the imputed values)."""

from __future__ import annotations

import numpy as np

from .drift import category_shares, reference_bins
from .kinds import FeatureData


def _numeric(col: np.ndarray) -> dict:
    col = col[~np.isnan(col)]
    if not len(col):
        return {"mean": None, "median": None}
    return {"mean": round(float(col.mean()), 6), "median": round(float(np.median(col)), 6)}


def _categorical(codes: np.ndarray, values: list[str]) -> dict:
    shares = category_shares(codes, values)
    mode = max(shares, key=shares.get) if any(shares.values()) else None
    return {"mode": mode, "shares": shares}


def profile(num: np.ndarray, cat: np.ndarray, data: FeatureData) -> dict:
    out = {}
    num_idx = {s.name: j for j, s in enumerate(data.numeric_specs)}
    cat_idx = {s.name: j for j, s in enumerate(data.categorical_specs)}
    for s in data.specs:
        if s.numeric:
            out[s.name] = _numeric(num[:, num_idx[s.name]])
        else:
            j = cat_idx[s.name]
            out[s.name] = _categorical(cat[:, j], data.categories[j])
    return out


def profiles_of(
    num: np.ndarray, cat: np.ndarray, labels: np.ndarray, k: int, data: FeatureData
) -> tuple[list[dict], dict]:
    """One profile per cluster label, and the profile of all rows. One column at a time in
    label order (a cluster's members are then a slice): never a copy of every member's row."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(k + 1))
    profiles: list[dict] = [{} for _ in range(k)]
    num_idx = {s.name: j for j, s in enumerate(data.numeric_specs)}
    cat_idx = {s.name: j for j, s in enumerate(data.categorical_specs)}
    for s in data.specs:
        if s.numeric:
            column = num[order, num_idx[s.name]]
        else:
            j = cat_idx[s.name]
            column = cat[order, j]
        for label in range(k):
            members = column[bounds[label] : bounds[label + 1]]
            profiles[label][s.name] = (
                _numeric(members) if s.numeric else _categorical(members, data.categories[j])
            )
    return profiles, profile(num, cat, data)


def feature_stats(num: np.ndarray, cat: np.ndarray, data: FeatureData) -> dict:
    """Drift reference per feature: numeric bins or category shares of the training rows."""
    out = {}
    for j, s in enumerate(data.numeric_specs):
        col = num[:, j]
        out[s.name] = reference_bins(col[~np.isnan(col)])
    for j, s in enumerate(data.categorical_specs):
        out[s.name] = {"shares_by_category": category_shares(cat[:, j], data.categories[j])}
    return out
