"""Segments of the active model and what can be learned from them."""

from __future__ import annotations

import numpy as np
from flask import current_app
from sqlalchemy import text

from ..core.extensions import db
from ..customers import counts
from ..data import bulk
from ..data.dataset import session_cursor
from ..ml.drift import category_shares, psi, shares, status
from ..ml.kinds import FeatureData
from ..ml.measures import stratified_sample
from ..ml.predictor import FastPredictor
from ..segmentations import service as segmentations
from ..segmentations.models import Segmentation
from ..training.models import ModelVersion
from ..training.resegment import model_inputs, segments_of
from . import partitions, summaries


def _numeric(detail) -> float | None:
    """A feature's mean from a stored profile (plain numbers in versions before kinds)."""
    if isinstance(detail, dict):
        return detail.get("mean")
    return float(detail) if detail is not None else None


def segment_summaries(mv: ModelVersion, seg: Segmentation, only: int | None = None) -> dict:
    """Per segment: current size and share, the members' profile at training time (means,
    medians, category shares, in the features' own units), RFM figures, previous size. Reads
    the version's stored summaries: no scan of the customers."""
    sizes, rfm = summaries.read(mv.id)  # computed at re-segmenting, kept by a trigger
    total = sum(sizes.values())
    if seg.source is not None:
        rfm = {}
    population = mv.population or {}
    pop_mean = {f: _numeric(d) for f, d in population.items() if _numeric(d) is not None}
    meta = db.session.execute(
        text(
            "SELECT s.id, s.name, s.strategy, s.name_source, s.strategy_source, ms.centroid, "
            "prev.size AS previous_size FROM model_segments ms JOIN segments s ON s.id = ms.segment_id "
            "LEFT JOIN model_segments prev ON prev.segment_id = ms.segment_id AND prev.model_version_id = :p "
            "WHERE ms.model_version_id = :v ORDER BY s.id"
        ),
        {"v": mv.id, "p": mv.previous_version_id},
    ).all()
    segments = []
    for m in meta:
        if only is not None and m.id != only:
            continue
        detail = {f: d if isinstance(d, dict) else {"mean": float(d)} for f, d in (m.centroid or {}).items()}
        profile = {f: round(float(d["mean"]), 2) for f, d in detail.items() if d.get("mean") is not None}
        size = int(sizes.get(m.id, 0))
        segments.append(
            {
                "id": m.id,
                "name": m.name,
                "strategy": m.strategy,
                "edited": {"name": m.name_source == "staff", "strategy": m.strategy_source == "staff"},
                "size": size,
                "share": round(size / max(total, 1), 6),
                "profile": profile,
                "profile_detail": detail,
                "relative_profile": {
                    f: round(v / pop_mean[f], 3) if pop_mean.get(f) else 0.0 for f, v in profile.items()
                },
                "rfm": rfm.get(m.id),
                "previous_size": m.previous_size,
            }
        )
    return {
        "model_version": mv.id,
        "segmentation": seg.name,
        "population_mean": {f: round(v, 2) for f, v in pop_mean.items()},
        "segments": segments,
    }


def assignments_of(version: int, limit: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(customers, segments) of ``version``: all of them, or about ``limit`` in random blocks
    of its partition when it holds more (TABLESAMPLE SYSTEM reads only those pages)."""
    total = sum(summaries.read(version)[0].values())
    sample = ""
    if total > limit:
        sample = f"TABLESAMPLE SYSTEM ({min(100.0, 150.0 * limit / total):.6f}) REPEATABLE ({int(seed)})"
    with session_cursor() as cur:
        table = partitions.attached(cur).get(version, partitions.PARENT)
        ids, segs = bulk.copy_out(
            cur,
            cur.mogrify(
                f"SELECT customer_id, segment_id FROM {table} {sample} "
                "WHERE model_version_id = %s ORDER BY customer_id",
                (version,),
            ).decode(),
            [np.int64, np.int32],
        )
    if len(ids) > limit:
        keep = np.sort(np.random.default_rng(seed).choice(len(ids), limit, replace=False))
        ids, segs = ids[keep], segs[keep]
    return ids, segs


def current_data(seg: Segmentation, limit: int, seed: int) -> FeatureData:
    """The segmentation's current features: every customer, or a random sample of at most
    ``limit`` service customers (random table blocks, read with their features in one query)
    when there are more."""
    if seg.source is not None:
        return segmentations.load(seg)
    total = counts.total()
    if total <= limit:
        return segmentations.load(seg)
    data = segmentations.load_sample(seg, min(100.0, 120.0 * limit / total), seed)
    if len(data) > limit:
        data = data.take(np.sort(np.random.default_rng(seed).choice(len(data), limit, replace=False)))
    return data


def projection(seg: Segmentation, predictor: FastPredictor, version: int, sample: int, seed: int) -> dict:
    """2-D PCA of the model's space for a sample of customers stratified by segment."""
    ids, segs = assignments_of(version, current_app.config["INSIGHT_SAMPLE_ROWS"], seed)
    if not len(ids):
        return {"model_version": version, "points": [], "explained_variance": [0.0, 0.0]}
    pick = stratified_sample(segs, sample, np.random.default_rng(seed), floor=max(sample // 50, 10))
    data = segmentations.load_customers(seg, ids[pick].tolist())
    if data is None:  # the bank's own relation: read it, keep the sample
        data = segmentations.load(seg)
        data = data.take(np.flatnonzero(np.isin(data.ids, ids[pick])))
    seg_of = dict(zip(ids[pick].tolist(), segs[pick].tolist(), strict=True))
    keep = np.array([int(i) in seg_of for i in data.ids], dtype=bool)
    data = data.take(np.flatnonzero(keep))
    if not len(data):
        return {"model_version": version, "points": [], "explained_variance": [0.0, 0.0]}
    Z = predictor.transform(*model_inputs(predictor, data))
    Zc = Z - Z.mean(axis=0)
    _, s, vt = np.linalg.svd(Zc, full_matrices=False)
    coords = Zc @ vt[:2].T
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(len(coords))])
    # a deterministic sign, so the picture does not flip between calls
    signs = np.sign(vt[:2, np.argmax(np.abs(vt[:2]), axis=1)].diagonal())
    coords[:, : len(signs)] *= np.where(signs == 0, 1, signs)
    variance = (s**2) / max((s**2).sum(), 1e-12)
    return {
        "model_version": version,
        "points": [
            {"x": round(float(x), 4), "y": round(float(y), 4), "segment_id": seg_of[int(i)]}
            for i, (x, y) in zip(data.ids, coords, strict=True)
        ],
        "explained_variance": [round(float(v), 4) for v in variance[:2]] + [0.0] * max(0, 2 - len(variance)),
    }


def drift(
    predictor: FastPredictor,
    stats: dict,
    trained_shares: dict[int, float],
    names: dict[int, str],
    data: FeatureData,
) -> dict:
    """PSI of every feature and of the segment shares, current data against training."""
    features = []
    for j, spec in enumerate(data.numeric_specs):
        ref = stats.get(spec.name)
        col = data.num[:, j]
        col = col[~np.isnan(col)]
        if not ref or "edges" not in ref or not len(col):
            continue
        value = psi(ref["shares"], shares(ref["edges"], col))
        features.append(
            {
                "feature": spec.name,
                "psi": round(value, 4),
                "status": status(value),
                "training_mean": round(ref["mean"], 2),
                "current_mean": round(float(col.mean()), 2),
            }
        )
    for j, spec in enumerate(data.categorical_specs):
        ref = (stats.get(spec.name) or {}).get("shares_by_category")
        if not ref or not len(data):
            continue
        now = category_shares(data.cat[:, j], data.categories[j])
        keys = sorted(set(ref) | set(now))
        value = psi([ref.get(k, 0.0) for k in keys], [now.get(k, 0.0) for k in keys])
        features.append(
            {
                "feature": spec.name,
                "psi": round(value, 4),
                "status": status(value),
                "training_mean": None,
                "current_mean": None,
            }
        )
    _, current = segments_of(predictor, data)
    ids = sorted(trained_shares)
    now = {s: float((current == s).mean()) if len(current) else 0.0 for s in ids}
    segment_psi = psi([trained_shares[s] for s in ids], [now[s] for s in ids]) if len(current) else 0.0
    worst = max([f["psi"] for f in features] + [segment_psi], default=0.0)
    advisable = worst >= 0.25
    drifted = [f["feature"] for f in features if f["status"] != "stable"]
    summary = (
        "Retraining is advisable: "
        if advisable
        else "No retraining needed yet" + (": watch " if drifted else ".")
    ) + (", ".join(drifted) + (" shifted since training." if drifted else "") if drifted else "")
    if advisable and not drifted:
        summary += "segment shares shifted since training."
    return {
        "features": features,
        "segments": [
            {
                "id": s,
                "name": names.get(s, f"Segment {s}"),
                "training_share": round(trained_shares[s], 4),
                "current_share": round(now[s], 4),
            }
            for s in ids
        ],
        "segment_psi": round(segment_psi, 4),
        "retrain_advisable": advisable,
        "summary": summary,
        "n_customers": int(len(current)),
    }
