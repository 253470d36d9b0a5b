"""Population stability: binning a feature at training time and comparing later data."""

from __future__ import annotations

import numpy as np


def reference_bins(col: np.ndarray, bins: int = 10) -> dict:
    """Bins of a numeric feature with the share of training rows in each.

    Non-negative features (amounts, counts) get a zero bin (many customers never use a
    category) plus deciles of the positive values; features with negative values (a
    balance) get deciles of all values."""
    if len(col) and col.min() < 0:
        edges = np.unique(np.quantile(col, np.linspace(0, 1, bins + 1)[1:-1]))
    else:
        positive = col[col > 0]
        inner = np.quantile(positive, np.linspace(0, 1, bins + 1)[1:-1]) if len(positive) else np.empty(0)
        edges = np.concatenate([[0.0], np.unique(inner)])
    return {
        "mean": float(col.mean()) if len(col) else 0.0,
        "edges": edges.tolist(),
        "shares": shares(edges, col).tolist(),
    }


def shares(edges, col: np.ndarray) -> np.ndarray:
    counts = np.bincount(np.searchsorted(np.asarray(edges), col, side="left"), minlength=len(edges) + 1)
    return counts / max(len(col), 1)


def category_shares(codes: np.ndarray, values: list[str]) -> dict[str, float]:
    """Share of each category among the rows where the value is known."""
    known = codes[codes >= 0]
    counts = np.bincount(known, minlength=len(values))
    total = max(int(counts.sum()), 1)
    return {v: round(float(c) / total, 6) for v, c in zip(values, counts)}


def psi(expected, actual, eps: float = 1e-4) -> float:
    e = np.clip(np.asarray(expected, dtype=float), eps, None)
    a = np.clip(np.asarray(actual, dtype=float), eps, None)
    return float(((a - e) * np.log(a / e)).sum())


def status(value: float) -> str:
    return "stable" if value < 0.1 else ("shifted" if value < 0.25 else "drifted")
