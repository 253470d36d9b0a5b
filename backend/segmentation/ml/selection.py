"""Choosing the number of segments, or finding that there are none.

Every candidate k is fitted on a sample of the prepared data (several initialisations) and
measured four ways:

- **silhouette** on samples stratified by cluster (with a floor per cluster, so that small
  valuable segments weigh in), the mean of ``DRAWS`` samples;
- **stability**: two disjoint halves of the sample are clustered independently and their
  partitions of the whole sample compared (adjusted Rand index), the median of ``DRAWS`` such
  pairs; a k that only carves a continuum into arbitrary pieces gives different pieces each time;
- **null silhouette**: the same fit on references without segment structure (the
  principal-component scores shuffled independently: same correlations and spread, but no
  joint pattern), the mean over ``NULL_REFERENCES``. A k must beat it clearly to count as
  structure;
- **valley**: how deep the density drops between neighbouring segments. A curved continuum
  beats the shuffled reference and is cut the same way every time, but its pieces touch
  without a drop in density between them. This is said in the reason for k, not a rejection:
  real customer data is often such a continuum (CDNOW's RFM tiers have no drop and are
  reproduced across seeds), and tiers of it are still what a bank segments by.

Calinski-Harabasz, Davies-Bouldin, inertia and the gap statistic are recorded too.
:func:`choose` turns the curve into a k, a sentence saying why, and a "no clear segment
structure" verdict.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score
from threadpoolctl import threadpool_limits

from .kreason import why
from .measures import shuffled, silhouette, silhouette_value, valley

# a k counts as structure when its silhouette beats the shuffled reference by this much ...
MIN_SILHOUETTE_GAIN = 0.05
# ... and its partition is reproduced on disjoint halves of the sample (ARI). On every
# developed-on family the true k scored >= 0.98 and spurious ones (a blob cut in 3-10,
# an overlapping population cut in 5+) <= 0.87.
MIN_STABILITY = 0.90
# Silhouette favours merging close or small segments: on the development families and held-out
# set B the true k scored up to 0.012 below the best (latent mixture 6 vs 5, channel counts 4 vs 3)
# while every wrongly larger neighbour of the best scored >= 0.045 below it. So the chosen k is the largest of the structured k's
# reached from the best one by single steps that stay within this margin of the best silhouette.
SILHOUETTE_TOLERANCE = 0.02
# A step up is not taken when the gap statistic falls by more than its spread (Tibshirani's s_k):
# the larger k explains the data worse, relative to the shuffled references, than k does. It
# changed no k of the 24 development families (dev, sets B and C: 19 right either way, curves of
# session 4) and keeps categorical data from gaining a cluster of its mixed rows (3 categories,
# 90 % pure: k 3, gap 0.76, against k 4 with a 3 % cluster, gap 0.41, silhouette 0.019 lower).
# a chosen k whose neighbouring segments have no drop in density between them is reported as
# possibly tiers of a continuum (the reason says so; the run is not rejected for it)
# (see valley(): lowest histogram count between the two centres over the lower of the two peaks).
# At the k chosen on the development families and sets B and C the deepest drop was <= 0.28 with
# segments; one blob, the heavy-tailed continuum (set B) and the curved life-cycle continuum (set C),
# whose pieces beat the shuffled reference, scored 1.09, 0.93 and 0.44.
MAX_VALLEY = 0.35
# shuffled references behind the gap statistic and the null silhouette (their mean)
NULL_REFERENCES = 6
# independent draws behind one k's silhouette (mean over stratified samples) and stability (median
# over pairs of halves): single draws moved the chosen k on the development families (stability of
# one k read 0.99 or 0.76 depending on the halves drawn, silhouettes of neighbouring k's 0.006 apart).
# Session 13, sets A-H fitted with four seeds each: with 3 draws and 3 references the k moved with
# the seed on 13 of 52 families (a null silhouette 0.014-0.054 around the 0.05 gain, stabilities
# 0.38-0.93 for one k); with 5 and 6, on 8, for about half as much time again in choosing k
DRAWS = 5
# threads measuring the candidate k's while the next k is fitted (each with one native thread)
MEASURE_THREADS = 2
# the share of a k's work in its fit (the rest: its measures), for the stage's progress only
# (about a fifth with 3 draws and 3 references; less with more of them)
FIT_SHARE = 0.2


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
    gap: float = np.nan  # log of the shuffled references' inertia per row minus the data's
    gap_sd: float = np.nan  # its spread over the references (Tibshirani's s_k)
    valley: float = np.nan  # deepest density drop between neighbouring segments (see valley())

    def as_dict(self) -> dict:
        def r(x, digits):
            return None if np.isnan(x) else round(float(x), digits)

        return {
            "k": self.k,
            "inertia": round(float(self.inertia), 4),
            "silhouette": round(float(self.silhouette), 6),
            "davies_bouldin": round(float(self.davies_bouldin), 6),
            "calinski_harabasz": round(float(self.calinski_harabasz), 4),
            "stability": r(self.stability, 4),
            "null_silhouette": r(self.null_silhouette, 6),
            "smallest_share": round(float(self.smallest_share), 5),
            "gap": r(self.gap, 4),
            "gap_sd": r(self.gap_sd, 4),
            "valley": r(self.valley, 4),
        }


def kmeans(X: np.ndarray, k: int, n_init: int, seed: int, start: np.ndarray | None = None) -> KMeans:
    """The best of ``n_init`` k-means++ starts and, when given, one run from ``start`` (the
    previous k's centres plus the row furthest from them). k-means++ alone can miss a small
    segment with some seeds; the nested start finds it whatever the seed."""
    with warnings.catch_warnings():
        # discrete data (categories, flags) can have fewer distinct points than k
        warnings.simplefilter("ignore", ConvergenceWarning)
        best = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(X)
    if start is not None and len(start) == k - 1:
        d2 = ((X[:, None, :] - start[None]) ** 2).sum(axis=2).min(axis=1)
        init = np.vstack([start, X[np.argmax(d2)]])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            nested = KMeans(n_clusters=k, init=init, n_init=1).fit(X)
        if nested.inertia_ < best.inertia_ * (1 - 1e-9):
            best = nested
    return best


def score_k(
    X: np.ndarray,
    k: int,
    random_state: int,
    silhouette_size: int,
    n_init: int,
    null: list[np.ndarray] | None,
    start: np.ndarray | None = None,
) -> KScore:
    """Scores of k; without ``null`` (k set by the caller) no stability or null reference."""
    return measure(X, kmeans(X, k, n_init, random_state, start), random_state, silhouette_size, n_init, null)


def measure(
    X: np.ndarray,
    km: KMeans,
    random_state: int,
    silhouette_size: int,
    n_init: int,
    null: list[np.ndarray] | None,
) -> KScore:
    """The scores of ``km``, the fit of its k on ``X`` (see :func:`score_k`)."""
    k = km.n_clusters
    rng = np.random.default_rng([random_state, k])
    labels = km.labels_
    stability, null_silhouette, gap, gap_sd = np.nan, np.nan, np.nan, np.nan
    if null is not None:
        stability = float(
            np.median([_stability(X, k, n_init, random_state + 10 * d, rng) for d in range(DRAWS)])
        )
        null_silhouette, null_log_w = _null(null, k, n_init, random_state)
        gap = float(null_log_w.mean() - np.log(km.inertia_ / len(X)))
        gap_sd = float(null_log_w.std() * np.sqrt(1 + 1 / len(null_log_w)))
    return KScore(
        k=k,
        inertia=float(km.inertia_),
        silhouette=float(np.mean([silhouette(X, labels, silhouette_size, rng) for _ in range(DRAWS)])),
        davies_bouldin=float(davies_bouldin_score(X, labels)),
        calinski_harabasz=float(calinski_harabasz_score(X, labels)),
        stability=stability,
        null_silhouette=null_silhouette,
        smallest_share=float(np.bincount(labels, minlength=k).min() / len(X)),
        centers=km.cluster_centers_,
        gap=gap,
        gap_sd=gap_sd,
        valley=valley(X, labels, km.cluster_centers_),
    )


def _one_native_thread(work: Callable, *args):
    """``work(*args)`` with one OpenMP thread in this thread (OpenMP's limit is per thread:
    the caller's ``threadpool_limits(1)`` does not reach a pool's threads). One thread, so the
    same numbers as a sequential run: k-means sums differently with more threads."""
    with threadpool_limits(1, user_api="openmp"):
        return work(*args)


def _stability(X: np.ndarray, k: int, n_init: int, random_state: int, rng: np.random.Generator) -> float:
    """ARI between the partitions of ``X`` learnt on two disjoint halves."""
    half = rng.permutation(len(X))
    a, b = half[: len(X) // 2], half[len(X) // 2 :]
    quick = n_init
    la = kmeans(X[a], k, quick, random_state + 1).predict(X)
    lb = kmeans(X[b], k, quick, random_state + 2).predict(X)
    return float(adjusted_rand_score(la, lb))


def _null(null: list[np.ndarray], k: int, n_init: int, random_state: int) -> tuple[float, np.ndarray]:
    """Mean silhouette of the same fit on the references without segments (all of their rows),
    and the log inertia per row on every reference (for the gap statistic)."""
    fits = [kmeans(z, k, max(2, n_init // 3), random_state) for z in null]
    log_w = np.log([f.inertia_ / len(z) for f, z in zip(fits, null)])
    return float(np.mean([silhouette_value(z, f.labels_) for z, f in zip(null, fits)])), log_w


def score_all(
    X: np.ndarray,
    k_range: range,
    random_state: int,
    silhouette_size: int,
    n_init: int = 10,
    progress: Callable[[float], None] | None = None,
    compare: bool = True,
) -> list[KScore]:
    """Score every k in ``k_range`` on ``X`` (already a sample); ``compare=False`` (k set by
    the caller) skips the stability and null-reference fits."""
    ks = [k for k in k_range if 2 <= k < len(X) // 2]
    if not ks:
        raise ValueError(f"not enough rows ({len(X)}) for k in {list(k_range)}")
    null = None
    if compare:  # NULL_REFERENCES shuffled references of <= 2000 rows
        null = [shuffled(X, np.random.default_rng(random_state + b))[:2000] for b in range(NULL_REFERENCES)]
    # each k's fit starts from the previous k's centres, so the fits run in order, here; the
    # measures of k (most of the time: stability, null references, silhouettes) run on the
    # pool while k + 1 is fitted. The caller holds BLAS to one thread; 2 cores are used.
    reported = 0.0

    def report(fitted: int, measures: list) -> None:
        # a fit is a small part of a k's work: the stage moves as each fit and each measure ends
        nonlocal reported
        measured = sum(m.done() for m in measures)
        done = 1.0 if measured == len(ks) else (FIT_SHARE * fitted + (1 - FIT_SHARE) * measured) / len(ks)
        if progress and done > reported:
            reported = done
            progress(done)

    with ThreadPoolExecutor(MEASURE_THREADS) as pool:
        pending, km = [], None
        for k in ks:
            km = kmeans(X, k, n_init, random_state, None if km is None else km.cluster_centers_)
            pending.append(
                pool.submit(_one_native_thread, measure, X, km, random_state, silhouette_size, n_init, null)
            )
            report(len(pending), pending)
        for job in pending:
            job.result()
            report(len(ks), pending)
    return [job.result() for job in pending]


def counts_as_structure(s: KScore) -> bool:
    """A k that beats the shuffled reference clearly and is reproduced on resampled data."""
    return (
        s.silhouette - s.null_silhouette >= MIN_SILHOUETTE_GAIN
        and s.stability >= MIN_STABILITY
        and s.smallest_share > 0  # k above the number of distinct rows leaves a segment empty
    )


def walk_up(structured: list[KScore], score: Callable, tolerance: float) -> tuple[KScore, KScore]:
    """The structured k with the best ``score`` (the smaller k on a tie), and the largest k
    reached from it by single steps up within ``tolerance`` of that score whose gap statistic
    does not fall by more than its spread (see above)."""
    by_k = {s.k: s for s in structured}
    best = top = max(structured, key=lambda s: (score(s), -s.k))
    while best.k + 1 in by_k and score(by_k[best.k + 1]) >= score(top) - tolerance:
        larger = by_k[best.k + 1]
        if larger.gap < best.gap - larger.gap_sd:  # explains the data worse than k does
            break
        best = larger
    return top, best


def choose(scores: list[KScore], forced: bool = False) -> tuple[KScore, str, str | None]:
    """The chosen k, why, and the reason there is no clear structure (None when there is)."""
    if forced:
        s = scores[0]
        return s, f"k = {s.k} was set for this run (silhouette {s.silhouette:.2f}).", None
    structured = [s for s in scores if counts_as_structure(s)]
    if not structured:
        best = max(scores, key=lambda s: s.silhouette - s.null_silhouette)
        reason = (
            "no clear segment structure was found: the best partition "
            f"(k = {best.k}, silhouette {best.silhouette:.2f}) is no better than on the same data "
            f"with its columns shuffled (silhouette {best.null_silhouette:.2f}) or is not reproduced "
            f"on resampled data (stability {best.stability:.2f})"
        )
        return best, reason, reason
    top, best = walk_up(structured, lambda s: s.silhouette, SILHOUETTE_TOLERANCE)
    reason = why(best, top, structured, SILHOUETTE_TOLERANCE)
    if best.valley > MAX_VALLEY:
        reason += (
            f" No drop in density separates any two neighbouring segments (deepest {best.valley:.2f} of "
            "their peaks): the segments may be tiers of one continuum rather than separate groups."
        )
    return best, reason, None
