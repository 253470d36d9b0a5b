"""Streaming a model version's assignments as CSV (API download and CLI export).

PostgreSQL writes the CSV itself (``COPY ... TO STDOUT``) and the rows pass through in
chunks of about 256 kB: no Python per cell, memory stays flat at any size. Cells a
spreadsheet would run as a formula are neutralised in the query exactly as ``csvsafe``
does it (a leading apostrophe): segment names are edited by staff and customer ids come
from the bank's files. Lines end with ``\\n``.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
from psycopg import sql

from ..core.extensions import db
from ..web.csvsafe import FORMULA_START
from . import partitions

API_COLUMNS = ("customer_id", "segment_id", "segment_name", "model_version", "assigned_at")
CLI_COLUMNS = ("customer_id", "segment_id", "segment_name")
CHUNK_BYTES = 256 * 1024

# Python's isoformat(): microseconds only when not zero, the offset as +HH:MM
ISO_TIME = "replace(to_char(a.assigned_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.USTZH:TZM'), '.000000', '')"


def _safe(expression: str) -> str:
    """``csvsafe.cell`` in SQL."""
    starts = ", ".join("E'" + c.encode("unicode_escape").decode() + "'" for c in FORMULA_START)
    return f"CASE WHEN left({expression}, 1) IN ({starts}) THEN '''' || {expression} ELSE {expression} END"


CELLS = {
    "customer_id": _safe("c.external_id"),
    "segment_id": "a.segment_id",
    "segment_name": _safe("s.name"),
    "model_version": "a.model_version_id",
    "assigned_at": ISO_TIME,
}


def copy_sql(version: int, columns: tuple[str, ...]) -> sql.Composed:
    """The export query (the version's partition alone is read: the bound prunes the rest)."""
    return sql.SQL(
        "COPY (SELECT {cells} FROM {table} a JOIN customers c ON c.customer_id = a.customer_id "
        "JOIN segments s ON s.id = a.segment_id WHERE a.model_version_id = {v} ORDER BY a.customer_id) "
        "TO STDOUT (FORMAT csv)"
    ).format(
        cells=sql.SQL(", ").join(sql.SQL(CELLS[c]) for c in columns),
        table=sql.Identifier(partitions.PARENT),
        v=sql.Literal(int(version)),
    )


def _conninfo() -> str:
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def assignment_chunks(version: int, columns: tuple[str, ...] = API_COLUMNS) -> Iterator[str]:
    """CSV text in chunks: a header, then every assigned customer (by the bank's id)."""
    with psycopg.connect(_conninfo()) as conn:
        conn.read_only = True
        with conn.cursor() as cur:
            yield ",".join(columns) + "\n"
            parts: list = []
            size = 0
            with cur.copy(copy_sql(version, columns)) as copy:
                for row in copy:
                    parts.append(row)
                    size += len(row)
                    if size >= CHUNK_BYTES:
                        yield b"".join(parts).decode()
                        parts, size = [], 0
            yield b"".join(parts).decode()
