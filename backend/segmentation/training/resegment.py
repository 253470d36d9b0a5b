"""Assigning every customer to a segment of a model version, in chunks."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import psycopg2.errors
from flask import current_app
from sqlalchemy import func, select

from .. import bulk
from ..dataset import iter_feature_chunks
from ..extensions import db
from ..ml.predictor import FastPredictor
from ..models import Customer

log = logging.getLogger(__name__)


def resegment(
    version: int, predictor: FastPredictor, on_progress: Callable[[float], None] = lambda f: None
) -> int:
    """Store ``predictor``'s segment for every customer under ``version``; keeps the
    assignments of other versions (history). Each chunk commits on its own."""
    chunk = current_app.config["RESEGMENT_CHUNK"]
    total = db.session.scalar(select(func.count()).select_from(Customer)) or 1
    done = 0
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute(
                "CREATE TEMP TABLE IF NOT EXISTS _assign (customer_id int8, segment_id int4) ON COMMIT DELETE ROWS"
            )
            for ids, X in iter_feature_chunks(cur, predictor.features, chunk):
                segments = predictor.predict(X).astype(np.int32)
                _store(cur, version, ids, segments)
                raw.commit()
                done += len(ids)
                on_progress(min(done / total, 1.0))
    finally:
        raw.close()
    log.info("re-segmented %s customers with model v%s", done, version)
    return done


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
