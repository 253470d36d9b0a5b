"""Keeping segment ids stable across retraining.

The new model's clusters are matched to the active model's segments by the Hungarian
algorithm on centroid distances, measured in the new model's standardised space over the
features both models share. A matched cluster keeps the old segment's id unless it moved
further than ``max_distance`` (RMS per feature, in standard deviations); unmatched
clusters get new ids.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def standardise(money: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return (np.log1p(np.maximum(money, 0.0)) - mean) / scale


def match_clusters(
    new_centroids: np.ndarray,
    new_features: list[str],
    mean: np.ndarray,
    scale: np.ndarray,
    old_segments: dict[int, dict[str, float]],
    max_distance: float,
) -> tuple[dict[int, int], dict[int, float]]:
    """Return ``{cluster_label: old_segment_id}`` for matched clusters and the distance of
    each match. ``new_centroids`` are in money units (k x features); ``old_segments`` maps
    segment id to its centroid keyed by feature name, in money units."""
    if not old_segments:
        return {}, {}
    old_ids = sorted(old_segments)
    shared = [f for f in new_features if all(f in old_segments[s] for s in old_ids)]
    if not shared:
        return {}, {}
    cols = [new_features.index(f) for f in shared]
    new_pts = standardise(new_centroids[:, cols], mean[cols], scale[cols])
    old_money = np.array([[old_segments[s][f] for f in shared] for s in old_ids], dtype=float)
    old_pts = standardise(old_money, mean[cols], scale[cols])
    diff = new_pts[:, None, :] - old_pts[None, :, :]
    cost = np.sqrt((diff**2).mean(axis=2))
    rows, cols_idx = linear_sum_assignment(cost)
    mapping, distances = {}, {}
    for label, j in zip(rows, cols_idx):
        if cost[label, j] <= max_distance:
            mapping[int(label)] = old_ids[j]
            distances[int(label)] = float(cost[label, j])
    return mapping, distances
