"""A DB-API cursor on the SQLAlchemy session's connection, for bulk COPY in a request; whether
the database answers at all.

Feature loading for every segmentation lives in ``segmentations.sources``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from ..core.extensions import db


def database_reachable(timeout_ms: int = 2000) -> bool:
    """One ``SELECT 1`` within ``timeout_ms`` on a fresh connection (readiness probes)."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text(f"SET LOCAL statement_timeout = {int(timeout_ms)}"))
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        db.session.remove()


@contextmanager
def session_cursor() -> Iterator:
    """COPY runs inside the current transaction and sees rows it flushed but has not
    committed."""
    cur = db.session.connection().connection.dbapi_connection.cursor()
    try:
        yield cur
    finally:
        cur.close()
