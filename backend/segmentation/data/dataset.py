"""A DB-API cursor on the SQLAlchemy session's connection, for bulk COPY in a request.

Feature loading for every segmentation lives in ``segmentations.sources``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..core.extensions import db


@contextmanager
def session_cursor() -> Iterator:
    """COPY runs inside the current transaction and sees rows it flushed but has not
    committed."""
    cur = db.session.connection().connection.dbapi_connection.cursor()
    try:
        yield cur
    finally:
        cur.close()
