"""Moving many rows between PostgreSQL and NumPy with binary COPY.

Rows with fixed-size fields (integers, float8, booleans, no NULLs) have a fixed length
in PostgreSQL's binary COPY format, so a whole table maps onto one NumPy structured
array: no per-row Python, no ORM objects, no text parsing.
"""

from __future__ import annotations

import io
import queue
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = SIGNATURE + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
TRAILER = b"\xff\xff"

PG_TYPES = {
    np.dtype(np.int16): ">i2",
    np.dtype(np.int32): ">i4",
    np.dtype(np.int64): ">i8",
    np.dtype(np.float64): ">f8",
    np.dtype(np.bool_): "?",
}


def _record_dtype(dtypes: Sequence[np.dtype]) -> np.dtype:
    fields = [("nfields", ">i2")]
    for i, dt in enumerate(dtypes):
        fields += [(f"len{i}", ">i4"), (f"f{i}", PG_TYPES[np.dtype(dt)])]
    return np.dtype(fields)


def encode(columns: Sequence[np.ndarray]) -> bytes:
    """Binary COPY payload for equally long, NULL-free columns."""
    n = len(columns[0])
    dtype = _record_dtype([c.dtype for c in columns])
    rec = np.empty(n, dtype=dtype)
    rec["nfields"] = len(columns)
    for i, col in enumerate(columns):
        rec[f"len{i}"] = np.dtype(PG_TYPES[col.dtype]).itemsize
        rec[f"f{i}"] = col
    return HEADER + rec.tobytes() + TRAILER


def decode(data: bytes | memoryview, dtypes: Sequence[np.dtype]) -> list[np.ndarray]:
    """Columns of a binary COPY result whose fields are NULL-free and of ``dtypes`` (the
    columns are copies: ``data`` may be released afterwards)."""
    if bytes(data[: len(SIGNATURE)]) != SIGNATURE:
        raise ValueError("not a binary COPY stream")
    ext_len = int.from_bytes(data[15:19], "big")
    body = data[19 + ext_len : -2]
    dtype = _record_dtype(dtypes)
    if len(body) % dtype.itemsize:
        raise ValueError("binary COPY rows are not fixed-size (a NULL or a type mismatch)")
    rec = np.frombuffer(body, dtype=dtype)
    return [rec[f"f{i}"].astype(np.dtype(dt).newbyteorder("=")) for i, dt in enumerate(dtypes)]


def copy_out(cursor, query: str, dtypes: Sequence[np.dtype]) -> list[np.ndarray]:
    buf = io.BytesIO()
    cursor.copy_expert(f"COPY ({query}) TO STDOUT (FORMAT binary)", buf)
    view = buf.getbuffer()  # no copy of the stream (getvalue() would double it)
    try:
        return decode(view, dtypes)
    finally:
        view.release()


def copy_out_by_key(
    cursor,
    query: Callable[[int, int], str],
    dtypes: Sequence[np.dtype],
    bounds: tuple[int, int, int],
    step: int = 250_000,
    more: Sequence = (),
) -> tuple[np.ndarray, np.ndarray]:
    """``query(lo, hi)`` (the rows whose key is in [lo, hi), in key order, the key first) read
    one key range at a time; ``bounds`` = (lowest key, highest key, row
    count estimate). Returns (keys, 2-D array of the other columns): memory holds the result
    plus a few ranges, never the whole COPY stream. Cursors in ``more`` (other connections)
    read ranges at the same time as ``cursor`` (the server converts values on one core per
    connection; the ranges are put together in key order)."""
    lo, hi, estimate = bounds
    width = len(dtypes) - 1
    keys = np.empty(max(estimate, 0), dtype=dtypes[0])
    values = np.empty((max(estimate, 0), width), dtype=dtypes[1])
    filled = 0
    for columns in _ranges(cursor, more, [query(a, a + step) for a in range(lo, hi + 1, step)], dtypes):
        m = len(columns[0])
        if filled + m > len(keys):  # rows were added since the estimate
            grow = max(filled + m, len(keys) * 5 // 4)
            keys = np.resize(keys, grow)
            values = np.resize(values, (grow, width))
        keys[filled : filled + m] = columns[0]
        for j, column in enumerate(columns[1:]):
            values[filled : filled + m, j] = column
        filled += m
    return keys[:filled], values[:filled]


def _ranges(cursor, more: Sequence, queries: list[str], dtypes) -> Iterator[list[np.ndarray]]:
    """The result of each query, in order; with ``more`` cursors, read by one thread per
    cursor, at most two ranges ahead per cursor."""
    if not more:
        for q in queries:
            yield copy_out(cursor, q, dtypes)
        return
    idle: queue.SimpleQueue = queue.SimpleQueue()
    for cur in (cursor, *more):
        idle.put(cur)

    def read(q: str) -> list[np.ndarray]:
        cur = idle.get()
        try:
            return copy_out(cur, q, dtypes)
        finally:
            idle.put(cur)

    workers = 1 + len(more)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        for q in queries:
            pending.append(pool.submit(read, q))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def copy_in(
    cursor, table: str, column_names: Sequence[str], columns: Sequence[np.ndarray], options: str = ""
) -> int:
    """``options``: more COPY options, e.g. ``FREEZE`` for a table created in this transaction."""
    payload = encode(columns)
    extra = f", {options}" if options else ""
    cursor.copy_expert(
        f"COPY {table} ({', '.join(column_names)}) FROM STDIN (FORMAT binary{extra})", io.BytesIO(payload)
    )
    return len(columns[0])
