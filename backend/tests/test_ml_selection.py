"""ml.selection: the k rule on given k curves (choose, a pure function) and the k curve itself."""

import numpy as np
import pytest

from segmentation.ml.measures import valley
from segmentation.ml.selection import (
    MAX_VALLEY,
    MIN_STABILITY,
    SILHOUETTE_TOLERANCE,
    KScore,
    choose,
    kmeans,
    score_all,
)


def curve(*points):
    """KScores from (k, silhouette, null silhouette, stability) tuples."""
    return [KScore(k, 1.0, sil, 1.0, 1.0, stab, null, 0.1, np.zeros((k, 2))) for k, sil, null, stab in points]


def test_the_best_silhouette_wins_when_no_larger_k_is_close():
    best, reason, none = choose(curve((2, 0.30, 0.2, 1.0), (3, 0.40, 0.2, 1.0), (4, 0.34, 0.2, 1.0)))
    assert best.k == 3 and none is None
    assert reason.startswith("k = 3 has the best silhouette (0.40, against 0.20 on shuffled data)")
    assert "next best k 4: 0.34, 2: 0.30" in reason


def test_a_larger_neighbour_within_the_tolerance_is_preferred_and_explained():
    close = 0.39 - SILHOUETTE_TOLERANCE / 2
    best, reason, _ = choose(curve((4, 0.37, 0.2, 1.0), (5, 0.39, 0.2, 1.0), (6, close, 0.2, 1.0)))
    assert best.k == 6
    assert reason.startswith("k = 6 was chosen over k = 5 (best silhouette 0.39)")
    assert "silhouette tends to merge close or small segments" in reason


def test_the_walk_up_stops_at_an_unstable_or_unstructured_k():
    unstable = curve((3, 0.40, 0.2, 1.0), (4, 0.395, 0.2, MIN_STABILITY - 0.1), (5, 0.395, 0.2, 1.0))
    assert choose(unstable)[0].k == 3
    like_shuffled = curve((3, 0.40, 0.2, 1.0), (4, 0.395, 0.37, 1.0))
    assert choose(like_shuffled)[0].k == 3
    far = curve((3, 0.40, 0.2, 1.0), (4, 0.40 - SILHOUETTE_TOLERANCE - 0.01, 0.2, 1.0))
    assert choose(far)[0].k == 3


def test_smaller_k_within_the_tolerance_is_not_preferred():
    assert choose(curve((2, 0.395, 0.2, 1.0), (3, 0.40, 0.2, 1.0)))[0].k == 3


@pytest.mark.parametrize(
    "points",
    [
        [(2, 0.25, 0.24, 0.95), (3, 0.20, 0.18, 0.9)],  # no better than shuffled data
        [(2, 0.45, 0.2, 0.6), (3, 0.40, 0.2, 0.5)],  # not reproduced on resampled data
    ],
)
def test_no_structured_k_is_no_clear_segment_structure(points):
    best, reason, no_structure = choose(curve(*points))
    assert no_structure == reason and reason.startswith("no clear segment structure was found")


def test_a_forced_k_is_reported_as_set():
    best, reason, none = choose(curve((4, 0.3, np.nan, np.nan)), forced=True)
    assert best.k == 4 and none is None and reason.startswith("k = 4 was set for this run")


def test_the_gap_statistic_is_recorded_and_peaks_at_the_planted_k():
    rng = np.random.default_rng(3)
    centres = np.array([[0, 0, 0, 0], [6, 0, 0, 0], [0, 6, 0, 0]], dtype=float)
    X = centres[rng.integers(0, 3, 1500)] + rng.normal(size=(1500, 4))
    scores = score_all(X, range(2, 6), random_state=1, silhouette_size=1000, n_init=4)
    gaps = {s.k: s.gap for s in scores}
    assert all(s.gap_sd > 0 for s in scores)
    assert gaps[3] > gaps[2] + 0.3 and gaps[3] >= gaps[4] - scores[2].gap_sd
    assert scores[1].as_dict()["gap"] == round(gaps[3], 4)


def test_segments_have_a_density_drop_between_them_and_a_continuum_has_none():
    rng = np.random.default_rng(5)
    two = np.vstack([rng.normal(0, 1, (800, 3)), rng.normal((6, 0, 0), 1, (400, 3))])
    km = kmeans(two, 2, 4, 0)
    assert valley(two, km.labels_, km.cluster_centers_) < 0.1
    t = rng.uniform(0, 3, 3000)  # a curved continuum: a half circle, evenly filled
    curve_rows = np.column_stack([np.cos(t), np.sin(t), 0.05 * rng.normal(size=3000)])
    km = kmeans(curve_rows, 3, 4, 0)
    assert valley(curve_rows, km.labels_, km.cluster_centers_) > MAX_VALLEY


def test_a_structured_k_without_a_density_drop_is_kept_and_said_to_be_tiers():
    """No density drop between segments is reported, not rejected: real data (CDNOW's RFM
    tiers: stable, silhouette 0.48) is often a continuum cut the same way every time."""
    points = curve((2, 0.30, 0.2, 1.0), (3, 0.40, 0.2, 1.0))
    points[1].valley = MAX_VALLEY + 0.1
    best, reason, no_structure = choose(points)
    assert best.k == 3 and no_structure is None
    assert "may be tiers of one continuum" in reason
    points[1].valley = MAX_VALLEY - 0.1
    assert "continuum" not in choose(points)[1]


def test_no_step_up_to_a_k_whose_gap_statistic_falls():
    points = curve((3, 0.40, 0.2, 1.0), (4, 0.39, 0.2, 1.0))
    points[0].gap, points[1].gap, points[1].gap_sd = 0.76, 0.41, 0.01
    assert choose(points)[0].k == 3
    points[1].gap = 0.755  # within the larger k's spread: the step is taken
    assert choose(points)[0].k == 4


def test_a_k_that_leaves_a_segment_empty_is_not_a_partition():
    points = curve((3, 0.40, 0.2, 1.0), (4, 0.40, 0.2, 1.0))
    points[1].smallest_share = 0.0  # fewer distinct rows than k
    assert choose(points)[0].k == 3


def test_measuring_on_threads_gives_the_numbers_of_one_k_after_the_other():
    """score_all measures k on a pool while k + 1 is fitted; each k's scores equal those of
    score_k run alone, in order, from the previous k's centres (bit for bit)."""
    from threadpoolctl import threadpool_limits

    from segmentation.ml.selection import NULL_REFERENCES, score_k, shuffled

    rng = np.random.default_rng(4)
    centres = np.array([[0, 0, 0], [5, 0, 0], [0, 5, 0], [5, 5, 1]], dtype=float)
    X = centres[rng.integers(0, 4, 1200)] + rng.normal(size=(1200, 3))
    with threadpool_limits(1):
        pooled = score_all(X, range(2, 6), random_state=2, silhouette_size=600, n_init=3)
        null = [shuffled(X, np.random.default_rng(2 + b))[:2000] for b in range(NULL_REFERENCES)]
        alone, start = [], None
        for k in range(2, 6):
            alone.append(score_k(X, k, 2, 600, 3, null, start))
            start = alone[-1].centers
    assert [s.as_dict() for s in pooled] == [s.as_dict() for s in alone]
    assert all(np.array_equal(a.centers, b.centers) for a, b in zip(pooled, alone))


def test_the_stage_moves_as_each_fit_ends_not_only_when_every_k_is_fitted():
    """Progress is reported after each k's fit (a fifth of its share) and each measure: the first
    report comes after the first of 3 fits (it was 1/3 once every k was fitted), the last is exactly 1
    (3 k's: 0.2 x 3 + 0.8 x 3 is not 3 in floating point)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(5)
    X = rng.normal(size=(900, 3)) + np.repeat(np.eye(3) * 6, 300, axis=0)
    reports = []
    with threadpool_limits(1):
        score_all(X, range(2, 5), random_state=2, silhouette_size=300, n_init=2, progress=reports.append)
    assert reports == sorted(set(reports)) and reports[-1] == 1.0
    assert reports[0] < 1 / 3 and len(reports) > 3
