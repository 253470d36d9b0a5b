"""The training steps every engine shares: what is decided before the final fit, and what is
measured after it.

:func:`select` is steps 1-3 of :mod:`.trainer` (missing-value rule, preparation, outliers,
k) and the sample stage of step 4 (the chosen k fitted on the sample with many
initialisations, or, with the spread weights of :mod:`.spread`, the chosen partition refitted
in the reweighted space). Engines differ only in how the sample's centres are refined on every row:
scikit-learn in the worker (``trainer.fit``) or MLlib on Spark
(``training.engines.spark``). :func:`metrics` and :func:`profiles` then describe the result
the same way for both, so a model's figures do not depend on the engine that fitted it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score
from threadpoolctl import threadpool_limits

from . import blocks, prep, relevance, splits, spread
from .clustering import Clustering, refine, sample_centres, screen_outliers
from .gaps import fill_categories, missing_rule
from .kinds import FeatureData
from .measures import sample_rows, silhouette
from .profiles import feature_stats, profiles_of
from .selection import KScore, choose, score_all

# Davies-Bouldin and Calinski-Harabasz are computed on at most this many rows
INDEX_ROWS = 200_000


@dataclass
class Selection:
    """What steps 1-3 decide, and the sample's centres at the chosen k."""

    kept: np.ndarray  # bool (n,): rows that are clustered
    imputation: dict
    notes: list[str]
    num: np.ndarray  # kept rows, original units (NaN = missing)
    cat: np.ndarray  # kept rows, category codes with gaps filled
    n_categories: list[int]
    params: dict  # the numeric preparation
    Z: np.ndarray  # kept rows, prepared numeric columns
    gamma: float | list[float]  # category mismatch cost(s)
    sample: np.ndarray  # the k-selection sample (row indices)
    outliers: np.ndarray  # bool (kept rows,): extreme outliers, left out of the fit
    scores: list[KScore]
    best: KScore
    k_reason: str
    no_structure: str | None
    start: np.ndarray  # the sample fit's centres (embedded space): where the final fit starts

    @property
    def k(self) -> int:
        return len(self.start)

    def embedded(self) -> np.ndarray:
        """The kept rows in the space the centres live in (numeric, then weighted one-hots)."""
        return prep.embed(self.Z, self.cat, self.n_categories, self.gamma)

    def fit_rows(self) -> np.ndarray:
        """The rows the final fit sees (embedded, outliers left out), made from the prepared
        rows in their own buffer (outliers squeezed out in place, block by block): the caller
        may centre them in place. ``Z`` is given up for them and must be prepared again."""
        E = self.embedded()  # Z itself when every feature is numeric
        self.Z = None
        keep = ~self.outliers
        if keep.all():
            return E
        filled = 0
        for start in range(0, len(E), blocks.ROWS):  # a row only moves forward: nothing unread is overwritten
            rows = E[start : start + blocks.ROWS][keep[start : start + blocks.ROWS]]
            E[filled : filled + len(rows)] = rows
            filled += len(rows)
        return E[:filled]


def column_relevance(num, cat, sample, imputation, data: FeatureData, options) -> np.ndarray:
    """Each column's largest association with another (:mod:`.relevance`), on the k sample;
    all 1 when ``options.relevance`` is off."""
    d = num.shape[1] + cat.shape[1]
    if not options.relevance:
        return np.ones(d)
    medians = np.array([imputation[s.name]["value"] for s in data.numeric_specs], dtype=np.float64)
    rows = num[sample]
    rows = np.where(np.isnan(rows), medians, rows) if len(medians) else rows
    return relevance.relevance(rows, cat[sample])


def select(
    data: FeatureData,
    options,
    on_stage: Callable[[str, float], None],
    rng: np.random.Generator,
) -> Selection:
    """Steps 1-3 and the sample fit at the chosen k (``options`` is a ``TrainOptions``)."""
    on_stage("selecting k", 0.0)
    kept, imputation, notes = missing_rule(data)
    needed = 10 * (options.k or options.max_clusters)
    if kept.sum() < needed:
        raise ValueError(f"only {int(kept.sum())} customers can be used; at least {needed} are needed")
    num = data.num if kept.all() else data.num[kept]
    cat = fill_categories(data.cat[kept], imputation, data)
    n_cats = [len(c) for c in data.categories]
    sample = sample_rows(len(num), options.kselect_sample, rng)
    rel = column_relevance(num, cat, sample, imputation, data, options)
    w = relevance.weights(rel)
    d_num = num.shape[1]
    params = prep.fit(
        num,
        data.numeric_specs,
        options.preparation,
        options.clip,
        sample=sample,
        log_scale=options.log_scale,
        weights=w[:d_num],
        signed_log_scale=options.signed_log_scale,
        scale_quantile=options.scale_quantile,
    )
    params["relevance"] = [round(float(x), 4) for x in rel]
    params["category_weight"] = options.category_weight
    Z = prep.transform(num, params)
    gamma = prep.category_gammas(cat, n_cats, w[d_num:], options.category_weight) if n_cats else 0.0
    if options.gamma_factor != 1.0:
        gamma = (np.asarray(gamma) * options.gamma_factor).tolist() if n_cats else 0.0
    E = prep.embed(Z, cat, n_cats, gamma)
    k_range = (
        range(options.k, options.k + 1)
        if options.k
        else range(options.min_clusters, options.max_clusters + 1)
    )
    # many small fits: one native thread each (OpenMP threads only wait on each other here)
    with threadpool_limits(1):
        outliers = screen_outliers(E, sample, max(k_range.stop - 1, 2), options.random_state, d_num)
        inliers = sample[~outliers[sample]]
        scores = score_all(
            E[inliers],
            k_range,
            options.random_state,
            options.silhouette_sample,
            n_init=options.n_init,
            progress=lambda f: on_stage("selecting k", f),
            compare=options.k is None,
        )
    best, k_reason, no_structure = choose(scores, forced=options.k is not None)
    continuous = [j for j, s in enumerate(data.numeric_specs) if s.kind != "binary"]
    if options.k is None and no_structure is None and options.split_segments and continuous:
        # a segment holding two groups with a drop in density between them: one more segment,
        # measured on more rows than the k sample (a valley measured more surely), drawn with a
        # generator of its own (the k sample and every later draw stay as they were)
        rows = inliers
        if options.split_sample:
            size = max(options.split_sample, options.kselect_sample)
            rows = sample_rows(len(E), size, np.random.default_rng(options.random_state + 17))
            rows = rows[~outliers[rows]]
        with threadpool_limits(1):
            best, raised = splits.raise_k(E[rows], scores, best, continuous, options.random_state)
        k_reason += raised
    if options.spread_weights and d_num > 1 and no_structure is None:
        # a refinement of the partition chosen with k, not a new search: in the reweighted space
        # more k-means++ starts found lower-inertia partitions that were further from the truth
        with threadpool_limits(1):
            f, start = spread.factors(
                E[inliers], best.centers, d_num, options.spread_weights, options.random_state
            )
        params = spread.fold(params, f)
        # prepared again rather than Z * f: the same values to the last bit as the predictor's
        # (and clipped after weighting, as prep.transform clips)
        Z = E = None
        Z = prep.transform(num, params)
        with threadpool_limits(1):  # settled on the sample as prepared (clipping moves it a little)
            start = refine(prep.embed(Z[inliers], cat[inliers], n_cats, gamma), start, options.random_state)
        start = start.cluster_centers_
    else:
        start = sample_centres(E[inliers], best.k, options, start=best.centers)
    k_reason += " " + preparation_sentence(params, data, gamma, rel)
    if outliers.any():
        notes.append(
            f"{int(outliers.sum())} extreme outliers were left out of the fit and assigned to their "
            "nearest segment"
        )
    return Selection(
        kept,
        imputation,
        notes,
        num,
        cat,
        n_cats,
        params,
        Z,
        gamma,
        sample,
        outliers,
        scores,
        best,
        k_reason,
        no_structure,
        start,
    )


def preparation_sentence(params: dict, data: FeatureData, gamma, rel: np.ndarray) -> str:
    heavy = [params["features"][j] for j in params["heavy"]]
    text = f"Features were prepared with {params['method']}"
    if heavy and params["method"] != "standard":
        factor, q = params.get("log_scale", 1.0), params.get("scale_quantile")
        scale = "their median non-zero size" if factor == 1 else f"{factor:g} x their median non-zero size"
        text += f" (money and count features {', '.join(heavy)} divided by {scale} first"
        if q is not None:
            text += f"; with 5 % zeros or more by their {100 * q:g}th percentile non-zero size"
        signed = [params["features"][j] for j in params.get("signed", [])]
        if signed:
            text += (
                f"; signed ones, {', '.join(signed)}, by {params['signed_log_scale']:g} x their median size"
            )
        text += ")"
    text += " and standardised"
    if params["clip"]:
        text += f", clipped at {params['clip']} standard deviations"
    if data.categorical_specs:
        cost = f"{gamma:.2f}" if np.isscalar(gamma) else f"up to {max(gamma):.2f}"
        text += f"; a category mismatch costs {cost} (k-prototypes)"
    names = [s.name for s in data.numeric_specs + data.categorical_specs]
    w = relevance.weights(rel)
    low = [f"{names[j]} ({rel[j]:.2f})" for j in np.flatnonzero(w < 1.0)]
    if low:
        text += (
            ". Columns with no clear association with any other column weigh less (evidence, "
            f"-log10 p of independence): {', '.join(low)}"
        )
    if "spread_factors" in params:
        ranked = sorted(zip(params["spread_factors"], params["features"], strict=True), reverse=True)
        every = len(ranked) <= 6
        factors = ", ".join(f"{n} x{x:.2f}" for x, n in (ranked if every else ranked[:3] + ranked[-3:]))
        text += (
            ". Numeric columns were then weighted by how well the chosen segments separate them "
            f"(spread over all customers against inside the segments; {'all' if every else 'strongest and weakest'}): "
            f"{factors}"
        )
    return text + "."


def metrics(sel: Selection, clustering: Clustering, labels: np.ndarray, options, rng) -> dict:
    """The model's quality figures: silhouette on a sample, inertia, and the
    Davies-Bouldin / Calinski-Harabasz indices on at most ``INDEX_ROWS`` rows."""
    k = clustering.k
    E = clustering.embedded(sel.Z, sel.cat)
    few = sample_rows(len(labels), INDEX_ROWS, rng)
    best = sel.best.as_dict()
    return {
        "k": k,
        "n_rows": int(len(labels)),
        "silhouette": round(silhouette(E, labels, options.silhouette_sample, rng), 6),
        "inertia": round(float(clustering.inertia(sel.Z, sel.cat, labels)), 4),
        "davies_bouldin": round(float(davies_bouldin_score(E[few], labels[few])), 6) if k > 1 else 0.0,
        "calinski_harabasz": round(float(calinski_harabasz_score(E[few], labels[few])), 4) if k > 1 else 0.0,
        "stability": best["stability"],
        "null_silhouette": best["null_silhouette"],
        "outliers": int(sel.outliers.sum()),
        "dropped_rows": int((~sel.kept).sum()),
        "preparation": sel.params["method"],
        "method": clustering.method,
        "silhouette_sample": int(min(options.silhouette_sample, len(labels))),
    }


def profiles(data: FeatureData, sel: Selection, labels: np.ndarray, k: int) -> tuple[list[dict], dict, dict]:
    """Each segment's profile and the population's, in original units, and feature stats."""
    cat = data.cat if sel.kept.all() else data.cat[sel.kept]
    segment_profiles, population = profiles_of(sel.num, cat, labels, k, data)
    return segment_profiles, population, feature_stats(sel.num, cat, data)
