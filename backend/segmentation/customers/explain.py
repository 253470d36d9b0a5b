"""Why a customer sits in its segment: the features that place it there, against its
segment's and the population's typical values."""

from __future__ import annotations

import numpy as np
from sqlalchemy import text

from ..core.extensions import db
from ..segmentations import service as segmentations
from ..training.resegment import model_inputs


def explanation(key: int, seg, snapshot) -> dict | None:
    """Why the customer ``key`` sits in its segment of ``seg`` (None without feature values)."""
    from ..ml.explain import explain

    data = segmentations.load_customers(seg, [key])
    if data is None:  # the bank's own relation
        data = segmentations.load(seg)
        data = data.take(np.flatnonzero(data.ids == key))
    if not len(data) or (np.isnan(data.num).all() and not data.cat.size):
        return None
    num, cat = model_inputs(snapshot.predictor, data)
    profiles = dict(
        db.session.execute(
            text("SELECT segment_id, centroid FROM model_segments WHERE model_version_id = :v"),
            {"v": snapshot.version},
        ).all()
    )
    population = db.session.scalar(
        text("SELECT population FROM model_versions WHERE id = :v"), {"v": snapshot.version}
    )
    return explain(
        snapshot.predictor,
        num[0],
        {sid: s["name"] for sid, s in snapshot.segments.items()},
        {sid: _typical(p) for sid, p in profiles.items()},
        _typical(population or {}),
        cat=None if cat is None else cat[:1],
    )


def _typical(profile: dict) -> dict:
    """Mean (numeric) or mode (categorical) per feature of a stored profile."""
    out = {}
    for f, d in profile.items():
        if isinstance(d, dict):
            out[f] = d.get("mean", d.get("mode"))
        else:
            out[f] = d
    return out
