"""Assigning every customer of a segmentation to a segment of a model version."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
from flask import current_app

from ..core.extensions import db
from ..ml.gaps import placeable
from ..ml.kinds import FeatureData
from ..ml.predictor import FastPredictor
from ..segmentations.models import Segmentation
from ..segments import partitions, summaries
from .models import ModelVersion
from .registry import REGISTRY_LOCK

log = logging.getLogger(__name__)


def model_inputs(predictor: FastPredictor, data: FeatureData) -> tuple[np.ndarray, np.ndarray | None]:
    """``data`` as the predictor's inputs: numeric columns, and categorical codes in the
    model's own category order (a category the model never saw becomes -1, missing)."""
    if not data.categorical_specs:
        return data.num, None
    columns = []
    for j, spec in enumerate(data.categorical_specs):
        lookup = {v: i for i, v in enumerate(predictor.categories[spec.name])}
        remap = np.array([lookup.get(v, -1) for v in data.categories[j]] + [-1], dtype=np.int32)
        columns.append(remap[data.cat[:, j]])
    return data.num, np.column_stack(columns)


def segments_of(predictor: FastPredictor, data: FeatureData) -> tuple[np.ndarray, np.ndarray]:
    """(internal keys, segment ids) for the rows the model can place (the training rule for
    missing values decides which)."""
    kept = placeable(data)
    rows = data.take(np.flatnonzero(kept))
    if not len(rows):
        return rows.ids, np.empty(0, dtype=np.int32)
    return rows.ids, predictor.predict(*model_inputs(predictor, rows)).astype(np.int32)


def predict_in_chunks(predictor: FastPredictor, data: FeatureData, chunk: int) -> np.ndarray:
    """``predictor``'s label for every row of ``data``, ``chunk`` rows at a time (the
    model's temporaries stay the size of a chunk)."""
    out = np.empty(len(data), dtype=np.int64)
    for start in range(0, len(data), chunk):
        part = data.take(slice(start, start + chunk))
        out[start : start + len(part)] = predictor.predict(*model_inputs(predictor, part))
    return out


def resegment(
    version: int,
    predictor: FastPredictor,
    data: FeatureData,
    on_progress: Callable[[float], None] = lambda f: None,
) -> int:
    """Store ``predictor``'s segment for every placeable row of ``data`` as ``version``'s
    partition of the assignment history, its summaries with it, in one transaction (a failure
    changes nothing); then apply the retention setting. Other versions are untouched."""
    chunk = current_app.config["RESEGMENT_CHUNK"]
    mv = db.session.get(ModelVersion, version)
    seg = db.session.get(Segmentation, mv.segmentation_id)
    db.session.commit()  # no session transaction holds locks while the partition is swapped
    placed = 0
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute("SELECT clock_timestamp()")
            since = cur.fetchone()[0]
            stage = partitions.create_stage(cur, version)
            for start in range(0, len(data), chunk):
                # a slice is a view: predicting chunk by chunk keeps memory flat
                ids, segments = segments_of(predictor, data.take(slice(start, start + chunk)))
                partitions.fill_stage(cur, stage, version, ids, segments)
                placed += len(ids)
                on_progress(0.9 * min((start + chunk) / max(len(data), 1), 1.0))
            # the ATTACH's foreign keys lock model_versions against writers, whose rows an
            # activation updates under the registry lock: without one order the two deadlocked
            # (an activation during a rollback's re-segmenting got a 503, or the re-segmenting
            # failed). Taking the registry lock first, as activation does, orders them.
            partitions.seal_stage(
                cur,
                stage,
                version,
                before_keys=lambda c: c.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", (REGISTRY_LOCK, seg.id)
                ),
            )
            live = partitions.merge_writes(cur, stage, version, since)
            table = partitions.attach(cur, stage, version, live)
            summaries.compute(cur, table, version, with_rfm=seg.source is None)
        raw.commit()
    finally:
        raw.rollback()
        raw.close()
    on_progress(0.95)
    record_history(mv.id, seg.id, placed)
    log.info("re-segmented %s customers with model v%s", placed, version)
    return placed


def record_history(version: int, segmentation_id: int, placed: int) -> dict:
    """Apply ASSIGNMENT_HISTORY_VERSIONS to the segmentation's history and note the sizes on
    disk in the version's notes (one line, replaced on every re-segmenting)."""
    keep = current_app.config["ASSIGNMENT_HISTORY_VERSIONS"]
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute(
                "SELECT id, is_active, previous_version_id FROM model_versions WHERE segmentation_id = %s",
                (segmentation_id,),
            )
            versions = {v: (active, prev) for v, active, prev in cur.fetchall()}
            stored = sorted((v for v in partitions.attached(cur) if v in versions), reverse=True)
            kept = set(stored[:keep]) | {version}
            kept |= {v for v, (active, prev) in versions.items() if active} | {
                prev for active, prev in versions.values() if active and prev
            }
            dropped = partitions.drop(cur, [v for v in stored if v not in kept])
            raw.commit()
            sizes = partitions.sizes(cur)
        raw.commit()
    finally:
        raw.close()
    history = {**sizes, "versions_kept": len([v for v in stored if v not in dropped]), "dropped": dropped}
    mv = db.session.get(ModelVersion, version)
    note = (
        f"{HISTORY_NOTE} {placed:,} customers placed; {history['versions_kept']} versions' assignments kept "
        f"(ASSIGNMENT_HISTORY_VERSIONS={keep}), {history['assignments_bytes'] / 1e6:,.1f} MB; "
        f"database {history['database_bytes'] / 1e6:,.1f} MB."
    )
    mv.notes = [n for n in (mv.notes or []) if not n.startswith(HISTORY_NOTE)] + [note]
    db.session.commit()
    log.info("assignment history of segmentation %s: %s", segmentation_id, history)
    return history


HISTORY_NOTE = "After re-segmenting:"
