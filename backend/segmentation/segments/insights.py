"""Segments of the active model and what can be learned from them."""

from __future__ import annotations

import numpy as np
from sqlalchemy import text

from .. import bulk
from ..dataset import features_of, session_cursor
from ..extensions import db
from ..ml.drift import psi, shares, status
from ..ml.features import CATEGORIES, CATEGORY_COLUMNS, RFM_COLUMNS
from ..ml.predictor import FastPredictor
from ..ml.selection import stratified_sample

MEANS = ", ".join(f"avg(p.{col})::float8 AS {col}" for col in CATEGORY_COLUMNS.values())
RFM = ", ".join(f"avg(p.{col})::float8 AS {col}" for col in RFM_COLUMNS.values())


def segment_summaries(version: int, previous: int | None, only: int | None = None) -> dict:
    """Per segment: size, share, mean profile (money and relative), RFM, previous size."""
    filt = "AND a.segment_id = :only" if only is not None else ""
    rows = db.session.execute(
        text(
            f"SELECT a.segment_id, count(*) AS size, {MEANS}, {RFM}, count(p.frequency) AS with_rfm "
            "FROM segment_assignments a JOIN spending_profiles p ON p.customer_id = a.customer_id "
            f"WHERE a.model_version_id = :v {filt} GROUP BY a.segment_id"
        ),
        {"v": version, "only": only},
    ).all()
    population = db.session.execute(text(f"SELECT count(*) AS n, {MEANS} FROM spending_profiles p")).one()
    pop_mean = {c: float(getattr(population, col) or 0) for c, col in CATEGORY_COLUMNS.items()}
    total = (
        db.session.scalar(
            text("SELECT count(*) FROM segment_assignments WHERE model_version_id = :v"), {"v": version}
        )
        or 1
    )
    meta = db.session.execute(
        text(
            "SELECT s.id, s.name, s.strategy, s.name_source, s.strategy_source, ms.size AS trained_size, "
            "prev.size AS previous_size FROM model_segments ms JOIN segments s ON s.id = ms.segment_id "
            "LEFT JOIN model_segments prev ON prev.segment_id = ms.segment_id AND prev.model_version_id = :p "
            "WHERE ms.model_version_id = :v ORDER BY s.id"
        ),
        {"v": version, "p": previous},
    ).all()
    stats = {r.segment_id: r for r in rows}
    segments = []
    for m in meta:
        if only is not None and m.id != only:
            continue
        r = stats.get(m.id)
        profile = {
            c: round(float(getattr(r, col) or 0), 2) if r else 0.0 for c, col in CATEGORY_COLUMNS.items()
        }
        segments.append(
            {
                "id": m.id,
                "name": m.name,
                "strategy": m.strategy,
                "edited": {"name": m.name_source == "staff", "strategy": m.strategy_source == "staff"},
                "size": int(r.size) if r else 0,
                "share": round((int(r.size) if r else 0) / total, 6),
                "profile": profile,
                "relative_profile": {
                    c: round(profile[c] / pop_mean[c], 3) if pop_mean[c] else 0.0 for c in CATEGORIES
                },
                "rfm": None
                if not r or not r.with_rfm
                else {k: round(float(getattr(r, col)), 2) for k, col in RFM_COLUMNS.items()},
                "previous_size": m.previous_size,
            }
        )
    return {
        "model_version": version,
        "population_mean": {c: round(v, 2) for c, v in pop_mean.items()},
        "segments": segments,
    }


def assignments_of(version: int) -> tuple[np.ndarray, np.ndarray]:
    with session_cursor() as cur:
        ids, segs = bulk.copy_out(
            cur,
            cur.mogrify(
                "SELECT customer_id, segment_id FROM segment_assignments "
                "WHERE model_version_id = %s ORDER BY customer_id",
                (version,),
            ).decode(),
            [np.int64, np.int32],
        )
    return ids, segs


def projection(predictor: FastPredictor, version: int, sample: int, seed: int) -> dict:
    """2-D PCA of the model's standardised space for a sample stratified by segment."""
    ids, segs = assignments_of(version)
    if not len(ids):
        return {"model_version": version, "points": [], "explained_variance": [0.0, 0.0]}
    pick = stratified_sample(segs, sample, np.random.default_rng(seed), floor=max(sample // 50, 10))
    got, X = features_of(ids[pick].tolist(), predictor.features)
    seg_of = dict(zip(ids[pick].tolist(), segs[pick].tolist()))
    Z = predictor.transform(X)
    Zc = Z - Z.mean(axis=0)
    _, s, vt = np.linalg.svd(Zc, full_matrices=False)
    coords = Zc @ vt[:2].T
    # a deterministic sign, so the picture does not flip between calls
    signs = np.sign(vt[:2, np.argmax(np.abs(vt[:2]), axis=1)].diagonal())
    coords *= np.where(signs == 0, 1, signs)
    variance = (s**2) / max((s**2).sum(), 1e-12)
    return {
        "model_version": version,
        "points": [
            {"x": round(float(x), 4), "y": round(float(y), 4), "segment_id": seg_of[int(i)]}
            for i, (x, y) in zip(got, coords)
        ],
        "explained_variance": [round(float(v), 4) for v in variance[:2]],
    }


def drift(
    predictor: FastPredictor,
    stats: dict,
    trained_shares: dict[int, float],
    names: dict[int, str],
    X: np.ndarray,
) -> dict:
    features = []
    for j, f in enumerate(predictor.features):
        ref = stats.get(f)
        if not ref or not len(X):
            continue
        value = psi(ref["shares"], shares(ref["edges"], X[:, j]))
        features.append(
            {
                "feature": f,
                "psi": round(value, 4),
                "status": status(value),
                "training_mean": round(ref["mean"], 2),
                "current_mean": round(float(X[:, j].mean()), 2),
            }
        )
    current = predictor.predict(X) if len(X) else np.empty(0, dtype=np.int64)
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
        "n_customers": int(len(X)),
    }
