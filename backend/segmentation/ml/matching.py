"""Keeping segment ids stable across retraining, for any kind of feature.

The previous model places the same customers the new model was trained on; a new cluster
keeps the id of the old segment it shares most customers with (Hungarian matching on the
overlap table), provided most of the cluster (``min_overlap``, Jaccard) really is that
segment. Clusters with no such partner get new ids. Matching on members rather than on
centroids works for numeric, categorical and mixed features alike, and does not depend on
how either model prepared its features.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def match_by_members(
    new_labels: np.ndarray, old_segments: np.ndarray, k: int, min_overlap: float = 0.5
) -> dict[int, int]:
    """``{cluster_label: old_segment_id}`` for the clusters that continue an old segment.

    ``new_labels`` (0..k-1) and ``old_segments`` (old segment ids) describe the same rows."""
    if not len(new_labels):
        return {}
    old_ids, old_idx = np.unique(old_segments, return_inverse=True)
    table = np.zeros((k, len(old_ids)), dtype=np.int64)
    np.add.at(table, (new_labels, old_idx), 1)
    new_sizes = table.sum(axis=1, keepdims=True)
    old_sizes = table.sum(axis=0, keepdims=True)
    jaccard = table / np.maximum(new_sizes + old_sizes - table, 1)
    rows, cols = linear_sum_assignment(-jaccard)
    return {int(r): int(old_ids[c]) for r, c in zip(rows, cols) if jaccard[r, c] >= min_overlap}
