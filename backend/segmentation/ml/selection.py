"""Choosing the number of segments.

For each candidate k, KMeans is fitted on a sample of the standardised data and scored
by silhouette (on a sample stratified by cluster, with a floor per cluster so small,
valuable segments weigh in), Davies-Bouldin, Calinski-Harabasz and inertia. The k with the
best silhouette wins; every score is returned for the record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score


@dataclass
class KScore:
    k: int
    inertia: float
    silhouette: float
    davies_bouldin: float
    calinski_harabasz: float
    centers: np.ndarray

    def as_dict(self) -> dict:
        return {
            "k": self.k,
            "inertia": round(float(self.inertia), 4),
            "silhouette": round(float(self.silhouette), 6),
            "davies_bouldin": round(float(self.davies_bouldin), 6),
            "calinski_harabasz": round(float(self.calinski_harabasz), 4),
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


def score_k(
    Xs: np.ndarray,
    k: int,
    random_state: int,
    silhouette_size: int,
    n_init: int = 2,
) -> KScore:
    km = KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit(Xs)
    labels = km.labels_
    rng = np.random.default_rng(random_state + k)
    idx = stratified_sample(labels, silhouette_size, rng)
    sil = silhouette_score(Xs[idx], labels[idx]) if len(np.unique(labels[idx])) > 1 else -1.0
    return KScore(
        k=k,
        inertia=float(km.inertia_),
        silhouette=float(sil),
        davies_bouldin=float(davies_bouldin_score(Xs, labels)),
        calinski_harabasz=float(calinski_harabasz_score(Xs, labels)),
        centers=km.cluster_centers_,
    )


def select_k(
    Xs: np.ndarray,
    k_range: range,
    random_state: int,
    silhouette_size: int,
    progress: Callable[[float], None] | None = None,
) -> tuple[KScore, list[KScore]]:
    """Score every k in ``k_range`` on ``Xs`` (already a sample); return the best and all."""
    ks = [k for k in k_range if k < len(Xs)]
    if not ks:
        raise ValueError(f"not enough rows ({len(Xs)}) for k in {list(k_range)}")
    scores = []
    for i, k in enumerate(ks):
        scores.append(score_k(Xs, k, random_state, silhouette_size))
        if progress:
            progress((i + 1) / len(ks))
    # best silhouette; ties (within 0.005) go to the smaller k, the simpler story
    best_sil = max(s.silhouette for s in scores)
    best = min((s for s in scores if s.silhouette >= best_sil - 0.005), key=lambda s: s.k)
    return best, scores
