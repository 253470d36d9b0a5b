"""MLlib's KMeans over Parquet: the rows handed to Spark as Parquet files, each partition
prepared with ``prep.transform`` (the web workers' function, so prepared values are
identical), and the RDD-based ``pyspark.mllib`` KMeans (the one that accepts initial
centres) iterated from the sample's centres."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ...ml import prep

MAX_ITERATIONS = 100
EPSILON = 1e-4  # MLlib stops when no centre moves further than this (prepared units)
ROWS_PER_FILE = 250_000


def spark_kmeans(
    spark,
    rows: np.ndarray,
    params: dict,
    start: np.ndarray,
    staging: Path,
    seed: int,
    on_handed_over: Callable[[], None] = lambda: None,
) -> np.ndarray:
    """KMeans centres of ``rows`` (original units, NaN = missing) fitted on Spark from
    ``start``, each partition prepared with ``prep.transform``."""
    from pyspark.mllib.clustering import KMeans, KMeansModel

    path = staging / f"run-{uuid.uuid4().hex}"
    write_parquet(
        rows, path, files=max(spark.sparkContext.defaultParallelism, -(-len(rows) // ROWS_PER_FILE))
    )
    on_handed_over()
    try:
        frame = spark.read.parquet(str(path))
        vectors = frame.rdd.mapPartitions(_prepared(params))
        model = KMeans.train(
            vectors,
            len(start),
            maxIterations=MAX_ITERATIONS,
            seed=seed,
            epsilon=EPSILON,
            initialModel=KMeansModel([c for c in start]),
        )
        return np.ascontiguousarray(np.array(model.clusterCenters, dtype=np.float64))
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _prepared(params: dict):
    """A partition function: the partition's rows as one array, prepared, row by row out."""

    def run(rows):
        X = np.array([tuple(r) for r in rows], dtype=np.float64)
        if len(X):
            yield from prep.transform(X, params)

    return run


def write_parquet(rows: np.ndarray, path: Path, files: int) -> None:
    """``rows`` as ``files`` Parquet files (one column per feature) under ``path``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.mkdir(parents=True)
    names = [f"x{j}" for j in range(rows.shape[1])]
    for i, part in enumerate(np.array_split(rows, max(files, 1))):
        table = pa.table({name: pa.array(part[:, j]) for j, name in enumerate(names)})
        pq.write_table(table, path / f"part-{i:05d}.parquet")
