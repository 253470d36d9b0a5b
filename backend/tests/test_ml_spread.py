"""ml.spread: numeric columns weighted, at the chosen k, by how well its segments separate them."""

from dataclasses import replace

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score
from test_ml_predictor import mixed_data, served

from segmentation.data.demo import generate
from segmentation.ml import prep, spread, steps
from segmentation.ml.features import CATEGORIES
from segmentation.ml.kinds import FeatureData, FeatureSpec
from segmentation.ml.trainer import TrainOptions, fit

FAST = TrainOptions(min_clusters=2, max_clusters=6, kselect_sample=3000, silhouette_sample=1000, n_init=4)


def three_along_the_first_column(n=3000, seed=1):
    """Three segments apart in column 0; column 1 the same wide spread in every segment."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, n)
    E = np.column_stack([np.array([-3.0, 0.0, 3.0])[truth] + rng.normal(0, 0.6, n), rng.normal(0, 1.8, n)])
    return E, truth


def test_the_column_the_segments_differ_on_weighs_more_and_the_total_weight_is_kept():
    E, truth = three_along_the_first_column()
    start = np.array([[-2.5, 0.4], [0.3, -0.4], [2.6, 0.2]])
    f, centres = spread.factors(E, start, 2, alpha=0.5, seed=0)
    assert f[0] > 2 * f[1]
    assert (f**2).sum() == pytest.approx(2.0)
    # the centres are the partition's in the reweighted space: the segments' own means there
    labels = (((E * f)[:, None, :] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)
    assert adjusted_rand_score(truth, labels) >= 0.95
    assert np.sort(centres[:, 0] / f[0]) == pytest.approx([-3.0, 0.0, 3.0], abs=0.1)


def test_a_column_constant_inside_every_segment_gets_a_bounded_factor():
    rng = np.random.default_rng(2)
    truth = rng.integers(0, 2, 2000)
    E = np.column_stack([truth.astype(float), rng.normal(0, 1, 2000), rng.normal(0, 1, 2000)])
    f, _ = spread.factors(E, np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]), 3, alpha=0.5, seed=0)
    assert np.isfinite(f).all()
    assert f[0] / f[1] <= spread.MAX_RATIO**0.25 * 1.1


def test_factors_fold_into_the_preparation():
    X = generate(2000, seed=3).spending
    params = prep.fit(X, [FeatureSpec(c, "money") for c in CATEGORIES], log_scale=0.25)
    f = np.linspace(0.5, 1.5, len(CATEGORIES))
    folded = spread.fold(params, f)
    assert np.allclose(prep.transform(X, folded), prep.transform(X, params) * f)
    assert folded["spread_factors"] == [round(float(x), 4) for x in f]
    assert np.allclose(prep.inverse(prep.transform(X[:50], folded), folded), X[:50])


@pytest.fixture(scope="module")
def demo_data():
    return FeatureData.numeric(
        generate(3000, seed=21).spending, [FeatureSpec(c, "money") for c in CATEGORIES]
    )


def test_a_trained_model_records_its_factors_says_so_and_serves_its_own_labels(demo_data):
    model = fit(demo_data, FAST)
    factors = model.preparation["spread_factors"]
    assert len(factors) == len(CATEGORIES) and min(factors) > 0
    assert model.preparation["weights"] == pytest.approx(
        (np.asarray(off_weights(demo_data)) * factors).tolist(), rel=1e-3
    )
    assert "weighted by how well the chosen segments separate them" in model.k_reason
    assert np.array_equal(served(model).labels(demo_data.num[model.kept]), model.labels)


def test_without_the_option_or_without_structure_nothing_is_reweighted(demo_data):
    off = fit(demo_data, replace(FAST, spread_weights=0.0))
    assert "spread_factors" not in off.preparation
    assert "weighted by how well" not in off.k_reason
    blob = np.random.default_rng(4).lognormal(5, 0.4, size=(3000, 6))
    model = fit(FeatureData.numeric(blob, [FeatureSpec(f"f{j}", "money") for j in range(6)]), FAST)
    assert model.no_structure and "spread_factors" not in model.preparation


def off_weights(data):
    return fit(data, replace(FAST, spread_weights=0.0)).preparation["weights"]


def one_numeric_column(n=2400, seed=3):
    """Balance and two categories that carry three segments."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, n)
    specs = [FeatureSpec("balance", "money"), FeatureSpec("plan", "categorical")]
    plan = np.array(["basic", "gold", "premium"])[np.where(rng.random(n) < 0.9, truth, rng.integers(0, 3, n))]
    columns = {"balance": rng.lognormal(5 + truth, 0.4, n), "plan": plan}
    return FeatureData.from_columns(columns, specs)


@pytest.mark.parametrize("case", ["clipped", "forced k", "numeric and categorical", "one numeric column"])
def test_the_selection_hands_on_rows_prepared_as_the_predictor_prepares_them_and_a_start_in_their_space(case):
    data = FeatureData.numeric(generate(2400, seed=8).spending, [FeatureSpec(c, "money") for c in CATEGORIES])
    options = FAST
    if case == "clipped":
        options = replace(FAST, clip=1.5)
    elif case == "forced k":
        options = replace(FAST, k=4)
    elif case == "numeric and categorical":
        data, options = mixed_data()[0], replace(FAST, k=3)
    elif case == "one numeric column":
        data = one_numeric_column()
    sel = steps.select(data, options, lambda *a: None, np.random.default_rng(options.random_state))
    assert np.array_equal(sel.Z, prep.transform(sel.num, sel.params))
    if case == "one numeric column":
        assert sel.no_structure is None and "spread_factors" not in sel.params
        return
    assert len(sel.params["spread_factors"]) == data.num.shape[1]
    # the start is a fixed point of k-means on the sample's inliers in the reweighted space
    E = sel.embedded()[sel.sample[~sel.outliers[sel.sample]]]
    labels = ((E[:, None, :] - sel.start[None]) ** 2).sum(axis=2).argmin(axis=1)
    means = np.vstack([E[labels == c].mean(axis=0) for c in range(sel.k)])
    assert np.allclose(means, sel.start, atol=1e-6)
