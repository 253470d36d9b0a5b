"""The scikit-learn pipeline every model uses.

Money amounts are heavy-tailed (a few customers spend 50x the median), so amounts go
through ``log1p`` before standardisation: distances then compare spending *patterns*
rather than the handful of largest spenders.
"""

from __future__ import annotations

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler


def make_preprocessor() -> Pipeline:
    return Pipeline(
        [
            ("log1p", FunctionTransformer(np.log1p, inverse_func=np.expm1, validate=False)),
            ("scale", StandardScaler()),
        ]
    )


def fit_preprocessor(X: np.ndarray) -> Pipeline:
    return make_preprocessor().fit(X)


def to_money_units(pipeline: Pipeline, points_scaled: np.ndarray) -> np.ndarray:
    """Map points from the model's standardised space back to money units."""
    scaler: StandardScaler = pipeline.named_steps["scale"]
    return np.expm1(points_scaled * scaler.scale_ + scaler.mean_)
