"""One profile labelled in plain Python (``ml/scalar.py``): always the vectorised label, or
no answer (the caller then takes the vectorised path). Flask-free."""

import math
from dataclasses import replace

import numpy as np
import pytest
from test_ml_predictor import FAST, SPECS, mixed_data, served

from segmentation.core.values import MONEY_MAX_FLOAT
from segmentation.data.demo import generate
from segmentation.ml import prep, scalar
from segmentation.ml.kinds import FeatureData
from segmentation.ml.predictor import FastPredictor
from segmentation.ml.trainer import fit


def rows_to_try(X: np.ndarray, seed: int = 0) -> np.ndarray:
    """The training rows, heavy-tailed random ones with many zeros, edge values of both signs."""
    rng = np.random.default_rng(seed)
    n, d = 4000, X.shape[1]
    rows = [X, rng.lognormal(4, 2.5, (n, d)) * (rng.random((n, d)) < 0.6), rng.uniform(0, 1e6, (500, d))]
    edges = np.array([0.0, 5e-324, 1e-300, 0.01, 1.0, 123.45, 1e5, MONEY_MAX_FLOAT])
    rows.append(rng.choice(edges, (2000, d)))
    rows.append(rng.choice(edges, (500, d)) * rng.choice([-1.0, 1.0], (500, d)))  # signed money
    return np.vstack(rows)


def check(fast: FastPredictor, X: np.ndarray, cat: np.ndarray | None = None, ordinary: int = 3000):
    """predict_one agrees with predict on every row, and the plain path answered nearly all of
    the ``ordinary`` first ones (customers like the training data's)."""
    want = fast.predict(X, cat).tolist()
    codes = [None] * len(X) if cat is None else cat.tolist()
    values = X.tolist()
    assert [fast.predict_one(v, c) for v, c in zip(values, codes)] == want
    answered = [fast.scalar.label(v, c) for v, c in zip(values, codes)]
    assert np.mean([a is not None for a in answered[:ordinary]]) >= 0.99
    assert all(a is None or fast.segment_ids[a] == w for a, w in zip(answered, want))


@pytest.fixture(scope="module")
def spending():
    return generate(3000, seed=5).spending


@pytest.mark.parametrize("method", prep.METHODS)
@pytest.mark.parametrize("clip", [None, 2.5])
def test_one_profile_gets_the_vectorised_label_for_every_preparation(spending, method, clip):
    model = fit(FeatureData.numeric(spending, SPECS), replace(FAST, preparation=method, clip=clip))
    fast = served(model)
    X = rows_to_try(spending)
    if method == "quantile":  # the reference values themselves, and between them
        maps = fast.preparation["quantile_maps"]
        knots = np.column_stack(
            [values[np.linspace(0, len(values) - 1, 500).astype(int)] for values, _ in maps]
        )
        X = np.vstack([X, knots, (knots[1:] + knots[:-1]) / 2])
    check(fast, X)


def test_yeo_johnson_powers_at_and_near_their_log_cases(spending):
    model = fit(FeatureData.numeric(spending, SPECS), replace(FAST, preparation="yeo-johnson"))
    artifact = model.artifact_payload() | {"version": 1, "segment_ids": list(range(model.k))}
    lambdas = [0.0, 2.0, 1e-13, 2 - 1e-13, 1e-9, 1.5, -0.5, 3.0]
    artifact["preparation"] = artifact["preparation"] | {"lambdas": lambdas}
    fast = FastPredictor.from_artifact(artifact)
    check(fast, rows_to_try(spending))


def test_mixed_profiles_get_the_vectorised_label(monkeypatch):
    data, _ = mixed_data()
    for weight in prep.CATEGORY_WEIGHTS:
        model = fit(data, replace(FAST, k=3, category_weight=weight))
        fast = served(model, first_id=1)
        assert fast.scalar.robust is None  # a score column and a money one: feature by feature
        cat = data.cat.copy()
        cat[::7, 1] = -1  # a missing category is all zeros
        check(fast, data.num, cat)


def test_a_profile_on_the_boundary_of_two_segments_is_left_to_the_vectorised_path(spending):
    """Equidistant from two centres up to rounding: which one wins depends on the order of the
    sums, so plain Python does not answer; predict_one still gives the vectorised label."""
    model = fit(FeatureData.numeric(spending, SPECS), replace(FAST, preparation="standard", k=3))
    fast = served(model)
    p, c = fast.preparation, fast.centers
    rng = np.random.default_rng(1)
    normal = c[0] - c[1]
    steps = rng.normal(size=(300, c.shape[1]))
    steps -= np.outer(steps @ normal / (normal @ normal), normal)  # along the boundary plane
    Z = (c[0] + c[1]) / 2 + 0.01 * steps
    X = Z * p["scale"] + p["mean"]
    kept = np.argsort(fast.distances_sq(X), axis=1)[:, :2]  # rows whose two nearest are 0 and 1
    X = X[np.all(np.sort(kept, axis=1) == [0, 1], axis=1)]
    assert len(X) > 100
    assert all(fast.scalar.label(row) is None for row in X.tolist())
    # (the vectorised label of one row: on such a boundary a batch's may differ, BLAS
    # summing a matrix product in another order than a vector product)
    assert [fast.predict_one(row) for row in X.tolist()] == [fast.predict(row[None])[0] for row in X]
    # a step off the boundary towards centre 1 is answered, and right
    off = (X[0] - p["mean"]) / p["scale"] - 0.05 * normal
    assert fast.scalar.label((off * p["scale"] + p["mean"]).tolist()) == 1


def test_a_missing_or_infinite_value_is_left_to_the_vectorised_path(spending):
    fast = served(fit(FeatureData.numeric(spending, SPECS), FAST))
    row = spending[0].tolist()
    for bad in (float("nan"), float("inf")):
        assert fast.scalar.label([bad, *row[1:]]) is None
    missing = [float("nan"), *row[1:]]
    assert fast.predict_one(missing) == fast.predict(np.array([missing]))[0]  # the median


@pytest.mark.parametrize(("method", "clip"), [("robust-log", None), ("robust-log", 1.0), ("log1p", None)])
def test_a_log1p_off_by_many_units_in_the_last_place_still_gives_the_vectorised_label(
    spending, monkeypatch, method, clip
):
    """The bound holds for a C library whose log1p differs from NumPy's far more than real ones
    do (400 units in the last place): near a boundary the plain path says None, never another
    label."""
    model = fit(FeatureData.numeric(spending, SPECS), replace(FAST, preparation=method, clip=clip, k=3))
    fast = served(model)
    c = fast.centers
    rng = np.random.default_rng(2)
    normal = c[0] - c[1]
    steps = rng.normal(size=(400, c.shape[1]))
    steps -= np.outer(steps @ normal / (normal @ normal), normal)
    X = prep.inverse((c[0] + c[1]) / 2 + 0.01 * steps, fast.preparation)  # near the boundary
    monkeypatch.setattr(scalar, "log1p", lambda v: math.log1p(v) * (1 + 400 * 2.0**-52))
    labels = [fast.scalar.label(row) for row in X.tolist()]
    assert sum(label is None for label in labels) > 100
    want = [fast.predict(row[None])[0] for row in X]
    assert all(label is None or fast.segment_ids[label] == w for label, w in zip(labels, want))


def test_every_preparation_is_replayed_and_an_unknown_one_is_left_to_the_vectorised_path(spending):
    assert set(scalar.REPLAYED) == set(prep.METHODS)
    model = fit(FeatureData.numeric(spending, SPECS), FAST)
    artifact = model.artifact_payload() | {"version": 1, "segment_ids": list(range(model.k))}
    artifact["preparation"] = artifact["preparation"] | {"method": "from-a-later-release"}
    fast = FastPredictor.from_artifact(artifact)
    assert fast.scalar is None
    assert [fast.predict_one(row) for row in spending[:50].tolist()] == fast.predict(spending[:50]).tolist()
