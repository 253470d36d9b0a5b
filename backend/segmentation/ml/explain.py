"""Why a customer sits in a segment, in words a banker understands."""

from __future__ import annotations

import numpy as np

from .features import FEATURE_LABELS
from .predictor import FastPredictor


def _money(x: float) -> str:
    return f"{x:,.2f}"


def driver_text(feature: str, value: float, segment_mean: float, population_mean: float) -> str:
    label = FEATURE_LABELS.get(feature, feature)
    if population_mean > 0 and value >= 1.25 * population_mean:
        ratio = value / population_mean
        head = f"Spends {ratio:.1f}x the average customer on {label}"
    elif value <= 0.75 * population_mean:
        head = f"Spends {'nothing' if value == 0 else 'little'} on {label}"
    else:
        head = f"Spends about the average on {label}"
    return (
        f"{head} ({_money(value)} a month; average {_money(population_mean)}, "
        f"typical for this segment {_money(segment_mean)})"
    )


def explain(
    predictor: FastPredictor,
    x: np.ndarray,
    segment_names: dict[int, str],
    segment_means: dict[int, dict[str, float]],
    population_mean: dict[str, float],
    top: int = 3,
) -> dict:
    """Distances to the assigned and runner-up segments and the features that pull the
    customer towards the assigned one (compared with the runner-up)."""
    z = predictor.transform(x.reshape(1, -1))[0]
    d2 = ((predictor.centers - z) ** 2).sum(axis=1)
    order = np.argsort(d2, kind="stable")
    best, second = int(order[0]), (int(order[1]) if len(order) > 1 else None)
    seg_id = int(predictor.segment_ids[best])
    features = list(predictor.features)
    if second is not None:
        pull = (z - predictor.centers[second]) ** 2 - (z - predictor.centers[best]) ** 2
    else:
        pull = -((z - predictor.centers[best]) ** 2)
    drivers = []
    for j in np.argsort(-pull, kind="stable")[:top]:
        if second is not None and pull[j] <= 0:
            break
        f = features[j]
        seg_mean = segment_means.get(seg_id, {}).get(f, 0.0)
        pop_mean = population_mean.get(f, 0.0)
        drivers.append(
            {
                "feature": f,
                "value": float(x[j]),
                "segment_mean": seg_mean,
                "population_mean": pop_mean,
                "text": driver_text(f, float(x[j]), seg_mean, pop_mean),
            }
        )
    name = segment_names.get(seg_id, f"Segment {seg_id}")
    runner_up = None
    if second is not None:
        second_id = int(predictor.segment_ids[second])
        runner_up = {
            "id": second_id,
            "name": segment_names.get(second_id, f"Segment {second_id}"),
            "distance": round(float(np.sqrt(d2[second])), 4),
        }
    because = " and ".join(FEATURE_LABELS.get(d["feature"], d["feature"]) for d in drivers[:2])
    summary = f"Placed in {name}"
    if runner_up and because:
        summary += (
            f"; what sets this customer apart from the next closest segment, "
            f"{runner_up['name']}, is the spending on {because}"
        )
    elif because:
        summary += f", mainly because of the spending on {because}"
    return {
        "segment": {"id": seg_id, "name": name, "distance": round(float(np.sqrt(d2[best])), 4)},
        "distance": round(float(np.sqrt(d2[best])), 4),
        "runner_up": runner_up,
        "drivers": drivers,
        "summary": summary + ".",
    }
