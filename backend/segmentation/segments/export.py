"""Streaming a model version's assignments as CSV (API download and CLI export).

Cells a spreadsheet would run as a formula are neutralised (``csvsafe``): segment names
are edited by staff and customer ids come from the bank's files.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from ..core.extensions import db
from ..web import csvsafe

API_COLUMNS = ("customer_id", "segment_id", "segment_name", "model_version", "assigned_at")
CLI_COLUMNS = ("customer_id", "segment_id", "segment_name")


def assignment_chunks(
    version: int, columns: tuple[str, ...] = API_COLUMNS, batch: int = 5000
) -> Iterator[str]:
    """CSV text in chunks: a header, then every assigned customer (by the bank's id)."""
    raw = db.engine.raw_connection()
    try:
        # a server-side cursor: rows arrive in batches, memory stays flat
        with raw.cursor(name="assignments_export") as cur:
            cur.itersize = 20_000
            cur.execute(
                "SELECT c.external_id, a.segment_id, s.name, a.assigned_at FROM segment_assignments a "
                "JOIN customers c ON c.customer_id = a.customer_id "
                "JOIN segments s ON s.id = a.segment_id WHERE a.model_version_id = %s "
                "ORDER BY a.customer_id",
                (version,),
            )
            buf = io.StringIO()
            writer = csvsafe.Writer(buf)
            writer.writerow(columns)
            full = len(columns) > 3
            for i, (cid, sid, name, at) in enumerate(cur, 1):
                row = [cid, sid, name]
                if full:
                    row += [version, at.isoformat()]
                writer.writerow(row)
                if i % batch == 0:
                    yield buf.getvalue()
                    buf.seek(0)
                    buf.truncate()
            yield buf.getvalue()
    finally:
        raw.close()
