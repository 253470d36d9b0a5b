"""Keeping segment ids stable across retraining.

The new model's clusters are matched to the active model's segments by the Hungarian
algorithm on centroid distances, measured in the new model's prepared space over the
numeric features both models share (categorical features add the k-prototypes mismatch
cost). Old segments are given by their centroids in original units (numeric centre
mapped back through the old model's preparation, or its members' mean; categorical mode),
so models with different preparations can be compared. A matched cluster keeps the old
segment's id unless it moved further than ``max_distance`` (RMS per feature, in the new
model's standard deviations); unmatched clusters get new ids.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from . import prep


def match_clusters(
    new_centroids: list[dict],
    preparation: dict,
    old_segments: dict[int, dict],
    max_distance: float,
    gamma: float = 1.0,
) -> tuple[dict[int, int], dict[int, float]]:
    """Return ``{cluster_label: old_segment_id}`` for matched clusters and the distance of
    each match. ``new_centroids`` come from ``TrainedModel.centroids`` (original units,
    categorical modes as values); ``preparation`` is the new model's
    (``TrainedModel.preparation``); ``old_segments`` maps segment id to its centroid keyed by
    feature name."""
    if not old_segments or not new_centroids:
        return {}, {}
    old_ids = sorted(old_segments)
    features = preparation["features"]
    shared_num = [f for f in features if all(f in old_segments[s] for s in old_ids)]
    shared_cat = [
        f for f in new_centroids[0] if f not in features and all(f in old_segments[s] for s in old_ids)
    ]
    if not shared_num and not shared_cat:
        return {}, {}
    cost = np.zeros((len(new_centroids), len(old_ids)))
    if shared_num:
        cols = [features.index(f) for f in shared_num]

        def prepared(rows: list[dict]) -> np.ndarray:
            X = np.array([[float(r.get(f, np.nan)) for f in features] for r in rows], dtype=float)
            return prep.transform(X, preparation)[:, cols]

        new_pts, old_pts = prepared(new_centroids), prepared([old_segments[s] for s in old_ids])
        cost += ((new_pts[:, None, :] - old_pts[None, :, :]) ** 2).sum(axis=2)
    for f in shared_cat:
        new_vals = np.array([str(c[f]) for c in new_centroids])
        old_vals = np.array([str(old_segments[s][f]) for s in old_ids])
        cost += gamma * (new_vals[:, None] != old_vals[None, :])
    cost = np.sqrt(cost / (len(shared_num) + len(shared_cat)))
    rows, cols_idx = linear_sum_assignment(cost)
    mapping, distances = {}, {}
    for label, j in zip(rows, cols_idx):
        if cost[label, j] <= max_distance:
            mapping[int(label)] = old_ids[j]
            distances[int(label)] = float(cost[label, j])
    return mapping, distances
