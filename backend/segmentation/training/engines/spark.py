"""The Spark engine: the local engine's preparation and k selection, the final KMeans on Spark.

What runs where, and why:

- The worker already holds the run's rows (``segmentations.load`` reads them with binary
  COPY; activation re-segments every one of them), so the decisions that need all rows at
  once are taken there by the *same* function the local engine runs, ``ml.steps.select``:
  the missing-value rule, the preparation's statistics, the k-selection sample (same seed),
  outlier screening, k and its criteria, and the sample fit that gives the start.
- Spark runs the pass-heavy part: the rows to fit are handed over as Parquet (written from
  the rows the worker read, so training, the comparison with the previous model and
  re-segmenting all see one snapshot), each partition is prepared with ``prep.transform``
  (the function the web workers use, so prepared values are identical), and MLlib's
  KMeans iterates over every row from the sample's centres (the RDD-based
  ``pyspark.mllib`` KMeans is the one that accepts initial centres).
- Back in the worker the centres become the same ``Clustering`` the local engine makes
  (``clustering.from_centres``: numeric centres, and for mixed data each segment's category
  shares, as the local engine's KMeans on the same embedded rows gives them); labels,
  metrics and profiles are computed by ``trainer.model_of``, so the returned
  :class:`TrainedModel` has the same shape and meaning.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from ...ml import steps, trainer
from ...ml.clustering import from_centres
from ...ml.kinds import FeatureData
from ...ml.trainer import TrainedModel, TrainOptions
from . import session
from .mllib import Embedding, spark_kmeans

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


def _fit(spark, data, options, progress, staging: Path, master: str) -> TrainedModel:
    timings: dict[str, float] = {}
    rng = np.random.default_rng(options.random_state)
    t0 = time.perf_counter()
    sel = steps.select(data, options, progress, rng)
    timings["selecting k"] = time.perf_counter() - t0

    # 4: every row but the outliers, on Spark
    t0 = time.perf_counter()
    progress("fitting", 0.0)
    inliers = ~sel.outliers
    centers = spark_kmeans(
        spark,
        sel.num[inliers],
        sel.cat[inliers],
        Embedding(sel.params, sel.n_categories, sel.gamma),
        sel.start,
        staging,
        options.random_state,
        lambda: progress("fitting", 0.1),
    )
    progress("fitting", 1.0)
    clustering = from_centres(centers, sel.Z.shape[1], sel.n_categories, sel.gamma)
    labels = clustering.assign(sel.Z, sel.cat)
    timings["fitting"] = time.perf_counter() - t0
    note = f"The final KMeans ran on Spark ({master}) over {int(inliers.sum())} customers."
    return trainer.model_of(data, sel, clustering, labels, options, rng, timings, progress, [note])
