"""Fast prediction without pandas or scikit-learn on the hot path.

At load time the artifact's recorded preparation becomes a few arrays (medians for
missing values, robust scales, means and scales) and the centres are embedded once
(numeric centres, then one-hot category modes weighted for k-prototypes). Prediction is
one vectorised preparation, one matrix product and an argmin, computed the way
``KMeans.predict`` computes it (``||c||^2 - 2 x.c``, first minimum wins), so numeric
models give labels identical to scikit-learn's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import prep
from .kinds import FeatureSpec
from .scalar import Scalar

FORMAT = 2


class PredictorError(ValueError):
    """The artifact cannot be served by this predictor (old format, inconsistent)."""


@dataclass(frozen=True)
class FastPredictor:
    version: int
    specs: tuple[FeatureSpec, ...]
    features: tuple[str, ...]
    categories: dict[str, tuple[str, ...]]
    preparation: dict  # prep parameters as arrays
    centers: np.ndarray  # (k, embedded dims)
    centers_sq: np.ndarray
    n_categories: tuple[int, ...]
    gamma: float | tuple[float, ...]
    segment_ids: np.ndarray  # segment id of each cluster label
    method: str = "kmeans"
    scalar: Scalar | None = None  # one profile in plain Python (predict_one)

    @classmethod
    def from_artifact(cls, artifact: dict) -> FastPredictor:
        if artifact.get("format") != FORMAT or "preparation" not in artifact:
            raise PredictorError(
                f"model artifact format {artifact.get('format')!r} is not {FORMAT}; retrain to serve it"
            )
        specs = tuple(FeatureSpec.from_dict(s) for s in artifact["specs"])
        categories = {name: tuple(values) for name, values in artifact["categories"].items()}
        cat_specs = [s for s in specs if not s.numeric]
        n_categories = tuple(len(categories[s.name]) for s in cat_specs)
        k = len(artifact["centers"])
        num_centers = np.asarray(artifact["centers"], dtype=np.float64).reshape(
            k, len(specs) - len(cat_specs)
        )
        modes = np.asarray(artifact["modes"], dtype=np.int64).reshape(k, len(cat_specs))
        raw = artifact.get("gamma") or 0.0  # one number, or one per categorical feature
        gamma = float(raw) if np.isscalar(raw) else tuple(float(g) for g in raw)
        shares = artifact.get("category_shares")  # mixed models since session 2; before: modes
        if shares is not None and n_categories:
            weights = prep.block_weights(list(n_categories), gamma)
            centers = np.ascontiguousarray(
                np.hstack([num_centers, np.asarray(shares, dtype=np.float64) * weights])
            )
        else:
            centers = np.ascontiguousarray(prep.embed(num_centers, modes, list(n_categories), gamma))
        segment_ids = np.asarray(artifact["segment_ids"], dtype=np.int64)
        if len(segment_ids) != len(centers):
            raise PredictorError(f"{len(segment_ids)} segment ids for {len(centers)} clusters")
        preparation = prep.arrays(artifact["preparation"])
        n_numeric = len(specs) - len(cat_specs)
        return cls(
            version=int(artifact["version"]),
            specs=specs,
            features=tuple(s.name for s in specs),
            categories=categories,
            preparation=preparation,
            centers=centers,
            centers_sq=(centers**2).sum(axis=1),
            n_categories=n_categories,
            gamma=gamma,
            segment_ids=segment_ids,
            method=artifact.get("method", "kmeans"),
            scalar=Scalar.of(preparation, centers, n_numeric, n_categories, gamma),
        )

    @property
    def numeric_features(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.specs if s.numeric)

    @property
    def categorical_features(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.specs if not s.numeric)

    def codes(self, cat) -> np.ndarray:
        """Category codes (n, d_cat) from codes or from values (strings; unknown = -1)."""
        if not self.n_categories:
            return np.empty((0, 0), dtype=np.int64)
        arr = np.asarray(cat)
        if arr.ndim == 1:
            arr = arr.reshape(1, -1) if len(arr) == len(self.n_categories) else arr.reshape(-1, 1)
        if arr.dtype.kind in "iu":
            return arr.astype(np.int64)
        out = np.full(arr.shape, -1, dtype=np.int64)
        for j, name in enumerate(self.categorical_features):
            lookup = {v: i for i, v in enumerate(self.categories[name])}
            out[:, j] = [lookup.get(v if isinstance(v, str) else str(v), -1) for v in arr[:, j]]
        return out

    def transform(self, num: np.ndarray, cat=None) -> np.ndarray:
        """Rows in the model's space (prepared numeric columns, then weighted one-hots)."""
        X = np.asarray(num, dtype=np.float64)
        Z = prep.transform(X if X.ndim == 2 else np.atleast_2d(X), self.preparation)
        if not self.n_categories:
            return Z
        codes = self.codes(cat) if cat is not None else np.full((len(Z), len(self.n_categories)), -1)
        return prep.embed(Z, codes, list(self.n_categories), self.gamma)

    def distances_sq(self, num: np.ndarray, cat=None) -> np.ndarray:
        """Squared distances to every centre (k columns), in the model's space."""
        E = self.transform(num, cat)
        return np.maximum(self.centers_sq - 2.0 * (E @ self.centers.T) + (E**2).sum(axis=1)[:, None], 0.0)

    def labels(self, num: np.ndarray, cat=None) -> np.ndarray:
        return prep.nearest(self.transform(num, cat), self.centers, self.centers_sq)

    def predict(self, num: np.ndarray, cat=None) -> np.ndarray:
        """Segment ids for rows of ``num`` (original units, numeric features in declared
        order, NaN = missing) and ``cat`` (categories or their codes, -1 = missing)."""
        return self.segment_ids[self.labels(num, cat)]

    def predict_one(self, values, codes=None) -> int:
        """``predict`` of one profile given as plain sequences (numeric ``values``, category
        ``codes``): the same segment id, found in plain Python unless it is too close to call
        there (:mod:`.scalar`)."""
        label = self.scalar.label(values, codes) if self.scalar is not None else None
        if label is None:
            cat = None if codes is None else np.array([codes], dtype=np.int64)
            return int(self.predict(np.array([values], dtype=np.float64), cat)[0])
        return int(self.segment_ids[label])
