"""The sentence that says why a k was chosen (``k_reason``: shown under the k curve on the
Training page and kept with the model). ``best`` and ``top`` are :class:`.selection.KScore`'s."""

from __future__ import annotations


def why(best, top, structured: list, tolerance: float) -> str:
    """Why ``best``: its silhouette against the shuffled reference, its stability, and, when it is
    not the k of the best silhouette, why a larger k was preferred."""
    ranked = sorted((s for s in structured if s is not best), key=lambda s: -s.silhouette)
    others = ", ".join(f"{s.k}: {s.silhouette:.2f}" for s in ranked[:3])
    head = (
        f"k = {best.k} has the best silhouette ({best.silhouette:.2f}, against {best.null_silhouette:.2f} "
        "on shuffled data)"
    )
    if best is not top:
        head = (
            f"k = {best.k} was chosen over k = {top.k} (best silhouette {top.silhouette:.2f}): its silhouette "
            f"({best.silhouette:.2f}, against {best.null_silhouette:.2f} on shuffled data) is within "
            f"{tolerance:.2f} of the best, and silhouette tends to merge close or small segments, "
            "so the larger k it cannot tell apart is kept"
        )
    return (
        head + " among the partitions that beat shuffled data and are reproduced on resampled data "
        f"(stability {best.stability:.2f})" + (f"; next best k {others}" if others else "") + "."
    )
