"""Reading a customers file into string columns with the line number of every row.

CSV (comma, UTF-8 with or without a BOM) or Parquet, chosen by the file's extension.
Every cell comes out as a string ("" for a blank or a Parquet null): validation and type
inference happen afterwards, column by column, in ``columns.py``. Rows whose number of
fields differs from the header's are set aside with their line number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MAX_COLUMN_NAME = 128
CHUNK_ROWS = 100_000
SUFFIXES = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet"}


class FileError(Exception):
    """The file as a whole cannot be imported (encoding, header, format); nothing is written."""


@dataclass
class Source:
    """The file's columns as string arrays; ``lines[i]`` is row i's line number (Parquet: row number)."""

    names: list[str]
    columns: list[pa.Array]
    lines: np.ndarray
    # rows with the wrong number of fields: (line, fields as read)
    malformed: list[tuple[int, list[str]]] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return len(self.lines)


def kind_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise FileError(f"{Path(path).name}: unknown file type {suffix!r}; use .csv or .parquet")
    return SUFFIXES[suffix]


def read(path: str | Path) -> Source:
    source = _read_parquet(path) if kind_of(path) == "parquet" else _read_csv(Path(path).read_bytes())
    check_header(source.names)
    return source


def check_header(names: list[str]) -> None:
    seen: dict[str, str] = {}
    for i, name in enumerate(names, start=1):
        if not name:
            raise FileError(f"line 1: column {i} has no name")
        if len(name) > MAX_COLUMN_NAME:
            raise FileError(f"line 1: column {i} has a name longer than {MAX_COLUMN_NAME} characters")
        if name.lower() in seen:
            raise FileError(f"line 1: column {name!r} appears twice (names are case-insensitive)")
        seen[name.lower()] = name


def decode_utf8(data: bytes) -> str:
    """The text of ``data`` without a BOM; any other encoding is an error naming the line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileError(
            f"line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from None


def _read_csv(data: bytes) -> Source:
    text = decode_utf8(data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    fast = _read_csv_arrow(data)
    if fast is not None:
        return fast
    del data
    return _read_csv_python(text)


def _records(data: bytes) -> tuple[np.ndarray, ...] | None:
    """(first line, number of fields) of every non-empty record, header included, found
    with vectorised byte scans: a newline or comma ends a record or field only outside
    quotes (an even number of quote characters before it, which holds for RFC 4180 CSV)."""
    a = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(a == 34)
    newlines = np.flatnonzero(a == 10)
    if not len(a):
        return None
    if len(quotes):
        newlines = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
    ends = newlines if len(newlines) and newlines[-1] == len(a) - 1 else np.append(newlines, len(a))
    starts = np.concatenate(([0], ends[:-1] + 1))
    length = ends - starts
    cr = np.zeros(len(ends), dtype=bool)
    inside = ends < len(a)
    cr[inside] = (length[inside] > 0) & (a[np.maximum(ends[inside] - 1, 0)] == 13)
    empty = (length - cr) == 0
    commas = np.flatnonzero(a == 44)
    if len(quotes):
        commas = commas[np.searchsorted(quotes, commas) % 2 == 0]
    fields = np.bincount(np.searchsorted(ends, commas), minlength=len(ends)) + 1
    # physical line of each record start: newlines (quoted ones too) before it, plus one
    all_newlines = np.flatnonzero(a == 10)
    first_line = np.searchsorted(all_newlines, starts) + 1
    keep = ~empty
    return first_line[keep], fields[keep], starts[keep], ends[keep]


def _read_csv_arrow(data: bytes) -> Source | None:
    """Arrow's multithreaded CSV reader, with line numbers from ``_records``; None when the
    two disagree about the rows (unusual quoting), and the exact Python reader takes over."""
    import pyarrow.csv as pacsv

    records = _records(data)
    if records is None or len(records[0]) < 1:
        return None
    lines, fields, starts, ends = records
    width = int(fields[0])
    skipped = [0]

    def invalid(row) -> str:
        skipped[0] += 1
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException:
        return None
    good = fields[1:] == width
    if (
        table.num_columns != width
        or table.num_rows != int(good.sum()) + 1
        or skipped[0] != int((~good).sum())
    ):
        return None
    header = [table.column(i)[0].as_py().strip() for i in range(width)]
    columns = [table.column(i).slice(1).combine_chunks() for i in range(width)]
    bad = np.flatnonzero(~good) + 1
    malformed = [
        (int(lines[i]), next(csv.reader([data[starts[i] : ends[i]].decode().rstrip("\r")]), [])) for i in bad
    ]
    return Source(header, columns, lines[1:][good].astype(np.int64), malformed)


def _read_csv_python(text: str) -> Source:
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise FileError("the file is empty") from None
    except csv.Error as exc:
        raise FileError(f"line 1: {exc}") from None
    names = [h.strip() for h in header]
    width = len(names)
    chunks: list[list[pa.Array]] = []
    lines: list[int] = []
    malformed: list[tuple[int, list[str]]] = []
    rows: list[list[str]] = []
    previous_end = reader.line_num
    try:
        for row in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if len(row) == width:
                rows.append(row)
                lines.append(line)
                if len(rows) >= CHUNK_ROWS:
                    chunks.append(_to_arrays(rows, width))
                    rows = []
            elif row and any(cell.strip() for cell in row):
                malformed.append((line, row))
    except csv.Error as exc:
        raise FileError(f"line {reader.line_num}: {exc}") from None
    if rows or not chunks:
        chunks.append(_to_arrays(rows, width))
    columns = [pa.concat_arrays([c[j] for c in chunks]) for j in range(width)]
    return Source(names, columns, np.asarray(lines, dtype=np.int64), malformed)


def _to_arrays(rows: list[list[str]], width: int) -> list[pa.Array]:
    if not rows:
        return [pa.array([], pa.string()) for _ in range(width)]
    return [pa.array(col, pa.string()) for col in zip(*rows, strict=True)]


def _read_parquet(path: str | Path) -> Source:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise FileError(f"{Path(path).name}: not a readable Parquet file ({type(exc).__name__})") from None
    columns = []
    for name, col in zip(table.column_names, table.columns, strict=True):
        col = col.combine_chunks()
        if pa.types.is_floating(col.type):
            col = pc.if_else(pc.is_nan(col), pa.scalar(None, col.type), col)
        try:
            text = pc.cast(col, pa.string())
        except pa.ArrowException:
            raise FileError(f"column {name!r}: unsupported Parquet type {col.type}") from None
        columns.append(pc.fill_null(text, ""))
    # Parquet has no lines: a row's number (1 = first data row) stands in for it
    lines = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return Source([n.strip() for n in table.column_names], columns, lines)
