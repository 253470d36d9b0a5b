"""The final fit at a chosen k: KMeans for numeric data, k-prototypes for mixed data.

Centres are found on a sample with many initialisations (so the seed does not move
customers), extreme outliers are set aside, and the centres are then refined on every
other row: by scikit-learn's KMeans for numeric data, and for mixed data by ``kmodes``'
k-prototypes on a sample followed by vectorised NumPy passes over every row (numeric
means, categorical modes; distance = squared numeric distance + gamma x mismatches).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from . import prep

# a row is an extreme outlier when its squared distance to the nearest centre exceeds this
# many times the median squared distance of all rows
OUTLIER_FACTOR = 30.0
# a small cluster whose members' median squared distance exceeds this many times the typical one
LOOSE_FACTOR = 4.0
REFINE_PASSES = 15


@dataclass
class Clustering:
    method: str  # "kmeans" | "kprototypes"
    num_centers: np.ndarray  # (k, d_num), prepared space
    modes: np.ndarray  # (k, d_cat) int, category code of each cluster's mode
    n_categories: list[int]
    gamma: float
    estimator: KMeans | None = None  # the fitted scikit-learn KMeans (numeric data); not in artifacts

    @property
    def k(self) -> int:
        return len(self.num_centers)

    def centers(self) -> np.ndarray:
        """Centres in the embedded space (numeric part, then one-hot modes)."""
        if not self.n_categories:
            return self.num_centers
        return prep.embed(self.num_centers, self.modes, self.n_categories, self.gamma)

    def embedded(self, Z: np.ndarray, cat: np.ndarray) -> np.ndarray:
        return prep.embed(Z, cat, self.n_categories, self.gamma)

    def assign(self, Z: np.ndarray, cat: np.ndarray) -> np.ndarray:
        C = self.centers()
        return prep.nearest(self.embedded(Z, cat), C, (C**2).sum(axis=1))

    def inertia(self, Z: np.ndarray, cat: np.ndarray, labels: np.ndarray) -> float:
        E = self.embedded(Z, cat)
        return float(((E - self.centers()[labels]) ** 2).sum())


def min_sq_distance(E: np.ndarray, C: np.ndarray) -> np.ndarray:
    d2 = (C**2).sum(axis=1) - 2.0 * (E @ C.T) + (E**2).sum(axis=1)[:, None]
    return np.maximum(d2.min(axis=1), 0.0)


def outlier_rows(E: np.ndarray, C: np.ndarray) -> np.ndarray:
    d2 = min_sq_distance(E, C)
    typical = float(np.median(d2))
    if typical <= 0:
        return np.zeros(len(E), dtype=bool)
    return d2 > OUTLIER_FACTOR * typical


def screen_outliers(E: np.ndarray, sample: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Rows far from every real group, found before k is chosen.

    The sample is cut into ``k`` (the largest candidate) clusters. A small cluster (under
    1 % of rows) whose members lie far from each other (median squared distance to its
    centre over ``LOOSE_FACTOR`` times the typical one) is a scatter of outliers, not a
    group: its centre is dropped. Rows much further from every remaining centre than rows
    usually are (``OUTLIER_FACTOR``) are outliers. A small *tight* group stays a group."""
    S = E[sample]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        km = KMeans(n_clusters=k, n_init=2, random_state=seed).fit(S)
    C = km.cluster_centers_
    d2 = np.maximum(((S - C[km.labels_]) ** 2).sum(axis=1), 0.0)
    typical = float(np.median(d2))
    keep = []
    for c in range(k):
        members = d2[km.labels_ == c]
        small = len(members) < 0.01 * len(S)
        loose = len(members) == 0 or np.median(members) > LOOSE_FACTOR * max(typical, 1e-12)
        keep.append(not (small and loose))
    return outlier_rows(E, C[np.asarray(keep)])


def fit_centres(
    Z: np.ndarray,
    cat: np.ndarray,
    n_categories: list[int],
    gamma: float,
    k: int,
    sample: np.ndarray,
    outliers: np.ndarray,
    options,
    start: np.ndarray | None = None,
    progress: Callable[[float], None] = lambda f: None,
) -> Clustering:
    """The clustering of every row at ``k``, fitted without the ``outliers``; ``start`` (the
    centres found while choosing k) competes with fresh k-means++ starts."""
    E = prep.embed(Z, cat, n_categories, gamma)
    inliers = sample[~outliers[sample]]
    with threadpool_limits(1), warnings.catch_warnings():  # a sample: many small fits, one thread each
        warnings.simplefilter("ignore", ConvergenceWarning)  # discrete data: fewer distinct points than k
        km = KMeans(n_clusters=k, n_init=options.n_init, random_state=options.random_state).fit(E[inliers])
        if start is not None:
            warm = KMeans(n_clusters=k, init=start, n_init=1).fit(E[inliers])
            if warm.inertia_ < km.inertia_ * (1 - 1e-9):
                km = warm
    progress(0.4)
    d = Z.shape[1]
    if not n_categories:
        final = KMeans(n_clusters=k, init=km.cluster_centers_, n_init=1, random_state=options.random_state)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            final.fit(Z[~outliers])
        progress(1.0)
        empty = np.empty((k, 0), dtype=np.int64)
        centers = np.ascontiguousarray(final.cluster_centers_)
        return Clustering("kmeans", centers, empty, [], 0.0, estimator=final)
    num_centers = km.cluster_centers_[:, :d]
    modes = block_argmax(km.cluster_centers_[:, d:], n_categories)
    num_centers, modes = kprototypes_sample(Z, cat, n_categories, num_centers, modes, gamma, inliers, options)
    clustering = Clustering("kprototypes", num_centers, modes, list(n_categories), gamma)
    refine(clustering, Z[~outliers], cat[~outliers])
    progress(1.0)
    return clustering


def block_argmax(blocks: np.ndarray, n_categories: list[int]) -> np.ndarray:
    out, offset = [], 0
    for m in n_categories:
        out.append(np.argmax(blocks[:, offset : offset + m], axis=1))
        offset += m
    return np.column_stack(out).astype(np.int64)


def kprototypes_sample(Z, cat, n_categories, num_centers, modes, gamma, sample, options):
    """kmodes' k-prototypes on (part of) the sample, started from the given centres."""
    from kmodes.kprototypes import KPrototypes

    rows = sample[: options.kproto_sample]
    if Z.shape[1] == 0:  # categories only: the NumPy passes below are k-modes
        return num_centers, modes
    for j, m in enumerate(n_categories):
        # kmodes re-encodes the values it sees: every code must occur for the start to line up
        if len(np.unique(cat[rows, j])) != m:
            return num_centers, modes
    d = Z.shape[1]
    X = np.hstack([Z[rows], cat[rows].astype(np.float64)])
    model = KPrototypes(
        n_clusters=len(num_centers),
        init=[num_centers, modes.astype(np.float64)],
        n_init=1,
        gamma=gamma,
        max_iter=20,
        random_state=options.random_state,
    )
    try:
        model.fit(X, categorical=list(range(d, d + cat.shape[1])))
    except ValueError:  # kmodes gives up on clusters that empty out; keep the KMeans start
        return num_centers, modes
    centroids = np.asarray(model.cluster_centroids_, dtype=np.float64)
    return np.ascontiguousarray(centroids[:, :d]), centroids[:, d:].round().astype(np.int64)


def refine(clustering: Clustering, Z: np.ndarray, cat: np.ndarray) -> None:
    """k-prototypes passes over every row: assign, then means and modes, until stable."""
    labels = None
    k = clustering.k
    for _ in range(REFINE_PASSES):
        new = clustering.assign(Z, cat)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        counts = np.bincount(labels, minlength=k)
        full = counts > 0
        sums = np.zeros((k, Z.shape[1]))
        for j in range(Z.shape[1]):
            sums[:, j] = np.bincount(labels, weights=Z[:, j], minlength=k)
        clustering.num_centers[full] = sums[full] / counts[full, None]
        for j, m in enumerate(clustering.n_categories):
            table = np.bincount(labels * m + cat[:, j], minlength=k * m).reshape(k, m)
            clustering.modes[full, j] = np.argmax(table[full], axis=1)
