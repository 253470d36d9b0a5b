"""Keeping a long job's ``heartbeat_at`` fresh, so a stale one means its worker died."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from sqlalchemy import text

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
