"""Why a customer sits in a segment, in words a banker understands."""

from __future__ import annotations

import numpy as np

from .features import FEATURE_LABELS
from .kinds import FeatureSpec
from .predictor import FastPredictor


def _number(x: float) -> str:
    return f"{x:,.2f}"


def _label(spec: FeatureSpec) -> str:
    return spec.label or FEATURE_LABELS.get(spec.name) or spec.words


def driver_text(spec: FeatureSpec | str, value, segment_mean, population_mean) -> str:
    """One sentence comparing the customer's value with the population and the segment."""
    if isinstance(spec, str):
        spec = FeatureSpec(spec, "money")
    label = _label(spec)
    if not spec.numeric:
        return f"{label[0].upper() + label[1:]} is {value} (most common in this segment: {segment_mean})"
    value, segment_mean, population_mean = float(value), float(segment_mean), float(population_mean)
    unit = f" {spec.unit}" if spec.unit else (" a month" if spec.kind == "money" else "")
    verb = "Spends" if spec.kind == "money" else "Has"
    if population_mean > 0 and value >= 1.25 * population_mean:
        head = f"{verb} {value / population_mean:.1f}x the average customer's {label}"
    elif value <= 0.75 * population_mean:
        head = f"{verb} {'no' if value == 0 else 'little'} {label}"
    else:
        head = f"{verb} about the average {label}"
    return (
        f"{head} ({_number(value)}{unit}; average {_number(population_mean)}, "
        f"typical for this segment {_number(segment_mean)})"
    )


def _pull(predictor: FastPredictor, e: np.ndarray, best: int, second: int | None) -> np.ndarray:
    """Per feature: how much closer the customer is to ``best`` than to ``second``."""
    a = (e - predictor.centers[best]) ** 2
    contrib = ((e - predictor.centers[second]) ** 2 - a) if second is not None else -a
    n_num = len(predictor.numeric_features)
    out = list(contrib[:n_num])
    offset = n_num
    for m in predictor.n_categories:
        out.append(contrib[offset : offset + m].sum())
        offset += m
    return np.asarray(out)


def explain(
    predictor: FastPredictor,
    x: np.ndarray,
    segment_names: dict[int, str],
    segment_means: dict[int, dict],
    population_mean: dict,
    top: int = 3,
    cat=None,
) -> dict:
    """Distances to the assigned and runner-up segments and the features that pull the
    customer towards the assigned one (compared with the runner-up). ``x`` holds the numeric
    features, ``cat`` the categorical ones (values or codes); segment and population
    figures are means (numeric) or modes (categorical) keyed by feature."""
    e = predictor.transform(np.asarray(x, dtype=np.float64).reshape(1, -1), cat)[0]
    d2 = ((predictor.centers - e) ** 2).sum(axis=1)
    order = np.argsort(d2, kind="stable")
    best, second = int(order[0]), (int(order[1]) if len(order) > 1 else None)
    seg_id = int(predictor.segment_ids[best])
    specs = [s for s in predictor.specs if s.numeric] + [s for s in predictor.specs if not s.numeric]
    values = list(np.asarray(x, dtype=np.float64).ravel())
    if predictor.n_categories:
        codes = predictor.codes(cat if cat is not None else [-1] * len(predictor.n_categories))[0]
        values += [
            predictor.categories[s.name][c] if c >= 0 else None for s, c in zip(specs[len(values) :], codes)
        ]
    pull = _pull(predictor, e, best, second)
    drivers = []
    for j in np.argsort(-pull, kind="stable")[:top]:
        if second is not None and pull[j] <= 0:
            break
        spec = specs[j]
        seg_mean = segment_means.get(seg_id, {}).get(spec.name, 0.0)
        pop_mean = population_mean.get(spec.name, 0.0)
        value = values[j] if not spec.numeric else float(values[j])
        drivers.append(
            {
                "feature": spec.name,
                "value": value,
                "segment_mean": seg_mean,
                "population_mean": pop_mean,
                "text": driver_text(spec, value, seg_mean, pop_mean),
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
    by_name = {s.name: s for s in specs}
    because = " and ".join(_label(by_name[d["feature"]]) for d in drivers[:2])
    summary = f"Placed in {name}"
    if runner_up and because:
        summary += (
            f"; what sets this customer apart from the next closest segment, "
            f"{runner_up['name']}, is their {because}"
        )
    elif because:
        summary += f", mainly because of their {because}"
    return {
        "segment": {"id": seg_id, "name": name, "distance": round(float(np.sqrt(d2[best])), 4)},
        "distance": round(float(np.sqrt(d2[best])), 4),
        "runner_up": runner_up,
        "drivers": drivers,
        "summary": summary + ".",
    }
