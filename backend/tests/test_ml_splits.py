"""Segments holding two groups are split after k is chosen (ml/splits.py); one column's zeros and
a handful of outliers are not two groups."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from segmentation.ml import selection, splits
from segmentation.ml.kinds import FeatureData, FeatureSpec
from segmentation.ml.trainer import TrainOptions, fit

RNG = np.random.default_rng(11)


def lumps(offset: np.ndarray, n: int = 1500, d: int = 4) -> np.ndarray:
    """Two equal Gaussian lumps (unit spread) ``offset`` apart."""
    return np.vstack([RNG.normal(0.0, 1.0, (n, d)), RNG.normal(0.0, 1.0, (n, d)) + offset])


def test_two_lumps_apart_along_several_columns_are_two_groups():
    assert splits.two_groups(lumps(np.array([3.0, 3.0, 0.0, 0.0])), seed=1)  # 4.2 sd apart


def test_one_lump_or_two_that_touch_are_one_group():
    assert not splits.two_groups(RNG.normal(0.0, 1.0, (3000, 4)), seed=1)
    assert not splits.two_groups(lumps(np.array([1.2, 1.2, 0.0, 0.0])), seed=1)  # 1.7 sd: no valley


def test_one_columns_zeros_against_the_rest_are_not_two_groups():
    X = RNG.normal(0.0, 1.0, (3000, 4))
    X[:900, 0] = -4.0  # months without spending in one category, after the log: a mass far below
    assert splits.valley(X[:, 0] / 4.0 + 1.0) < splits.DEEP  # the gap is deep along that column...
    assert not splits.two_groups(X, seed=1)  # ...but lies along one column only


def test_a_handful_of_far_rows_are_outliers_not_a_group():
    X = RNG.normal(0.0, 1.0, (3000, 4))
    X[:45] += 12.0  # 1.5 %, far away on every column
    assert not splits.two_groups(X, seed=1)
    X[:300] += 12.0  # 10 %: a group
    assert splits.two_groups(X, seed=1)


def test_small_or_flat_segments_are_not_tested():
    assert not splits.two_groups(lumps(np.array([6.0, 6.0, 0.0, 0.0]), n=40), seed=1)  # 80 rows
    assert not splits.two_groups(np.zeros((500, 0)), seed=1)


# groups apart along two columns each; the last two only 5 sd apart (along columns 0 and 1)
FOUR = np.array([[0, 0, 0, 0], [12, 12, 0, 0], [0, 0, 12, 12], [5, 5, 12, 12]], dtype=float)


def four_groups(n: int = 800) -> tuple[np.ndarray, np.ndarray]:
    truth = np.repeat(np.arange(4), n)
    return RNG.normal(0.0, 1.0, (4 * n, 4)) + FOUR[truth], truth


def test_raise_k_follows_the_k_curve_until_no_segment_holds_two_groups():
    X, _ = four_groups()
    scores = selection.score_all(X, range(2, 7), 0, 2000, n_init=3)
    by_k = {s.k: s for s in scores}
    best, sentence = splits.raise_k(X, scores, by_k[2], [0, 1, 2, 3], seed=0)
    assert best is by_k[4]  # 2 -> 3 -> 4, then no segment holds two groups
    assert "raised from 2 to 4" in sentence
    assert splits.raise_k(X, scores, by_k[4], [0, 1, 2, 3], seed=0) == (by_k[4], "")
    assert splits.raise_k(X, scores, by_k[2], [], seed=0) == (by_k[2], "")  # no continuous column


def test_raise_k_only_moves_to_a_k_that_counts_as_structure():
    X, _ = four_groups()
    scores = selection.score_all(X, range(2, 7), 0, 2000, n_init=3)
    weak = [replace(s, stability=0.5) if s.k == 3 else s for s in scores]
    best, sentence = splits.raise_k(X, weak, weak[0], [0, 1, 2, 3], seed=0)
    assert best.k == 2 and sentence == ""


@pytest.fixture
def rule_chooses_two(monkeypatch):
    """As if the silhouette rule had merged segments: it chooses k = 2."""
    real_choose = selection.choose

    def too_few(scores, forced=False):
        best, reason, no_structure = real_choose(scores, forced)
        if forced:
            return best, reason, no_structure
        two = next(s for s in scores if s.k == 2)
        return two, "k = 2 (the rule under test).", None

    monkeypatch.setattr("segmentation.ml.steps.choose", too_few)


@pytest.mark.parametrize("split", [True, False])
def test_the_trainer_splits_after_a_rule_that_chose_too_few(rule_chooses_two, split):
    """As if the silhouette rule had merged two segments: the trainer's k goes up (or not, with
    ``split_segments`` off) and the reason for k says so."""
    X, truth = four_groups()
    data = FeatureData.numeric(X, [FeatureSpec(f"score_{j}", "score") for j in range(4)])
    model = fit(data, replace(TrainOptions(), split_segments=split, max_clusters=6))
    if split:
        assert model.k == 4 and "raised from 2 to 4" in model.k_reason
        assert adjusted_rand_score(truth[model.kept], model.labels) > 0.95
    else:
        assert model.k == 2 and "raised" not in model.k_reason


def test_the_split_test_measures_its_own_larger_sample(rule_chooses_two):
    """With a k sample too small to test a segment (under ``MIN_ROWS`` rows each), the split
    test still measures the segments on ``split_sample`` rows drawn from the data (2,000 of
    3,200); on the k sample alone it cannot. The k curve is the same either way: the split test
    only reads it."""
    X, truth = four_groups()
    data = FeatureData.numeric(X, [FeatureSpec(f"score_{j}", "score") for j in range(4)])
    small = replace(TrainOptions(), split_segments=True, max_clusters=6, kselect_sample=120)
    alone = fit(data, replace(small, split_sample=None))
    assert alone.k == 2
    model = fit(data, replace(small, split_sample=2000))
    assert model.k == 4 and "raised from 2 to 4" in model.k_reason
    assert adjusted_rand_score(truth[model.kept], model.labels) > 0.95
    assert model.k_curve == alone.k_curve
