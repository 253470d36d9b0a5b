"""Block-by-block computations equal NumPy's whole-array results bit for bit (a model's
figures must not move when its memory use does)."""

import numpy as np
import pytest

from segmentation.ml import blocks, prep
from segmentation.ml.kinds import FeatureSpec


@pytest.fixture(scope="module")
def rows():
    rng = np.random.default_rng(5)
    n = 2 * blocks.ROWS + 1234  # whole blocks and a partial one
    return rng.lognormal(size=(n, 5)) * rng.choice([-1.0, 1.0], size=(n, 5))


def test_mean_and_std_equal_numpys(rows):
    mean, std = blocks.mean_std(len(rows), rows.shape[1], lambda at: rows[at : at + blocks.ROWS])
    assert np.array_equal(mean, rows.mean(axis=0)) and np.array_equal(std, rows.std(axis=0))


@pytest.mark.parametrize("columns", [1, 3, 8])
def test_total_equals_numpys_sum(rows, columns):
    part = np.ascontiguousarray(rows[:, :columns])
    chunks = (part[at : at + blocks.ROWS] for at in range(0, len(part), blocks.ROWS))
    assert blocks.total(chunks) == float(part.sum())


def test_rowwise_equals_one_go(rows):
    centers = rows[:4]
    one_go = np.argmin((centers**2).sum(axis=1) - 2.0 * (rows @ centers.T), axis=1)
    assert np.array_equal(prep.nearest(rows, centers, (centers**2).sum(axis=1)), one_go)


def test_preparation_of_many_rows_equals_that_of_each_block(rows):
    specs = [
        FeatureSpec(f"c{j}", kind) for j, kind in enumerate(["money", "count", "score", "money", "ratio"])
    ]
    data = rows.copy()
    data[::7, 2] = np.nan
    params = prep.fit(data, specs, sample=np.arange(0, len(data), 3))
    whole = prep.transform(data, params)
    pieces = np.vstack([prep.transform(data[at : at + 1000], params) for at in range(0, len(data), 1000)])
    assert np.array_equal(whole, pieces)
