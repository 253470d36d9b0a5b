"""Rejected lines: found in bulk from the checked columns, written to a file only its owner
can read, and served for download with formula-looking cells neutralised."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .columns import Column
from .reading import Source

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def find(source: Source, columns: list[Column]) -> tuple[list[tuple[int, str, str]], np.ndarray]:
    """Every bad cell as (line, column, reason), and which rows are rejected."""
    n = source.n_rows
    bad = np.zeros(n, dtype=bool)
    found: list[tuple[np.ndarray, str, object]] = []
    for c in columns:
        if c.target == "id":
            continue
        rows = np.flatnonzero(c.invalid)
        if len(rows):
            found.append((rows, c.name, c.reason))
            bad[rows] = True
    id_col = next(c for c in columns if c.target == "id")
    rows = np.flatnonzero(id_col.invalid)
    if len(rows):
        found.append((rows, id_col.name, id_col.reasons[rows]))
        bad[rows] = True
    ids = pd.Series(id_col.values.to_numpy(zero_copy_only=False), dtype=object)
    dup = (ids.duplicated(keep="first") & ~pd.Series(id_col.invalid)).to_numpy()
    if dup.any():
        first_lines = pd.Series(
            source.lines[~dup & ~id_col.invalid], index=ids[~dup & ~id_col.invalid].to_numpy()
        )
        rows = np.flatnonzero(dup)
        firsts = first_lines.loc[ids[rows].to_numpy()].to_numpy()
        found.append((rows, id_col.name, np.array([f"id also on line {f}" for f in firsts], dtype=object)))
        bad[rows] = True
    out = [
        (int(line), "", f"wrong number of fields: {len(fields)} instead of {len(source.names)}")
        for line, fields in source.malformed
    ]
    for rows, name, reason in found:
        reasons = reason if isinstance(reason, np.ndarray) else np.full(len(rows), reason, dtype=object)
        out += [(int(line), name, str(r)) for line, r in zip(source.lines[rows], reasons, strict=True)]
    out.sort(key=lambda r: r[0])
    return out, bad


def path_of(directory: Path, import_id: int) -> Path:
    """Where import ``import_id``'s rejected lines are written."""
    return directory / f"import-{import_id}-rejects.csv"


def write(directory: Path, import_id: int, source: Source, columns: list[Column], rejects) -> Path:
    """line,column,reason and then the row as it was in the file; readable by its owner only."""
    path = path_of(directory, import_id)
    row_of = {int(line): i for i, line in enumerate(source.lines)}
    wanted = sorted({row_of[line] for line, _, _ in rejects if line in row_of})
    cells = (
        dict(
            zip(
                wanted,
                zip(*[arr.take(wanted).to_pylist() for arr in source.columns], strict=True),
                strict=True,
            )
        )
        if wanted
        else {}
    )
    malformed = dict(source.malformed)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["line", "column", "reason", *source.names])
        for line, column, reason in rejects:
            row = cells.get(row_of[line]) if line in row_of else malformed.get(line, ())
            writer.writerow([line, column, reason, *row])
    os.chmod(path, 0o600)
    return path


def neutralised(fh):
    """The rejects file (open, closed at the end) for download: a cell that a spreadsheet
    would run as a formula (= + - @ tab CR at the start) gets a leading apostrophe."""
    with fh:
        for row in csv.reader(fh):
            buf = io.StringIO()
            csv.writer(buf).writerow(["'" + c if c.startswith(FORMULA_START) else c for c in row])
            yield buf.getvalue()
