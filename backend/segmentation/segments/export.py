"""Streaming a model version's assignments as CSV (API download and CLI export).

PostgreSQL writes the CSV itself (``COPY ... TO STDOUT``): a thread runs the COPY into a
pipe and the caller reads the pipe in chunks of about 256 kB, so there is no Python per
cell and memory stays flat at any size (a reader that stops closes the pipe, which ends the
COPY). Cells a spreadsheet would run as a formula are neutralised in the query exactly as
``csvsafe`` does it (a leading apostrophe): segment names are edited by staff and customer
ids come from the bank's files. Lines end with ``\\n``; times are ISO 8601 in UTC.

Segment names are written into the query as literals (a ``CASE`` on the segment id, each name
made safe by ``csvsafe.cell`` itself), read in the same snapshot as the COPY: a join with
``segments`` made the planner hash-join and then sort the formatted rows on disk (1.8 µs per row
at 10M), where without it the rows come in customer order from the two primary keys (a merge
join, nothing sorted). The chunks are the COPY's bytes as they are (UTF-8, the connection's
encoding): nothing is decoded and encoded again on the way.

Writing a time as text (``to_char``) was about 40 % of the COPY. Almost every row of a version
carries one time, the re-segmenting's (rows written since by customer edits have their own), so
the most common time of the first thousand rows read is written once as text and every row that has it
takes that text; the others are formatted as before. The output is the same either way.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import psycopg2
from psycopg2 import sql

from ..core.extensions import db
from ..web import csvsafe
from . import partitions
from .service import segment_names

API_COLUMNS = ("customer_id", "segment_id", "segment_name", "model_version", "assigned_at")
CLI_COLUMNS = ("customer_id", "segment_id", "segment_name")
CHUNK_BYTES = 256 * 1024

# Python's isoformat() of the time in UTC (the session's TimeZone is UTC): six digits of
# fractional seconds, none when they are all zero, as Python writes them (PostgreSQL's own text
# output drops trailing zeros: .75421 where Python writes .754210)
ISO_TIME = "replace(to_char(a.assigned_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') || '+00:00'"
# the first character's code point: cheaper than comparing text
FORMULA_CODES = ", ".join(str(ord(c)) for c in csvsafe.FORMULA_START)
APOSTROPHE = "''''"


def _safe(expression: str) -> str:
    """``csvsafe.cell`` in SQL."""
    return (
        f"CASE WHEN ascii({expression}) IN ({FORMULA_CODES}) "
        f"THEN {APOSTROPHE} || {expression} ELSE {expression} END"
    )


# rows read to find a version's usual assignment time (the re-segmenting's)
TIME_PROBE_ROWS = 1_000

CELLS = {
    "customer_id": _safe("c.external_id"),
    "segment_id": "a.segment_id",
    "model_version": "a.model_version_id",
    "assigned_at": ISO_TIME,
}


def usual_time(cur, version: int) -> tuple[str, str] | None:
    """The most common assignment time among a few of the version's rows, as PostgreSQL writes a
    timestamptz (read back exactly in the same session) and as the export writes it; ``None``
    when the version has no rows. The session's TimeZone is UTC."""
    cur.execute(
        sql.SQL(
            "SELECT a.assigned_at::text, {text} FROM (SELECT assigned_at FROM {table} "
            "WHERE model_version_id = %s LIMIT %s) a GROUP BY a.assigned_at "
            "ORDER BY count(*) DESC, a.assigned_at LIMIT 1"
        ).format(text=sql.SQL(ISO_TIME), table=sql.Identifier(partitions.PARENT)),
        (int(version), TIME_PROBE_ROWS),
    )
    row = cur.fetchone()
    return None if row is None else (row[0], row[1])


def _names_case(names: dict[int, str]) -> sql.Composable:
    """The segment's name for ``a.segment_id``, made safe here, as literals."""
    if not names:
        return sql.SQL("NULL::text")
    whens = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN {}").format(sql.Literal(int(i)), sql.Literal(csvsafe.cell(n)))
        for i, n in sorted(names.items())
    )
    return sql.SQL("CASE a.segment_id {} END").format(whens)


def copy_sql(
    version: int,
    columns: tuple[str, ...],
    usual: tuple[str, str] | None = None,
    names: dict[int, str] | None = None,
) -> sql.Composed:
    """The export query (the version's partition alone is read: the bound prunes the rest).
    ``usual``: a time and its text (:func:`usual_time`), written as it is for the rows that have it;
    ``names``: :func:`segment_names` (needed when ``segment_name`` is a column; a row whose id
    had no name would get an empty cell, where the join with ``segments`` dropped the row)."""
    if "segment_name" in columns and names is None:
        raise ValueError("segment_name needs the version's segment names")
    cells = []
    for c in columns:
        if c == "segment_name":
            cells.append(_names_case(names))
            continue
        cell = sql.SQL(CELLS[c])
        if c == "assigned_at" and usual is not None:
            cell = sql.SQL("CASE WHEN a.assigned_at = {at}::timestamptz THEN {text} ELSE {cell} END").format(
                at=sql.Literal(usual[0]), text=sql.Literal(usual[1]), cell=cell
            )
        cells.append(cell)
    return sql.SQL(
        "COPY (SELECT {cells} FROM {table} a JOIN customers c ON c.customer_id = a.customer_id "
        "WHERE a.model_version_id = {v} ORDER BY a.customer_id) "
        "TO STDOUT (FORMAT csv)"
    ).format(
        cells=sql.SQL(", ").join(cells),
        table=sql.Identifier(partitions.PARENT),
        v=sql.Literal(int(version)),
    )


def assignment_chunks(version: int, columns: tuple[str, ...] = API_COLUMNS) -> Iterator[bytes]:
    """CSV in chunks of UTF-8 bytes: a header, then every assigned customer (by the bank's id)."""
    yield (",".join(columns) + "\n").encode()
    # a connection of its own: one left in the middle of a COPY is closed, not pooled
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    # UTF-8 both ways whatever the database's encoding: the names sent, the bytes streamed
    conn = psycopg2.connect(url, client_encoding="UTF8")
    # one snapshot for the names, the usual time and the rows
    conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
    read_end, write_end = os.pipe()
    failure: list[BaseException] = []

    def produce() -> None:
        try:
            with os.fdopen(write_end, "wb", buffering=CHUNK_BYTES) as sink, conn.cursor() as cur:
                cur.execute("SET TimeZone = 'UTC'")
                usual = usual_time(cur, version) if "assigned_at" in columns else None
                names = segment_names(cur, version) if "segment_name" in columns else None
                cur.copy_expert(copy_sql(version, columns, usual, names).as_string(conn), sink)
        except BaseException as exc:  # noqa: BLE001 (re-raised in the reading thread)
            failure.append(exc)

    writer = threading.Thread(target=produce, name="assignments-export", daemon=True)
    writer.start()
    try:
        while data := _read(read_end):
            yield data
    finally:
        os.close(read_end)  # a writer still blocked on a full pipe stops (broken pipe)
        writer.join()
        conn.close()
    if failure and not isinstance(failure[0], BrokenPipeError):
        raise failure[0]


def _read(fd: int) -> bytes:
    """Up to CHUNK_BYTES from the pipe; b"" at its end."""
    parts, size = [], 0
    while size < CHUNK_BYTES:
        data = os.read(fd, CHUNK_BYTES - size)
        if not data:
            break
        parts.append(data)
        size += len(data)
    return b"".join(parts)
