"""Scores of a partition against the truth, across seeds and across units."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, confusion_matrix


def ari(a: np.ndarray, b: np.ndarray) -> float:
    return float(adjusted_rand_score(a, b))


def smallest_f1(truth: np.ndarray, labels: np.ndarray) -> float:
    """F1 of the best-matching cluster for the smallest true segment."""
    target = truth == np.argmin(np.bincount(truth))
    best = 0.0
    for c in np.unique(labels):
        pred = labels == c
        tp = float((pred & target).sum())
        if tp:
            best = max(best, 2 * tp / (pred.sum() + target.sum()))
    return best


def kept_share(a: np.ndarray, b: np.ndarray) -> float:
    """Share of rows with the same label after the best one-to-one matching of labels."""
    m = confusion_matrix(a, b)
    rows, cols = linear_sum_assignment(-m)
    return float(m[rows, cols].sum() / len(a))
