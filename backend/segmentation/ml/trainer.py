"""Fitting a segmentation model on :class:`FeatureData`: preparation, k, final fit, scores.

Flask-free and database-free so it can be tested, evaluated (``make evaluate``) and
benchmarked alone. The caller reports progress through ``on_stage(stage, fraction)``.

1. Missing values follow a recorded rule: a customer missing more than half of the
   features is left out (``kept``) and counted; other gaps take the training median
   (numeric) or the most frequent category. Never zero.
2. Numeric features are prepared per kind (:mod:`.prep`); categorical ones are one-hot
   encoded with the k-prototypes weight, so one distance serves both. Columns with no
   association with any other column weigh less (:mod:`.relevance`).
3. k is chosen on a sample (:mod:`.selection`), or the data is found to have no clear
   segment structure (``no_structure``; the service rejects the run).
4. The chosen k is fitted on the sample with many initialisations, then on every row
   from the sample's centres by KMeans; with categorical features the rows carry weighted
   one-hot categories and each segment's prototype holds its category shares (:mod:`.clustering`).
5. Extreme outliers are left out of the fit and assigned to their nearest segment; a
   cluster made only of them is not a segment.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score
from threadpoolctl import threadpool_limits

from . import prep, relevance
from .clustering import Clustering, fit_centres, screen_outliers
from .gaps import fill_categories, missing_rule
from .kinds import FeatureData, FeatureSpec
from .predictor import FORMAT
from .profiles import feature_stats, profiles_of
from .selection import choose, sample_rows, score_all, silhouette


@dataclass
class TrainOptions:
    k: int | None = None
    min_clusters: int = 2
    max_clusters: int = 10
    random_state: int = 42
    kselect_sample: int = 8_000
    silhouette_sample: int = 3_000
    n_init: int = 10
    preparation: str = prep.DEFAULT_METHOD
    clip: float | None = None
    log_scale: float = 0.25
    gamma_factor: float = 1.0  # multiplies the cost of a category mismatch (prep.category_gamma)
    kproto_sample: int = 3_000  # unused since mixed data is fitted with category shares (kept: API)
    relevance: bool = True  # weigh columns by their association with the others (ml.relevance)

    @classmethod
    def from_config(
        cls,
        config: Mapping,
        k: int | None = None,
        min_clusters: int | None = None,
        max_clusters: int | None = None,
    ) -> TrainOptions:
        """Options from the service's settings (MIN_CLUSTERS, ...), with per-run overrides."""
        defaults = cls()
        return cls(
            k=k,
            min_clusters=min_clusters or config["MIN_CLUSTERS"],
            max_clusters=max_clusters or config["MAX_CLUSTERS"],
            random_state=config["RANDOM_STATE"],
            kselect_sample=config.get("KSELECT_SAMPLE", defaults.kselect_sample),
            silhouette_sample=config.get("SILHOUETTE_SAMPLE", defaults.silhouette_sample),
            n_init=config.get("N_INIT", defaults.n_init),
            preparation=config.get("PREPARATION", defaults.preparation),
        )


@dataclass
class TrainedModel:
    specs: list[FeatureSpec]
    kept: np.ndarray  # bool (n,): rows that were clustered
    labels: np.ndarray  # cluster label per kept row
    sizes: np.ndarray  # rows per label
    metrics: dict
    k_curve: list[dict]
    k_reason: str
    no_structure: str | None
    notes: list[str]
    profiles: list[dict]
    population: dict
    stats: dict
    imputation: dict
    preparation: dict
    categories: list[list[str]]
    clustering: Clustering
    timings: dict = field(default_factory=dict)

    @property
    def k(self) -> int:
        return len(self.sizes)

    @property
    def features(self) -> list[str]:
        return [s.name for s in self.specs]

    @property
    def method(self) -> str:
        return self.clustering.method

    @property
    def centroids(self) -> list[dict]:
        """Each cluster's centre in original units (numeric) and its mode (categorical)."""
        num = prep.inverse(self.clustering.num_centers, self.preparation)
        num_specs = [s for s in self.specs if s.numeric]
        cat_specs = [s for s in self.specs if not s.numeric]
        out = []
        for label in range(self.k):
            c = {s.name: float(num[label, j]) for j, s in enumerate(num_specs)}
            for j, s in enumerate(cat_specs):
                c[s.name] = self.categories[j][int(self.clustering.modes[label, j])]
            out.append(c)
        return out

    def artifact_payload(self) -> dict:
        """Everything :meth:`FastPredictor.from_artifact` needs (the service adds "version",
        "segment_ids" and "sklearn_version"). Plain lists and numbers only."""
        return {
            "format": FORMAT,
            "method": self.method,
            "specs": [s.as_dict() for s in self.specs],
            "features": self.features,
            "categories": {s.name: list(c) for s, c in zip(self.categorical_specs, self.categories)},
            "preparation": self.preparation,
            "imputation": self.imputation,
            "centers": self.clustering.num_centers.tolist(),
            "modes": self.clustering.modes.tolist(),
            "category_shares": None if self.clustering.shares is None else self.clustering.shares.tolist(),
            "gamma": self.clustering.gamma,
            "k_reason": self.k_reason,
            "n_train_rows": int(self.kept.sum()),
            "metrics": self.metrics,
        }

    @property
    def categorical_specs(self) -> list[FeatureSpec]:
        return [s for s in self.specs if not s.numeric]


def preparation_sentence(params: dict, data: FeatureData, gamma, rel: np.ndarray) -> str:
    heavy = [params["features"][j] for j in params["heavy"]]
    text = f"Features were prepared with {params['method']}"
    if heavy and params["method"] != "standard":
        factor = params.get("log_scale", 1.0)
        scale = "their median non-zero value" if factor == 1 else f"{factor:g} x their median non-zero value"
        text += f" (money and count features {', '.join(heavy)} divided by {scale} first)"
    text += " and standardised"
    if params["clip"]:
        text += f", clipped at {params['clip']} standard deviations"
    if data.categorical_specs:
        base = gamma if np.isscalar(gamma) else max(gamma)
        text += f"; a category mismatch costs {base:.2f} (k-prototypes)"
    names = [s.name for s in data.numeric_specs + data.categorical_specs]
    w = relevance.weights(rel)
    low = [f"{names[j]} ({rel[j]:.2f})" for j in np.flatnonzero(w < 1.0)]
    if low:
        text += (
            ". Columns with no clear association with any other column weigh less (evidence, "
            f"-log10 p of independence): {', '.join(low)}"
        )
    return text + "."


def column_relevance(num, cat, sample, imputation, data: FeatureData, options: TrainOptions) -> np.ndarray:
    """Each column's largest association with another (:mod:`.relevance`), on the k sample;
    all 1 when ``options.relevance`` is off."""
    d = num.shape[1] + cat.shape[1]
    if not options.relevance:
        return np.ones(d)
    medians = np.array([imputation[s.name]["value"] for s in data.numeric_specs], dtype=np.float64)
    rows = num[sample]
    rows = np.where(np.isnan(rows), medians, rows) if len(medians) else rows
    return relevance.relevance(rows, cat[sample])


def fit(
    data: FeatureData,
    options: TrainOptions,
    on_stage: Callable[[str, float], None] = lambda stage, fraction: None,
) -> TrainedModel:
    timings: dict[str, float] = {}
    rng = np.random.default_rng(options.random_state)

    t0 = time.perf_counter()
    on_stage("selecting k", 0.0)
    kept, imputation, notes = missing_rule(data)
    needed = 10 * (options.k or options.max_clusters)
    if kept.sum() < needed:
        raise ValueError(f"only {int(kept.sum())} customers can be used; at least {needed} are needed")
    num = data.num[kept]
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
    )
    params["relevance"] = [round(float(x), 4) for x in rel]
    Z = prep.transform(num, params)
    gamma = prep.category_gammas(cat, n_cats, w[d_num:]) if n_cats else 0.0
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
        outliers = screen_outliers(E, sample, max(k_range.stop - 1, 2), options.random_state)
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
    k_reason += " " + preparation_sentence(params, data, gamma, rel)
    timings["selecting k"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    on_stage("fitting", 0.0)
    clustering = fit_centres(
        Z,
        cat,
        n_cats,
        gamma,
        best.k,
        sample,
        outliers,
        options,
        start=best.centers,
        progress=lambda f: on_stage("fitting", f),
    )
    labels = clustering.assign(Z, cat)
    if outliers.any():
        notes.append(
            f"{int(outliers.sum())} extreme outliers were left out of the fit and assigned to their "
            "nearest segment"
        )
    timings["fitting"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    on_stage("scoring", 0.0)
    k = clustering.k
    sizes = np.bincount(labels, minlength=k)
    E_all = clustering.embedded(Z, cat)
    few = sample_rows(len(labels), 200_000, rng)  # Davies-Bouldin and Calinski-Harabasz on <= 200k rows
    metrics = {
        "k": k,
        "n_rows": int(len(labels)),
        "silhouette": round(silhouette(E_all, labels, options.silhouette_sample, rng), 6),
        "inertia": round(float(clustering.inertia(Z, cat, labels)), 4),
        "davies_bouldin": round(float(davies_bouldin_score(E_all[few], labels[few])), 6) if k > 1 else 0.0,
        "calinski_harabasz": round(float(calinski_harabasz_score(E_all[few], labels[few])), 4)
        if k > 1
        else 0.0,
        "stability": best.as_dict()["stability"],
        "null_silhouette": best.as_dict()["null_silhouette"],
        "outliers": int(outliers.sum()),
        "dropped_rows": int((~kept).sum()),
        "preparation": params["method"],
        "method": clustering.method,
        "silhouette_sample": int(min(options.silhouette_sample, len(labels))),
    }
    num_orig = data.num[kept]
    profiles, population = profiles_of(num_orig, data.cat[kept], labels, k, data)
    stats = feature_stats(num_orig, data.cat[kept], data)
    on_stage("scoring", 1.0)
    timings["scoring"] = time.perf_counter() - t0
    return TrainedModel(
        specs=list(data.specs),
        kept=kept,
        labels=labels,
        sizes=sizes,
        metrics=metrics,
        k_curve=[s.as_dict() for s in scores],
        k_reason=k_reason,
        no_structure=no_structure,
        notes=notes,
        profiles=profiles,
        population=population,
        stats=stats,
        imputation=imputation,
        preparation=params,
        categories=[list(c) for c in data.categories],
        clustering=clustering,
        timings=timings,
    )
