"""Choosing the number of segments, or finding that there are none.

Every candidate k is fitted on a sample of the prepared data (several initialisations) and
measured three ways:

- **silhouette** on a sample stratified by cluster (with a floor per cluster, so that small
  valuable segments weigh in);
- **stability**: two disjoint halves of the sample are clustered independently and their
  partitions of the whole sample compared (adjusted Rand index); a k that only carves a
  continuum into arbitrary pieces gives different pieces each time;
- **null silhouette**: the same fit on a reference sample without segment structure (every
  prepared column shuffled independently: same marginals, including zero spikes, but no
  joint pattern). A k must beat it clearly to count as structure.

Calinski-Harabasz, Davies-Bouldin and inertia are recorded too. :func:`choose` turns the
curve into a k, a sentence saying why, and a "no clear segment structure" verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)

# a k counts as structure when its silhouette beats the shuffled reference by this much ...
MIN_SILHOUETTE_GAIN = 0.10
# ... and its partition is reproduced on disjoint halves of the sample (ARI)
MIN_STABILITY = 0.80
# the best k is the largest-silhouette one; a smaller k within this margin is preferred
SILHOUETTE_TOLERANCE = 0.01


@dataclass
class KScore:
    k: int
    inertia: float
    silhouette: float
    davies_bouldin: float
    calinski_harabasz: float
    stability: float
    null_silhouette: float
    smallest_share: float
    centers: np.ndarray

    def as_dict(self) -> dict:
        return {
            "k": self.k,
            "inertia": round(float(self.inertia), 4),
            "silhouette": round(float(self.silhouette), 6),
            "davies_bouldin": round(float(self.davies_bouldin), 6),
            "calinski_harabasz": round(float(self.calinski_harabasz), 4),
            "stability": round(float(self.stability), 4),
            "null_silhouette": round(float(self.null_silhouette), 6),
            "smallest_share": round(float(self.smallest_share), 5),
        }


def sample_rows(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of a uniform sample of ``size`` of ``n`` rows (all rows if fewer)."""
    if n <= size:
        return np.arange(n)
    return np.sort(rng.choice(n, size=size, replace=False))


def stratified_sample(
    labels: np.ndarray, size: int, rng: np.random.Generator, floor: int = 200
) -> np.ndarray:
    """Indices sampled per cluster: proportional to cluster size, but at least ``floor``
    (or the whole cluster when smaller), so that small segments are represented."""
    n = len(labels)
    if n <= size:
        return np.arange(n)
    clusters, counts = np.unique(labels, return_counts=True)
    quotas = np.maximum(np.round(counts / n * size).astype(int), np.minimum(counts, floor))
    picks = []
    for cluster, quota in zip(clusters, quotas):
        members = np.flatnonzero(labels == cluster)
        take = min(int(quota), len(members))
        picks.append(rng.choice(members, size=take, replace=False))
    return np.sort(np.concatenate(picks))


def silhouette(X: np.ndarray, labels: np.ndarray, size: int, rng: np.random.Generator) -> float:
    idx = stratified_sample(labels, size, rng)
    if len(np.unique(labels[idx])) < 2:
        return -1.0
    return float(silhouette_score(X[idx], labels[idx]))


def shuffled(X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each column permuted independently: the marginals stay, the joint structure goes."""
    return np.column_stack([rng.permutation(X[:, j]) for j in range(X.shape[1])])


def kmeans(X: np.ndarray, k: int, n_init: int, seed: int) -> KMeans:
    return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(X)


def score_k(
    X: np.ndarray, k: int, random_state: int, silhouette_size: int, n_init: int, null: np.ndarray
) -> KScore:
    rng = np.random.default_rng([random_state, k])
    km = kmeans(X, k, n_init, random_state)
    labels = km.labels_
    half = rng.permutation(len(X))
    a, b = half[: len(X) // 2], half[len(X) // 2 :]
    quick = n_init
    la = kmeans(X[a], k, quick, random_state + 1).predict(X)
    lb = kmeans(X[b], k, quick, random_state + 2).predict(X)
    null_km = kmeans(null, k, quick, random_state)
    return KScore(
        k=k,
        inertia=float(km.inertia_),
        silhouette=silhouette(X, labels, silhouette_size, rng),
        davies_bouldin=float(davies_bouldin_score(X, labels)),
        calinski_harabasz=float(calinski_harabasz_score(X, labels)),
        stability=float(adjusted_rand_score(la, lb)),
        null_silhouette=silhouette(null, null_km.labels_, silhouette_size, rng),
        smallest_share=float(np.bincount(labels, minlength=k).min() / len(X)),
        centers=km.cluster_centers_,
    )


def score_all(
    X: np.ndarray,
    k_range: range,
    random_state: int,
    silhouette_size: int,
    n_init: int = 10,
    progress: Callable[[float], None] | None = None,
) -> list[KScore]:
    """Score every k in ``k_range`` on ``X`` (already a sample)."""
    ks = [k for k in k_range if 2 <= k < len(X) // 2]
    if not ks:
        raise ValueError(f"not enough rows ({len(X)}) for k in {list(k_range)}")
    null = shuffled(X, np.random.default_rng(random_state))
    null = null[: min(len(null), max(silhouette_size, 2000))]
    scores = []
    for i, k in enumerate(ks):
        scores.append(score_k(X, k, random_state, silhouette_size, n_init, null))
        if progress:
            progress((i + 1) / len(ks))
    return scores


def choose(scores: list[KScore], forced: bool = False) -> tuple[KScore, str, str | None]:
    """The chosen k, why, and the reason there is no clear structure (None when there is)."""
    if forced:
        s = scores[0]
        return s, f"k = {s.k} was set for this run (silhouette {s.silhouette:.2f}).", None
    structured = [
        s
        for s in scores
        if s.silhouette - s.null_silhouette >= MIN_SILHOUETTE_GAIN and s.stability >= MIN_STABILITY
    ]
    if not structured:
        best = max(scores, key=lambda s: s.silhouette - s.null_silhouette)
        reason = (
            "no clear segment structure was found: the best partition "
            f"(k = {best.k}, silhouette {best.silhouette:.2f}) is no better than on the same data "
            f"with its columns shuffled (silhouette {best.null_silhouette:.2f}) or is not reproduced "
            f"on resampled data (stability {best.stability:.2f})"
        )
        return best, reason, reason
    top = max(s.silhouette for s in structured)
    best = min((s for s in structured if s.silhouette >= top - SILHOUETTE_TOLERANCE), key=lambda s: s.k)
    others = ", ".join(
        f"{s.k}: {s.silhouette:.2f}" for s in sorted(structured, key=lambda s: -s.silhouette)[1:3]
    )
    reason = (
        f"k = {best.k} has the best silhouette ({best.silhouette:.2f}, against {best.null_silhouette:.2f} "
        f"on shuffled data) among the partitions that are reproduced on resampled data "
        f"(stability {best.stability:.2f})" + (f"; next best k {others}" if others else "") + "."
    )
    return best, reason, None
