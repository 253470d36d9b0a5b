"""Fitting a segmentation model on an array: k selection, final fit and scores.

Flask-free and database-free so it can be tested and benchmarked alone. The caller
reports progress through ``on_stage(stage, fraction)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.pipeline import Pipeline

from . import pipeline as pipe
from .drift import reference_bins
from .selection import sample_rows, select_k, stratified_sample


@dataclass
class TrainOptions:
    k: int | None = None
    min_clusters: int = 2
    max_clusters: int = 10
    random_state: int = 42
    kselect_sample: int = 12_000
    silhouette_sample: int = 3_000

    @classmethod
    def from_config(
        cls,
        config: Mapping,
        k: int | None = None,
        min_clusters: int | None = None,
        max_clusters: int | None = None,
    ) -> TrainOptions:
        """Options from the service's settings (MIN_CLUSTERS, ...), with per-run overrides."""
        return cls(
            k=k,
            min_clusters=min_clusters or config["MIN_CLUSTERS"],
            max_clusters=max_clusters or config["MAX_CLUSTERS"],
            random_state=config["RANDOM_STATE"],
            kselect_sample=config["KSELECT_SAMPLE"],
            silhouette_sample=config["SILHOUETTE_SAMPLE"],
        )


@dataclass
class TrainedModel:
    pipeline: Pipeline
    features: list[str]
    labels: np.ndarray  # cluster label of each training row
    centroids_money: np.ndarray  # (k, d)
    population_mean: np.ndarray  # (d,) money units
    sizes: np.ndarray  # rows per cluster label
    metrics: dict
    k_curve: list[dict]
    stats: dict
    timings: dict = field(default_factory=dict)

    @property
    def k(self) -> int:
        return len(self.sizes)


def fit(
    X: np.ndarray,
    features: list[str],
    options: TrainOptions,
    on_stage: Callable[[str, float], None] = lambda stage, fraction: None,
) -> TrainedModel:
    timings: dict[str, float] = {}
    rng = np.random.default_rng(options.random_state)

    t0 = time.perf_counter()
    on_stage("selecting k", 0.0)
    pre = pipe.fit_preprocessor(X)
    Xs = pre.transform(X)
    sample = Xs[sample_rows(len(Xs), options.kselect_sample, rng)]
    if options.k is not None:
        k_range = range(options.k, options.k + 1)
    else:
        k_range = range(options.min_clusters, options.max_clusters + 1)
    best, scores = select_k(
        sample,
        k_range,
        options.random_state,
        options.silhouette_sample,
        progress=lambda f: on_stage("selecting k", f),
    )
    timings["selecting k"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    on_stage("fitting", 0.0)
    km = KMeans(n_clusters=best.k, init=best.centers, n_init=1, random_state=options.random_state).fit(Xs)
    fitted = Pipeline(pre.steps + [("kmeans", km)])
    timings["fitting"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    on_stage("scoring", 0.0)
    labels = km.labels_
    metrics = score(Xs, labels, km.inertia_, options, rng)
    sizes = np.bincount(labels, minlength=best.k)
    centroids_money = pipe.to_money_units(fitted, km.cluster_centers_)
    timings["scoring"] = time.perf_counter() - t0
    return TrainedModel(
        pipeline=fitted,
        features=list(features),
        labels=labels,
        centroids_money=centroids_money,
        population_mean=X.mean(axis=0),
        sizes=sizes,
        metrics=metrics,
        k_curve=[s.as_dict() for s in scores],
        stats=feature_stats(X, features),
        timings=timings,
    )


def score(
    Xs: np.ndarray, labels: np.ndarray, inertia: float, options: TrainOptions, rng: np.random.Generator
) -> dict:
    idx = stratified_sample(labels, options.silhouette_sample, rng)
    k = int(labels.max()) + 1
    many = len(np.unique(labels[idx])) > 1
    return {
        "k": k,
        "inertia": round(float(inertia), 4),
        "silhouette": round(float(silhouette_score(Xs[idx], labels[idx])) if many else -1.0, 6),
        "davies_bouldin": round(float(davies_bouldin_score(Xs, labels)) if k > 1 else 0.0, 6),
        "calinski_harabasz": round(float(calinski_harabasz_score(Xs, labels)) if k > 1 else 0.0, 4),
        "n_rows": int(len(Xs)),
        "silhouette_sample": int(len(idx)),
    }


def feature_stats(X: np.ndarray, features: list[str]) -> dict:
    """Per-feature mean and reference bins, kept with the model for drift checks."""
    return {f: reference_bins(X[:, j]) for j, f in enumerate(features)}
