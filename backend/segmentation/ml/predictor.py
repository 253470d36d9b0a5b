"""Fast prediction without scikit-learn on the hot path.

At load time the pipeline is reduced to a few arrays (log1p, the scaler's mean and
scale, the centroids and their squared norms). Prediction is then one vectorised
expression and an argmin, computed the same way KMeans.predict computes it
(``||c||^2 - 2 x.c``, first minimum wins), so the labels are identical.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FastPredictor:
    version: int
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    centers: np.ndarray  # (k, n_features), standardised space
    centers_sq: np.ndarray
    segment_ids: np.ndarray  # segment id of each cluster label

    @classmethod
    def from_artifact(cls, artifact: dict) -> FastPredictor:
        pipeline = artifact["pipeline"]
        scaler = pipeline.named_steps["scale"]
        centers = np.ascontiguousarray(pipeline.named_steps["kmeans"].cluster_centers_, dtype=np.float64)
        return cls(
            version=int(artifact["version"]),
            features=tuple(artifact["features"]),
            mean=np.array(scaler.mean_, dtype=np.float64),
            scale=np.array(scaler.scale_, dtype=np.float64),
            centers=centers,
            centers_sq=(centers**2).sum(axis=1),
            segment_ids=np.asarray(artifact["segment_ids"], dtype=np.int64),
        )

    def transform(self, X: np.ndarray) -> np.ndarray:
        Z = np.log1p(X)
        Z -= self.mean
        Z /= self.scale
        return Z

    def distances_sq(self, X: np.ndarray) -> np.ndarray:
        """Squared distances to every centroid (k columns), in standardised space."""
        Z = self.transform(X)
        return np.maximum(self.centers_sq - 2.0 * (Z @ self.centers.T) + (Z**2).sum(axis=1)[:, None], 0.0)

    def labels(self, X: np.ndarray) -> np.ndarray:
        Z = self.transform(X)
        return np.argmin(self.centers_sq - 2.0 * (Z @ self.centers.T), axis=1)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Segment ids for rows of ``X`` (money units, columns in ``features`` order)."""
        return self.segment_ids[self.labels(np.asarray(X, dtype=np.float64))]
