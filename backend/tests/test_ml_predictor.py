"""The fast predictor against scikit-learn and the k-prototypes cost (Flask-free, fast)."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from segmentation.data.demo import generate
from segmentation.ml import prep
from segmentation.ml.features import CATEGORIES
from segmentation.ml.kinds import FeatureData, FeatureSpec
from segmentation.ml.predictor import FastPredictor, PredictorError
from segmentation.ml.trainer import TrainOptions, fit

SPECS = [FeatureSpec(c, "money") for c in CATEGORIES]
FAST = TrainOptions(min_clusters=3, max_clusters=6, kselect_sample=3000, silhouette_sample=1000, n_init=4)


def served(model, first_id=11):
    artifact = model.artifact_payload() | {
        "version": 1,
        "segment_ids": list(range(first_id, first_id + model.k)),
    }
    return FastPredictor.from_artifact(artifact)


@pytest.fixture(scope="module")
def numeric_model():
    model = fit(FeatureData.numeric(generate(3000, seed=5).spending, SPECS), FAST)
    return model, served(model)


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 50), st.just(len(CATEGORIES))),
        elements=st.floats(0, 1e7, allow_nan=False, allow_infinity=False),
    )
)
@settings(max_examples=200, deadline=None)
def test_numeric_labels_equal_scikit_learn_kmeans_on_prepared_data(numeric_model, X):
    model, fast = numeric_model
    expected = model.clustering.estimator.predict(prep.transform(X, model.preparation))
    assert np.array_equal(fast.labels(X), expected)
    assert np.array_equal(fast.predict(X), np.arange(11, 11 + model.k)[expected])
    assert [fast.predict_one(row) for row in X.tolist()] == (11 + expected).tolist()  # one by one


def test_training_labels_are_what_the_predictor_serves(numeric_model):
    model, fast = numeric_model
    X = generate(3000, seed=5).spending
    assert np.array_equal(fast.labels(X[model.kept]), model.labels)


def test_missing_values_take_the_recorded_median(numeric_model):
    model, fast = numeric_model
    row = np.full((1, len(CATEGORIES)), np.nan)
    medians = np.array([[model.imputation[c]["value"] for c in CATEGORIES]])
    assert np.array_equal(fast.labels(row), fast.labels(medians))
    assert all(model.imputation[c]["rule"] == "median" for c in CATEGORIES)


def test_old_pipeline_artifacts_are_refused():
    with pytest.raises(PredictorError, match="retrain"):
        FastPredictor.from_artifact({"format": 1, "version": 1, "pipeline": object(), "segment_ids": [1]})


def mixed_data(n=2400, seed=3):
    """Two numeric features without structure; the segments live in two categorical ones."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, n)
    channel = np.array(["branch", "mobile", "web"])[
        np.where(rng.random(n) < 0.9, truth, rng.integers(0, 3, n))
    ]
    plan = np.array(["basic", "gold", "premium"])[
        np.where(rng.random(n) < 0.95, truth, rng.integers(0, 3, n))
    ]
    specs = [
        FeatureSpec("balance", "money"),
        FeatureSpec("channel", "categorical"),
        FeatureSpec("age", "score"),
        FeatureSpec("plan", "categorical"),
    ]
    columns = {
        "balance": rng.lognormal(7, 0.5, n),
        "channel": channel,
        "age": rng.normal(45, 12, n),
        "plan": plan,
    }
    return FeatureData.from_columns(columns, specs), truth


@pytest.mark.parametrize("category_weight", prep.CATEGORY_WEIGHTS)
def test_mixed_model_assigns_by_the_k_prototypes_cost_with_category_shares(category_weight):
    data, _ = mixed_data()
    options = TrainOptions(k=3, kselect_sample=2000, silhouette_sample=800, n_init=4)
    model = fit(data, replace(options, category_weight=category_weight))
    fast = served(model, first_id=1)
    assert model.preparation["category_weight"] == category_weight
    assert isinstance(model.artifact_payload()["gamma"], list) == (category_weight == "levels")
    assert model.method == "kprototypes" and fast.categories["plan"] == ("basic", "gold", "premium")
    Z = prep.transform(data.num, model.preparation)
    payload = model.artifact_payload()
    num_centers = np.asarray(payload["centers"])
    shares = np.asarray(payload["category_shares"])  # (k, 3 channels + 3 plans), each block sums to 1
    assert np.allclose(shares[:, :3].sum(axis=1), 1) and np.allclose(shares[:, 3:].sum(axis=1), 1)
    gamma = np.broadcast_to(np.asarray(payload["gamma"], dtype=float), (2,))
    cost = ((Z[:, None, :] - num_centers[None]) ** 2).sum(axis=2)
    for j, (lo, hi) in enumerate([(0, 3), (3, 6)]):  # gamma_j / 2 x squared distance to the shares
        one_hot = np.eye(hi - lo)[data.cat[:, j]]
        cost += gamma[j] / 2 * ((one_hot[:, None, :] - shares[None, :, lo:hi]) ** 2).sum(axis=2)
    assert np.allclose(fast.distances_sq(data.num, data.cat), cost)
    assert np.array_equal(fast.labels(data.num, data.cat), np.argmin(cost, axis=1))
    # categories by value give the same answer as codes; an unknown value is "missing"
    values = np.array([[data.categories[j][c] for j, c in enumerate(row)] for row in data.cat[:20]])
    assert np.array_equal(fast.predict(data.num[:20], values), fast.predict(data.num[:20], data.cat[:20]))
    assert fast.codes([["nowhere", "gold"]]).tolist() == [[-1, 1]]


@pytest.mark.parametrize("method", prep.METHODS)
def test_preparation_does_not_depend_on_units_except_raw_log1p(method):
    X = generate(2000, seed=9).spending
    a = prep.transform(X, prep.fit(X, SPECS, method))
    b = prep.transform(X * 100, prep.fit(X * 100, SPECS, method))
    if method == "log1p":
        assert not np.allclose(a, b, atol=1e-6)
    else:
        assert np.allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("method", ["robust-log", "yeo-johnson", "quantile"])
def test_inverse_maps_prepared_points_back_to_original_units(method):
    X = generate(2000, seed=9).spending
    params = prep.fit(X, SPECS, method)
    Z = prep.transform(X[:50], params)
    assert np.allclose(prep.transform(prep.inverse(Z, params), params), Z, atol=1e-6)


def signed_money(n: int = 3000, seed: int = 4) -> np.ndarray:
    """Net flow (signed), a repayment that is often zero, a balance that is never negative."""
    rng = np.random.default_rng(seed)
    return np.column_stack(
        [
            rng.normal(100, 300, n),
            np.where(rng.random(n) < 0.5, rng.lognormal(5, 0.4, n), 0.0),
            rng.lognormal(7, 1, n),
        ]
    )


def test_signed_money_is_scaled_by_its_median_size_and_zero_inflated_money_by_a_low_quantile():
    X = signed_money()
    specs = [FeatureSpec(f"m{j}", "money") for j in range(3)]
    options = dict(log_scale=0.25, scale_quantile=0.1, signed_log_scale=1.0)
    params = prep.fit(X, specs, **options)
    assert params["signed"] == [0] and params["scale_quantile"] == 0.1 and params["signed_log_scale"] == 1.0
    nz = [np.abs(X[:, j][X[:, j] != 0]) for j in range(3)]
    assert params["robust_scale"] == [np.median(nz[0]), np.quantile(nz[1], 0.1), 0.25 * np.median(nz[2])]
    cents = prep.fit(X * 100, specs, **options)
    assert np.allclose(prep.transform(X, params), prep.transform(X * 100, cents), atol=1e-6)
    Z = prep.transform(X[:50], params)
    assert np.allclose(prep.transform(prep.inverse(Z, params), params), Z, atol=1e-6)


def test_a_model_with_signed_money_serves_its_own_labels():
    X = signed_money()
    data = FeatureData.numeric(X, [FeatureSpec(f"m{j}", "money") for j in range(3)])
    model = fit(data, TrainOptions(k=3, kselect_sample=2000, silhouette_sample=800, n_init=4))
    assert model.preparation["signed"] == [0] and "signed ones, m0," in model.k_reason
    assert np.array_equal(served(model).labels(X[model.kept]), model.labels)


def test_category_weight_by_levels_counts_a_balanced_two_level_category_as_one_feature():
    two = np.repeat([[0], [1]], 50, axis=0)
    four = np.repeat([[0], [1], [2], [3]], 25, axis=0)
    assert prep.category_gamma(two, [2]) == 4.0 and prep.category_gamma(two, [2], "levels") == [4.0]
    assert np.isclose(prep.category_gamma(four, [4]), 2 / 0.75)
    assert np.allclose(prep.category_gamma(four, [4], "levels"), [2 / np.sqrt(0.75 * 0.25)])  # sqrt(3) x
    with pytest.raises(ValueError, match="unknown category weight"):
        prep.category_gamma(four, [4], "entropy")
