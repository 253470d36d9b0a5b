"""Keeping a long job's ``heartbeat_at`` fresh, so a stale one means its worker died; and
reading such a job as failed without writing (the write happens at worker start and
before a new job of the kind is created, never on a read)."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, text

from ..core.extensions import db

log = logging.getLogger(__name__)

# the job tables that carry a heartbeat (the name is never taken from input)
TABLES = ("training_runs", "imports")


@contextmanager
def heartbeat(table: str, row_id: int, every: float = 5.0):
    """Write ``now()`` into ``table``'s row every ``every`` seconds while the block runs
    (long statements write no progress), in its own short transactions."""
    if table not in TABLES:
        raise ValueError(f"{table!r} has no heartbeat")
    stop, engine = threading.Event(), db.engine
    update = text(f"UPDATE {table} SET heartbeat_at = now() WHERE id = :id")

    def beat():
        while not stop.wait(every):
            try:
                with engine.begin() as conn:
                    conn.execute(update, {"id": row_id})
            except Exception as exc:  # the job itself will notice a dead database
                log.warning("heartbeat for %s %s failed: %s", table, row_id, exc)

    thread = threading.Thread(target=beat, name=f"heartbeat-{table}-{row_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every)


def is_stale(model, *fallbacks):
    """SQL: a running row of ``model`` (a job table) whose worker stopped beating for
    RUN_STALE_SECONDS (``fallbacks``: the times to use before its first beat)."""
    last_seen = func.coalesce(model.heartbeat_at, *fallbacks)
    limit = func.now() - timedelta(seconds=current_app.config["RUN_STALE_SECONDS"])
    return (model.status == "running") & (last_seen < limit)


def read_as_seen(query, stale, error: str) -> list:
    """The rows of ``query``; one that is ``stale`` reads as failed with ``error``. It is
    detached first, so the change is never written."""
    rows = []
    for row, dead in db.session.execute(query.add_columns(stale.label("stale"))):
        if dead:
            db.session.expunge(row)
            row.status, row.error = "failed", error
            row.finished_at = row.heartbeat_at or row.started_at
        rows.append(row)
    return rows
