"""Population stability: binning a feature at training time and comparing later data."""

from __future__ import annotations

import numpy as np


def reference_bins(col: np.ndarray, bins: int = 10) -> dict:
    """A zero bin (most categories are unused by many customers) plus deciles of the
    positive amounts, with the share of training rows in each bin."""
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


def psi(expected, actual, eps: float = 1e-4) -> float:
    e = np.clip(np.asarray(expected, dtype=float), eps, None)
    a = np.clip(np.asarray(actual, dtype=float), eps, None)
    return float(((a - e) * np.log(a / e)).sum())


def status(value: float) -> str:
    return "stable" if value < 0.1 else ("shifted" if value < 0.25 else "drifted")
