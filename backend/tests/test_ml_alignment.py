"""Segment ids survive retraining: clusters are matched to the previous model's centroids."""

import numpy as np
from test_ml_predictor import mixed_data

from segmentation.data.demo import generate
from segmentation.ml.alignment import match_clusters
from segmentation.ml.features import CATEGORIES
from segmentation.ml.kinds import FeatureData, FeatureSpec
from segmentation.ml.trainer import TrainOptions, fit

SPECS = [FeatureSpec(c, "money") for c in CATEGORIES]
FAST = dict(kselect_sample=2000, silhouette_sample=800, n_init=4)


def test_a_retrained_model_finds_every_old_segment_even_when_labels_are_permuted():
    X = generate(2000, seed=3).spending
    old = fit(FeatureData.numeric(X, SPECS), TrainOptions(k=5, **FAST))
    new = fit(FeatureData.numeric(X * 1.01, SPECS), TrainOptions(k=5, random_state=9, **FAST))
    old_segments = {100 + label: c for label, c in enumerate(old.centroids)}
    mapping, distances = match_clusters(new.centroids, new.preparation, old_segments, max_distance=0.5)
    assert len(mapping) == 5 and max(distances.values()) < 0.2
    # the matched ids label the same customers as before
    relabelled = np.array([mapping[label] for label in new.labels])
    assert (relabelled == 100 + old.labels).mean() >= 0.98


def test_a_segment_that_moved_too_far_gets_no_old_id():
    X = generate(2000, seed=3).spending
    model = fit(FeatureData.numeric(X, SPECS), TrainOptions(k=5, **FAST))
    far = {1: {c: v * 40 for c, v in model.centroids[0].items()}}
    mapping, _ = match_clusters(model.centroids, model.preparation, far, max_distance=0.5)
    assert mapping == {}


def test_mixed_models_match_on_categories_too():
    data, _ = mixed_data()
    model = fit(data, TrainOptions(k=3, **FAST))
    old = {10 + label: c for label, c in enumerate(model.centroids)}
    assert {c["plan"] for c in model.centroids} == {"basic", "gold", "premium"}
    mapping, _ = match_clusters(model.centroids, model.preparation, old, 0.5, gamma=model.clustering.gamma)
    assert mapping == {0: 10, 1: 11, 2: 12}
