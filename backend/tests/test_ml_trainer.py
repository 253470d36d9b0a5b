"""ml.trainer.fit on small generated populations (Flask-free; seconds)."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, confusion_matrix
from test_ml_predictor import mixed_data

from segmentation.data.demo import generate
from segmentation.ml.features import CATEGORIES
from segmentation.ml.kinds import FeatureData, FeatureSpec
from segmentation.ml.trainer import TrainOptions, fit

SPECS = [FeatureSpec(c, "money") for c in CATEGORIES]


def options(**kw):
    base = dict(min_clusters=2, max_clusters=7, kselect_sample=3000, silhouette_sample=1000, n_init=6)
    return TrainOptions(**(base | kw))


@pytest.fixture(scope="module")
def demo():
    pop = generate(3000, seed=21)
    return pop, fit(FeatureData.numeric(pop.spending, SPECS), options())


def test_demo_population_gives_its_five_segments(demo):
    pop, model = demo
    assert model.k == 5 and model.no_structure is None
    assert adjusted_rand_score(pop.latent, model.labels) >= 0.9
    assert "k = 5" in model.k_reason and "robust-log" in model.k_reason
    assert [p["k"] for p in model.k_curve] == list(range(2, 8))
    assert {"k", "silhouette", "stability", "null_silhouette"} <= set(model.k_curve[0])
    assert {"silhouette", "k", "n_rows", "inertia", "davies_bouldin", "calinski_harabasz"} <= set(
        model.metrics
    )
    assert model.sizes.sum() == len(model.labels) == model.kept.sum()


def test_profiles_are_the_members_real_mean_and_median_in_original_units(demo):
    pop, model = demo
    for label, profile in enumerate(model.profiles):
        members = pop.spending[model.kept][model.labels == label]
        for j, c in enumerate(CATEGORIES):
            assert profile[c]["mean"] == pytest.approx(members[:, j].mean(), rel=1e-6, abs=1e-6)
            assert profile[c]["median"] == pytest.approx(np.median(members[:, j]), rel=1e-6, abs=1e-6)
    assert model.population["Travel"]["mean"] == pytest.approx(pop.spending[:, 6].mean(), rel=1e-6)


def test_a_blob_without_segments_is_no_structure():
    rng = np.random.default_rng(4)
    X = rng.lognormal(5, 0.4, size=(3000, 6))
    specs = [FeatureSpec(f"f{j}", "money") for j in range(6)]
    model = fit(FeatureData.numeric(X, specs), options())
    assert model.no_structure and "no clear segment structure" in model.no_structure


def test_a_handful_of_extreme_outliers_is_reported_not_a_segment(demo):
    pop, model = demo
    X = pop.spending.copy()
    X[:8] *= 50
    with_outliers = fit(FeatureData.numeric(X, SPECS), options())
    assert with_outliers.k == 5 and with_outliers.no_structure is None
    assert any("outliers" in note for note in with_outliers.notes)
    assert with_outliers.sizes.min() > 100
    assert adjusted_rand_score(model.labels[8:], with_outliers.labels[8:]) >= 0.95


def matched_agreement(a, b):
    m = confusion_matrix(a, b)
    rows, cols = linear_sum_assignment(-m)
    return m[rows, cols].sum() / len(a)


def test_the_seed_does_not_move_customers(demo):
    pop, model = demo
    other = fit(FeatureData.numeric(pop.spending, SPECS), options(random_state=7))
    assert other.k == model.k and matched_agreement(model.labels, other.labels) >= 0.98


def test_missing_values_are_imputed_by_rule_or_the_row_left_out(demo):
    pop, _ = demo
    X = pop.spending.copy()
    X[0, :6] = np.nan  # most features missing: left out
    X[1, 2] = np.nan  # one gap: median
    model = fit(FeatureData.numeric(X, SPECS), options(k=5))
    assert not model.kept[0] and model.kept[1:].all()
    assert model.imputation["Transport"]["missing"] == 1
    assert model.imputation["Transport"]["value"] == pytest.approx(np.nanmedian(X[1:, 2]))
    assert any("left out" in note for note in model.notes)
    assert model.k_reason.startswith("k = 5 was set")


def test_structure_carried_by_categories_is_found_with_k_prototypes():
    data, truth = mixed_data()
    model = fit(data, options(max_clusters=6))
    assert model.method == "kprototypes" and model.k == 3
    assert adjusted_rand_score(truth, model.labels) >= 0.8
    modes = {p["plan"]["mode"] for p in model.profiles}
    assert modes == {"basic", "gold", "premium"}
    assert set(model.artifact_payload()["categories"]) == {"channel", "plan"}


@pytest.mark.parametrize("n", [500, 1300])  # one block, and blocks with a partial last one
def test_the_fast_silhouette_equals_scikit_learns(n):
    from sklearn.metrics import silhouette_score

    from segmentation.ml.measures import SILHOUETTE_ROWS, silhouette_value

    assert n < SILHOUETTE_ROWS or n % SILHOUETTE_ROWS
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 4))
    labels = rng.integers(0, 4, n)
    labels[0] = 7  # a singleton cluster counts 0, as in scikit-learn
    assert silhouette_value(X, labels) == pytest.approx(silhouette_score(X, labels), abs=1e-5)


def test_categories_only_are_clustered_and_served():
    from segmentation.ml.predictor import FastPredictor

    rng = np.random.default_rng(0)
    n = 1500
    truth = rng.integers(0, 3, n)

    def noisy(values):
        return np.array(list(values))[np.where(rng.random(n) < 0.9, truth, rng.integers(0, 3, n))]

    specs = [
        FeatureSpec("a", "categorical"),
        FeatureSpec("b", "categorical"),
        FeatureSpec("c", "categorical"),
    ]
    data = FeatureData.from_columns({"a": noisy("xyz"), "b": noisy("pqr"), "c": noisy("uvw")}, specs)
    model = fit(data, options(kselect_sample=1500, max_clusters=5))
    assert model.method == "kprototypes" and model.k == 3
    assert adjusted_rand_score(truth, model.labels) >= 0.6
    fast = FastPredictor.from_artifact(model.artifact_payload() | {"version": 1, "segment_ids": [1, 2, 3]})
    assert np.array_equal(fast.labels(np.empty((n, 0)), data.cat), model.labels)


def test_a_model_without_numeric_features_serves_its_own_labels():
    """Categories only: no numeric column to prepare or set aside during the fit."""
    from segmentation.ml.predictor import FastPredictor

    rng = np.random.default_rng(4)
    truth = rng.integers(0, 3, 3000)
    columns = {name: np.array(list(values))[truth] for name, values in {"a": "xyz", "b": "pqr"}.items()}
    columns["a"][rng.random(3000) < 0.1] = "x"
    specs = [FeatureSpec("a", "categorical"), FeatureSpec("b", "categorical")]
    data = FeatureData.from_columns(columns, specs)
    model = fit(data, options(k=3))
    served = FastPredictor.from_artifact(model.artifact_payload() | {"version": 1, "segment_ids": [0, 1, 2]})
    assert model.k == 3 and np.array_equal(served.predict(data.num, data.cat), model.labels)
