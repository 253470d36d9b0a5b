"""MLlib's KMeans over Parquet: the rows handed to Spark as Parquet files (numeric columns in
original units, then category codes), each partition prepared with ``prep.transform`` and
embedded with ``prep.embed`` (the web workers' and the local engine's functions, so prepared
values are identical), and the RDD-based ``pyspark.mllib`` KMeans (the one that accepts
initial centres) iterated from the sample's centres."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...ml import prep

MAX_ITERATIONS = 100
EPSILON = 1e-4  # MLlib stops when no centre moves further than this (prepared units)
ROWS_PER_FILE = 250_000


@dataclass(frozen=True)
class Embedding:
    """How a row becomes the vector KMeans sees: the numeric preparation, then the weighted
    one-hot categories (none for numeric-only segmentations)."""

    params: dict
    n_categories: list[int]
    gamma: float | list[float]

    def __call__(self, num: np.ndarray, cat: np.ndarray) -> np.ndarray:
        return prep.embed(prep.transform(num, self.params), cat, self.n_categories, self.gamma)


def spark_kmeans(
    spark,
    rows: np.ndarray,
    codes: np.ndarray,
    embedding: Embedding,
    start: np.ndarray,
    staging: Path,
    seed: int,
    on_handed_over: Callable[[], None] = lambda: None,
) -> np.ndarray:
    """KMeans centres (embedded space) of ``rows`` (original units, NaN = missing) and their
    category ``codes`` (gaps filled), fitted on Spark from ``start``, each partition
    prepared by ``embedding``."""
    from pyspark.mllib.clustering import KMeans, KMeansModel

    path = staging / f"run-{uuid.uuid4().hex}"
    write_parquet(
        rows, codes, path, files=max(spark.sparkContext.defaultParallelism, -(-len(rows) // ROWS_PER_FILE))
    )
    on_handed_over()
    try:
        frame = spark.read.parquet(str(path))
        vectors = frame.rdd.mapPartitions(_prepared(embedding, rows.shape[1]))
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


def _prepared(embedding: Embedding, d: int):
    """A partition function: the partition's rows as one array, embedded, row by row out."""

    def run(rows):
        X = np.array([tuple(r) for r in rows], dtype=np.float64)
        if len(X):
            yield from embedding(X[:, :d], X[:, d:].astype(np.int32))

    return run


def write_parquet(rows: np.ndarray, codes: np.ndarray, path: Path, files: int) -> None:
    """``rows`` (columns x0..) and their category ``codes`` (columns c0..) as ``files``
    Parquet files under ``path``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.mkdir(parents=True)
    for i, part in enumerate(np.array_split(np.arange(len(rows)), max(files, 1))):
        columns = {f"x{j}": pa.array(rows[part, j]) for j in range(rows.shape[1])}
        columns.update({f"c{j}": pa.array(codes[part, j]) for j in range(codes.shape[1])})
        pq.write_table(pa.table(columns), path / f"part-{i:05d}.parquet")
