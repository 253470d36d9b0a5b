"""Reading model features from PostgreSQL in bulk (binary COPY into NumPy)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from . import bulk
from .extensions import db
from .ml.features import column_for


def _select(features: Sequence[str]) -> str:
    cols = ", ".join(f"coalesce(p.{column_for(f)}, 0)::float8" for f in features)
    return (
        f"SELECT c.customer_id, {cols} FROM customers c "
        "JOIN spending_profiles p ON p.customer_id = c.customer_id"
    )


def load_features(
    cursor, features: Sequence[str], where: str = "", params: dict | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """All customers' ``features``, ordered by customer id: (ids, X)."""
    query = _select(features) + (f" WHERE {where}" if where else "") + " ORDER BY c.customer_id"
    if params:
        query = cursor.mogrify(query, params).decode()
    columns = bulk.copy_out(cursor, query, [np.int64] + [np.float64] * len(features))
    ids = columns[0]
    X = np.column_stack(columns[1:]) if len(ids) else np.empty((0, len(features)))
    return ids, X


@contextmanager
def session_cursor():
    """A DB-API cursor on the SQLAlchemy session's connection: COPY runs inside the current
    transaction and sees rows it flushed but has not committed."""
    cur = db.session.connection().connection.dbapi_connection.cursor()
    try:
        yield cur
    finally:
        cur.close()


def features_of(customer_ids: Sequence[int], features: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(ids, X) for these customers (those with a profile), in the session's transaction."""
    with session_cursor() as cur:
        return load_features(
            cur,
            features,
            where="c.customer_id = ANY(%(ids)s)",
            params={"ids": [int(i) for i in customer_ids]},
        )


def iter_feature_chunks(
    cursor, features: Sequence[str], chunk_rows: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Keyset-paginated chunks of (ids, X), each at most ``chunk_rows`` long."""
    last = np.iinfo(np.int64).min
    while True:
        query = (
            _select(features)
            + cursor.mogrify(
                " WHERE c.customer_id > %s ORDER BY c.customer_id LIMIT %s", (int(last), chunk_rows)
            ).decode()
        )
        columns = bulk.copy_out(cursor, query, [np.int64] + [np.float64] * len(features))
        ids = columns[0]
        if not len(ids):
            return
        yield ids, np.column_stack(columns[1:])
        last = ids[-1]
        if len(ids) < chunk_rows:
            return
