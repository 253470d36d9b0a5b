"""Assigning every customer of a segmentation to a segment of a model version."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import psycopg2.errors
from flask import current_app

from ..core.extensions import db
from ..data import bulk
from ..ml.kinds import FeatureData
from ..ml.predictor import FastPredictor
from ..ml.trainer import missing_rule

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
    kept, _, _ = missing_rule(data)
    rows = data.take(np.flatnonzero(kept))
    if not len(rows):
        return rows.ids, np.empty(0, dtype=np.int32)
    return rows.ids, predictor.predict(*model_inputs(predictor, rows)).astype(np.int32)


def resegment(
    version: int,
    predictor: FastPredictor,
    data: FeatureData,
    on_progress: Callable[[float], None] = lambda f: None,
) -> int:
    """Store ``predictor``'s segment for every placeable row of ``data`` under ``version``;
    keeps the assignments of other versions (history). Each chunk commits on its own."""
    chunk = current_app.config["RESEGMENT_CHUNK"]
    ids, segments = segments_of(predictor, data)
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute(
                "CREATE TEMP TABLE IF NOT EXISTS _assign (customer_id int8, segment_id int4) ON COMMIT DELETE ROWS"
            )
            for start in range(0, len(ids), chunk):
                stop = start + chunk
                _store(cur, version, ids[start:stop], segments[start:stop])
                raw.commit()
                on_progress(min(stop / max(len(ids), 1), 1.0))
    finally:
        raw.close()
    log.info("re-segmented %s customers with model v%s", len(ids), version)
    return len(ids)


def _store(cur, version: int, ids: np.ndarray, segments: np.ndarray) -> None:
    """COPY straight into the table when none of these customers has an assignment for
    ``version`` yet (the usual case right after activation); otherwise upsert through a
    staging table (customers assigned by the API in the meantime, or a re-run)."""
    cur.execute("SAVEPOINT direct_copy")
    try:
        bulk.copy_in(
            cur,
            "segment_assignments",
            ["customer_id", "model_version_id", "segment_id"],
            [ids, np.full(len(ids), version, dtype=np.int32), segments],
        )
        cur.execute("RELEASE SAVEPOINT direct_copy")
        return
    except psycopg2.errors.UniqueViolation:
        cur.execute("ROLLBACK TO SAVEPOINT direct_copy")
    bulk.copy_in(cur, "_assign", ["customer_id", "segment_id"], [ids, segments])
    cur.execute(
        "INSERT INTO segment_assignments (customer_id, model_version_id, segment_id) "
        "SELECT customer_id, %s, segment_id FROM _assign "
        "ON CONFLICT (customer_id, model_version_id) DO UPDATE "
        "SET segment_id = EXCLUDED.segment_id, assigned_at = now()",
        (version,),
    )
