"""The Spark engine: the local engine's preparation and k selection, the final KMeans on Spark.

What runs where, and why:

- The worker already holds the run's rows (``segmentations.load`` reads them with binary
  COPY; activation re-segments every one of them), so the decisions that need all rows at
  once are taken there by the *same* code the local engine runs: the missing-value rule
  (``missing_rule``), the preparation's statistics (``prep.fit``), the k-selection sample
  (``sample_rows`` with the same seed), outlier screening (``screen_outliers``), k and its
  criteria (``score_all`` / ``choose``) and the sample fit that gives the start
  (``fit_centres`` on the sample).
- Spark runs the pass-heavy part: the rows to fit are handed over as Parquet (written from
  the rows the worker read, so training, the comparison with the previous model and
  re-segmenting all see one snapshot), each partition is prepared with ``prep.transform``
  (the function the web workers use, so prepared values are identical), and MLlib's
  KMeans iterates over every row from the sample's centres (the RDD-based
  ``pyspark.mllib`` KMeans is the one that accepts initial centres).
- Back in the worker the centres become the same ``Clustering`` the local engine makes;
  labels, metrics and profiles are computed with the local engine's code, so the
  returned :class:`TrainedModel` has the same shape and meaning.

Categorical features (k-prototypes) are refused with a clear error: MLlib's KMeans means
are not k-prototypes modes. Train such segmentations with ``TRAINING_ENGINE=local``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score
from threadpoolctl import threadpool_limits

from ...ml import prep, trainer
from ...ml.clustering import Clustering, fit_centres, screen_outliers
from ...ml.gaps import missing_rule
from ...ml.kinds import FeatureData
from ...ml.profiles import feature_stats, profiles_of
from ...ml.selection import choose, sample_rows, score_all, silhouette
from ...ml.trainer import TrainedModel, TrainOptions, preparation_sentence
from . import session
from .mllib import spark_kmeans

log = logging.getLogger(__name__)

# the run's error when the driver JVM dies mid-job (py4j's own words vary: they go to the log)
DRIVER_STOPPED = (
    "the Spark job failed: the Spark driver stopped during the job (its JVM exited or was "
    "killed; the worker's log has Spark's message); the next run starts a new Spark session"
)


class SparkEngineError(RuntimeError):
    """The Spark engine could not train this segmentation; the message says why."""


def fit(
    data: FeatureData, options: TrainOptions, progress: Callable[[str, float], None], config: Mapping
) -> TrainedModel:
    if data.categorical_specs:
        names = ", ".join(s.name for s in data.categorical_specs)
        raise SparkEngineError(
            f"the spark engine fits numeric features only (KMeans); {names} "
            "are categorical (k-prototypes): train this segmentation with TRAINING_ENGINE=local"
        )
    progress("selecting k", 0.0)
    try:
        spark = session.get(config)
    except session.SparkUnavailable as exc:
        raise SparkEngineError(str(exc)) from exc
    staging = Path(config.get("SPARK_STAGING_DIR") or Path(config["VAR_DIR"]) / "spark")
    try:
        return _fit(spark, data, options, progress, staging, spark.sparkContext.master)
    except SparkEngineError:
        raise
    except Exception as exc:
        if _from_spark(exc):
            if session.alive(spark):
                raise SparkEngineError(f"the Spark job failed: {session.first_line(exc)}") from exc
            log.warning("the Spark driver stopped during the job: %s", session.first_line(exc))
            session.discard()
            raise SparkEngineError(DRIVER_STOPPED) from exc
        raise


def _from_spark(exc: BaseException) -> bool:
    """Whether ``exc`` came from Spark or the connection to its JVM (not from our own code)."""
    while exc is not None:
        module = type(exc).__module__ or ""
        if module.startswith(("py4j", "pyspark")) or isinstance(exc, ConnectionError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@dataclass
class Selection:
    """What the local engine's steps 1-3 decide, on the rows this worker holds."""

    kept: np.ndarray
    imputation: dict
    notes: list[str]
    num: np.ndarray  # kept rows, original units
    Z: np.ndarray  # kept rows, prepared
    params: dict
    outliers: np.ndarray
    scores: list
    best: object
    k_reason: str
    no_structure: str | None
    start: np.ndarray  # the sample fit's centres: where Spark's KMeans starts


def select(data: FeatureData, options: TrainOptions, progress, rng) -> Selection:
    """Missing-value rule, preparation, outliers, k and the starting centres: the same
    functions, in the same order, as ``ml.trainer.fit``."""
    kept, imputation, notes = missing_rule(data)
    needed = 10 * (options.k or options.max_clusters)
    if kept.sum() < needed:
        raise ValueError(f"only {int(kept.sum())} customers can be used; at least {needed} are needed")
    num = data.num[kept]
    sample = sample_rows(len(num), options.kselect_sample, rng)
    rel, extra = _column_weights(num, sample, imputation, data, options)
    params = prep.fit(
        num,
        data.numeric_specs,
        options.preparation,
        options.clip,
        sample=sample,
        log_scale=options.log_scale,
        **extra,
    )
    if rel is not None:
        params["relevance"] = [round(float(x), 4) for x in rel]
    Z = prep.transform(num, params)
    ks = (
        range(options.k, options.k + 1)
        if options.k
        else range(options.min_clusters, options.max_clusters + 1)
    )
    with threadpool_limits(1):
        outliers = screen_outliers(Z, sample, max(ks.stop - 1, 2), options.random_state)
        inliers = sample[~outliers[sample]]
        scores = score_all(
            Z[inliers],
            ks,
            options.random_state,
            options.silhouette_sample,
            n_init=options.n_init,
            progress=lambda f: progress("selecting k", f),
            compare=options.k is None,
        )
    best, k_reason, no_structure = choose(scores, forced=options.k is not None)
    # the sample stage of fit_centres (many initialisations, the k-selection centres competing)
    no_cat = np.empty((len(sample), 0), dtype=np.int32)
    start = fit_centres(
        Z[sample],
        no_cat,
        [],
        0.0,
        best.k,
        np.arange(len(sample)),
        outliers[sample],
        options,
        start=best.centers,
    ).num_centers
    k_reason += " " + preparation_sentence(params, data, 0.0, *([] if rel is None else [rel]))
    return Selection(
        kept, imputation, notes, num, Z, params, outliers, scores, best, k_reason, no_structure, start
    )


def _column_weights(num, sample, imputation, data, options) -> tuple[np.ndarray | None, dict]:
    """The local engine's column weights, for ``ml`` versions that weigh columns by their
    relevance (``trainer.column_relevance``; the ml stream's change of 2026-11-23): the
    relevance and ``prep.fit``'s extra arguments; ``(None, {})`` for versions without it."""
    column_relevance = getattr(trainer, "column_relevance", None)
    if column_relevance is None:
        return None, {}
    from ...ml import relevance

    no_cat = np.empty((len(num), 0), dtype=np.int32)
    rel = column_relevance(num, no_cat, sample, imputation, data, options)
    return rel, {"weights": relevance.weights(rel)[: num.shape[1]]}


def _fit(spark, data, options, progress, staging: Path, master: str) -> TrainedModel:
    timings: dict[str, float] = {}
    rng = np.random.default_rng(options.random_state)
    t0 = time.perf_counter()
    sel = select(data, options, progress, rng)
    timings["selecting k"] = time.perf_counter() - t0

    # 4: every row but the outliers, on Spark
    t0 = time.perf_counter()
    progress("fitting", 0.0)
    inliers = ~sel.outliers
    centers = spark_kmeans(
        spark,
        sel.num[inliers],
        sel.params,
        sel.start,
        staging,
        options.random_state,
        lambda: progress("fitting", 0.1),
    )
    progress("fitting", 1.0)
    cat = np.empty((len(sel.num), 0), dtype=np.int32)
    clustering = Clustering("kmeans", centers, np.empty((len(centers), 0), dtype=np.int64), [], 0.0)
    labels = clustering.assign(sel.Z, cat)
    notes = [*sel.notes, f"The final KMeans ran on Spark ({master}) over {int(inliers.sum())} customers."]
    if sel.outliers.any():
        notes.append(
            f"{int(sel.outliers.sum())} extreme outliers were left out of the fit and assigned to their "
            "nearest segment"
        )
    timings["fitting"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    progress("scoring", 0.0)
    metrics = _metrics(clustering, sel, cat, labels, options, rng)
    profiles, population = profiles_of(sel.num, data.cat[sel.kept], labels, clustering.k, data)
    stats = feature_stats(sel.num, data.cat[sel.kept], data)
    progress("scoring", 1.0)
    timings["scoring"] = time.perf_counter() - t0
    return TrainedModel(
        specs=list(data.specs),
        kept=sel.kept,
        labels=labels,
        sizes=np.bincount(labels, minlength=clustering.k),
        metrics=metrics,
        k_curve=[s.as_dict() for s in sel.scores],
        k_reason=sel.k_reason,
        no_structure=sel.no_structure,
        notes=notes,
        profiles=profiles,
        population=population,
        stats=stats,
        imputation=sel.imputation,
        preparation=sel.params,
        categories=[],
        clustering=clustering,
        timings=timings,
    )


def _metrics(clustering: Clustering, sel: Selection, cat, labels, options, rng) -> dict:
    """The local engine's metrics, computed the same way."""
    Z, best, outliers, kept, params = sel.Z, sel.best, sel.outliers, sel.kept, sel.params
    k = clustering.k
    few = sample_rows(len(labels), 200_000, rng)
    return {
        "k": k,
        "n_rows": int(len(labels)),
        "silhouette": round(silhouette(Z, labels, options.silhouette_sample, rng), 6),
        "inertia": round(float(clustering.inertia(Z, cat, labels)), 4),
        "davies_bouldin": round(float(davies_bouldin_score(Z[few], labels[few])), 6) if k > 1 else 0.0,
        "calinski_harabasz": round(float(calinski_harabasz_score(Z[few], labels[few])), 4) if k > 1 else 0.0,
        "stability": best.as_dict()["stability"],
        "null_silhouette": best.as_dict()["null_silhouette"],
        "outliers": int(outliers.sum()),
        "dropped_rows": int((~kept).sum()),
        "preparation": params["method"],
        "method": clustering.method,
        "silhouette_sample": int(min(options.silhouette_sample, len(labels))),
    }
