"""The final fit at a chosen k: KMeans on the prepared (and, for mixed data, embedded) rows.

Centres are found on a sample with many initialisations (so the seed does not move
customers), extreme outliers are set aside, and the centres are then refined on every
other row by scikit-learn's KMeans. For mixed data the rows are the prepared numeric columns
followed by weighted one-hot categories, so a segment's categorical prototype is the *share*
of each category among its members (k-prototypes with frequency prototypes, as in
k-representatives) rather than its single most frequent value: with modes, a customer whose
education differs from its segment's mode paid a full mismatch, and on the 14-attribute bank
profile the fit at the true k reached ARI 0.79 where the same data with shares reaches 0.98.
The distance is the squared numeric distance plus, per categorical feature j,
``gamma_j / 2 x ||one-hot - shares||^2`` (the expected mismatch cost, up to a constant per
segment).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from . import blocks, prep

# a row is an extreme outlier when its squared distance to the nearest centre exceeds this
# many times the median squared distance of all rows
OUTLIER_FACTOR = 30.0
# a small cluster whose members' median squared distance exceeds this many times the typical one
LOOSE_FACTOR = 4.0


@dataclass
class Clustering:
    method: str  # "kmeans" | "kprototypes"
    num_centers: np.ndarray  # (k, d_num), prepared space
    modes: np.ndarray  # (k, d_cat) int, category code of each cluster's mode
    n_categories: list[int]
    gamma: float | list[float]  # one mismatch cost, or one per categorical feature
    estimator: KMeans | None = None  # the fitted scikit-learn KMeans; not in artifacts
    shares: np.ndarray | None = None  # (k, sum(n_categories)) category shares per cluster (mixed)

    @property
    def k(self) -> int:
        return len(self.num_centers)

    def centers(self) -> np.ndarray:
        """Centres in the embedded space (numeric part, then one-hot modes)."""
        if not self.n_categories:
            return self.num_centers
        if self.shares is not None:
            return np.hstack(
                [self.num_centers, self.shares * prep.block_weights(self.n_categories, self.gamma)]
            )
        return prep.embed(self.num_centers, self.modes, self.n_categories, self.gamma)

    def embedded(self, Z: np.ndarray, cat: np.ndarray) -> np.ndarray:
        return prep.embed(Z, cat, self.n_categories, self.gamma)

    def assign(self, Z: np.ndarray, cat: np.ndarray) -> np.ndarray:
        C = self.centers()
        return prep.nearest(self.embedded(Z, cat), C, (C**2).sum(axis=1))

    def inertia(self, Z: np.ndarray, cat: np.ndarray, labels: np.ndarray) -> float:
        """``((E - C[labels]) ** 2).sum()`` bit for bit, a block of rows at a time
        (:func:`.blocks.total`), without its three (rows, columns) temporaries."""
        C = self.centers()

        def squares(start: int) -> np.ndarray:
            rows = slice(start, start + blocks.ROWS)
            diff = self.embedded(Z[rows], cat[rows]) - C[labels[rows]]
            return np.multiply(diff, diff, out=diff)

        return blocks.total(squares(start) for start in range(0, len(Z), blocks.ROWS))


def min_sq_distance(E: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Each row's squared distance to its nearest centre, :data:`.blocks.ROWS` rows at a time
    (row by row the same values as in one go; the (rows, k) temporaries stay small)."""
    out = np.empty(len(E))
    c_sq = (C**2).sum(axis=1)
    for start in range(0, len(E), blocks.ROWS):
        block = E[start : start + blocks.ROWS]
        d2 = c_sq - 2.0 * (block @ C.T) + (block**2).sum(axis=1)[:, None]
        out[start : start + len(block)] = d2.min(axis=1)
    return np.maximum(out, 0.0)


def outlier_rows(E: np.ndarray, C: np.ndarray) -> np.ndarray:
    d2 = min_sq_distance(E, C)
    typical = float(np.median(d2))
    if typical <= 0:
        return np.zeros(len(E), dtype=bool)
    return d2 > OUTLIER_FACTOR * typical


def screen_outliers(E: np.ndarray, sample: np.ndarray, k: int, seed: int, d: int | None = None) -> np.ndarray:
    """Rows far from every real group, found before k is chosen.

    The sample is cut into ``k`` (the largest candidate) clusters. A small cluster (under
    1 % of rows) whose members lie far from each other (median squared distance to its
    centre over ``LOOSE_FACTOR`` times the typical one) is a scatter of outliers, not a
    group: its centre is dropped. Rows much further from every remaining centre than rows
    usually are (``OUTLIER_FACTOR``) are outliers. A small *tight* group stays a group.

    Only the ``d`` numeric columns (all by default) count in that last distance: a category
    cannot be extreme (a mismatch costs at most its bounded weight), and on categorical data,
    where most rows sit on or near a segment's profile, a row that differs in one category
    would otherwise be many times further than the typical row and be set aside."""
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
    d = E.shape[1] if d is None else d
    if d == 0:
        return np.zeros(len(E), dtype=bool)
    return outlier_rows(E[:, :d], C[np.asarray(keep)][:, :d])


def sample_centres(S: np.ndarray, k: int, options, start: np.ndarray | None = None) -> np.ndarray:
    """Centres of the sample's inlier rows ``S`` (embedded) at ``k``: many k-means++
    initialisations, with ``start`` (the centres found while choosing k) competing."""
    with threadpool_limits(1), warnings.catch_warnings():  # a sample: many small fits, one thread each
        warnings.simplefilter("ignore", ConvergenceWarning)  # discrete data: fewer distinct points than k
        km = KMeans(n_clusters=k, n_init=options.n_init, random_state=options.random_state).fit(S)
        if start is not None:
            warm = KMeans(n_clusters=k, init=start, n_init=1).fit(S)
            if warm.inertia_ < km.inertia_ * (1 - 1e-9):
                km = warm
    return km.cluster_centers_


def refine(rows: np.ndarray, start: np.ndarray, seed: int) -> KMeans:
    """scikit-learn's KMeans on ``rows`` from ``start``. ``rows`` is the caller's to lose:
    the fit centres it in place (``copy_x=False``; the same arithmetic as on a copy, so the
    same centres) and leaves it changed in its last bits."""
    final = KMeans(n_clusters=len(start), init=start, n_init=1, random_state=seed, copy_x=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        final.fit(rows)
    return final


def from_centres(
    centers: np.ndarray, d: int, n_categories: list[int], gamma, estimator: KMeans | None = None
) -> Clustering:
    """The :class:`Clustering` whose embedded centres are ``centers`` (``d`` numeric columns,
    then weighted category shares)."""
    centers = np.ascontiguousarray(centers, dtype=np.float64)
    k = len(centers)
    if not n_categories:
        return Clustering("kmeans", centers, np.empty((k, 0), dtype=np.int64), [], 0.0, estimator=estimator)
    shares = centers[:, d:] / prep.block_weights(n_categories, gamma)
    return Clustering(
        "kprototypes",
        np.ascontiguousarray(centers[:, :d]),
        block_argmax(shares, n_categories),
        list(n_categories),
        gamma,
        estimator=estimator,
        shares=shares,
    )


def block_argmax(blocks: np.ndarray, n_categories: list[int]) -> np.ndarray:
    out, offset = [], 0
    for m in n_categories:
        out.append(np.argmax(blocks[:, offset : offset + m], axis=1))
        offset += m
    return np.column_stack(out).astype(np.int64)
