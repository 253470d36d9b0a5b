"""Per-segment summaries of a model version, computed once instead of on every call.

Sizes are counted when the version re-segments and then kept by the database trigger
``segment_summaries_*`` (statement triggers) on every later change of an assignment (API writes, customers
deleted). Members' RFM averages are computed when the version re-segments and again after
``recompute-rfm`` (``refresh_rfm``); ``GET /segments`` reads this table only, so its cost
does not grow with the number of customers. Summaries outlive the assignments that
retention drops.
"""

from __future__ import annotations

import json

from sqlalchemy import text

from ..core.extensions import db
from ..ml.features import RFM_COLUMNS

RFM = ", ".join(
    f"avg(p.{col}) FILTER (WHERE p.frequency > 0)::float8 AS {col}" for col in RFM_COLUMNS.values()
)


def compute(cur, table: str, version: int, with_rfm: bool, sizes: bool = True) -> None:
    """Replace ``version``'s summaries with those of the rows in ``table`` (its partition,
    attached in the caller's transaction); RFM figures only when ``with_rfm``; only
    the RFM figures when not ``sizes``."""
    if with_rfm:
        cur.execute("SELECT EXISTS (SELECT 1 FROM spending_profiles WHERE frequency > 0)")
        with_rfm = cur.fetchone()[0]
    if with_rfm:
        cur.execute(
            f"SELECT a.segment_id, count(*), {RFM}, count(*) FILTER (WHERE p.frequency > 0) "
            f"FROM {table} a LEFT JOIN spending_profiles p ON p.customer_id = a.customer_id "
            "GROUP BY a.segment_id"
        )
        rows = [
            (sid, n, _rfm(recency, frequency, monetary, m)) for sid, n, recency, frequency, monetary, m in cur
        ]
    else:
        cur.execute(f"SELECT segment_id, count(*) FROM {table} GROUP BY segment_id")
        rows = [(sid, n, None) for sid, n in cur]
    if not sizes:  # the trigger keeps sizes; only the RFM figures are recomputed
        cur.executemany(
            "UPDATE segment_summaries SET rfm = %s, computed_at = now() WHERE model_version_id = %s AND segment_id = %s",
            [(json.dumps(rfm) if rfm else None, version, sid) for sid, _, rfm in rows],
        )
        return
    cur.execute("DELETE FROM segment_summaries WHERE model_version_id = %s", (version,))
    if rows:
        cur.executemany(
            "INSERT INTO segment_summaries (model_version_id, segment_id, customers, rfm) VALUES (%s, %s, %s, %s)",
            [(version, sid, n, json.dumps(rfm) if rfm else None) for sid, n, rfm in rows],
        )


def _rfm(recency, frequency, monetary, customers: int) -> dict | None:
    """Members' average recency / frequency / monetary (customers with a purchase history)."""
    if not customers:
        return None
    return {
        "recency_days": round(recency) if recency is not None else None,
        "frequency": round(frequency) if frequency is not None else None,
        "monetary": round(monetary, 2) if monetary is not None else None,
        "customers": int(customers),
    }


def refresh_rfm(version: int) -> None:
    """Recompute ``version``'s RFM averages from its assignments (after profiles changed)."""
    from . import partitions

    with db.session.connection().connection.dbapi_connection.cursor() as cur:
        table = partitions.attached(cur).get(version)
        if table is not None:
            compute(cur, table, version, with_rfm=True, sizes=False)


def read(version: int) -> tuple[dict[int, int], dict[int, dict]]:
    """(size per segment, RFM figures per segment) of ``version``."""
    rows = db.session.execute(
        text("SELECT segment_id, customers, rfm FROM segment_summaries WHERE model_version_id = :v"),
        {"v": version},
    ).all()
    return {r.segment_id: int(r.customers) for r in rows}, {r.segment_id: r.rfm for r in rows if r.rfm}
