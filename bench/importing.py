"""Bulk import benchmark: a bank-like customers CSV (text ids, 15 columns, blank cells)
imported with ``flask --app segmentation import-customers``; the first import and the
idempotent re-import are timed.

Alone: python bench/importing.py FILE [ROWS]  writes the file (default 1,000,000 rows).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

BLANK_SHARE = 0.02
COLUMNS = (
    "CUST_ID BALANCE BALANCE_FREQUENCY PURCHASES ONEOFF_PURCHASES CASH_ADVANCE PURCHASES_FREQUENCY "
    "CREDIT_LIMIT PAYMENTS PRC_FULL_PAYMENT TENURE age gender SEGMENT OPENED"
).split()


def _money(rng, n, scale):
    return np.round(rng.lognormal(np.log(scale), 1.0, n), 2)


def _with_blanks(rng, values: np.ndarray) -> pa.Array:
    arr = pa.array(values)
    return pa.array(values, mask=rng.random(len(values)) < BLANK_SHARE, type=arr.type)


def generate(path: Path, rows: int = 1_000_000, seed: int = 11) -> Path:
    """Write the CSV (about 110 MB for 1M rows) in 200k-row slices."""
    rng = np.random.default_rng(seed)
    options = pacsv.WriteOptions(include_header=True, quoting_style="none")
    with pacsv.CSVWriter(path, _schema(), write_options=options) as writer:
        for start in range(0, rows, 200_000):
            n = min(200_000, rows - start)
            writer.write_table(_slice(rng, start, n))
    return path


def _schema() -> pa.Schema:
    types = (
        [pa.string()] + [pa.float64()] * 9 + [pa.int64(), pa.int64(), pa.string(), pa.string(), pa.string()]
    )
    return pa.schema(list(zip(COLUMNS, types, strict=True)))


def _slice(rng, start: int, n: int) -> pa.Table:
    ids = np.char.add("C", np.char.zfill(np.arange(start + 10001, start + 10001 + n).astype(str), 7))
    opened = np.datetime64("2005-01-01") + rng.integers(0, 7000, n).astype("timedelta64[D]")
    columns = [
        pa.array(ids),
        _with_blanks(rng, _money(rng, n, 1500)),
        _with_blanks(rng, np.round(rng.random(n), 6)),
        _with_blanks(rng, _money(rng, n, 900)),
        _with_blanks(rng, _money(rng, n, 400)),
        _with_blanks(rng, _money(rng, n, 250)),
        _with_blanks(rng, np.round(rng.random(n), 6)),
        _with_blanks(rng, np.round(rng.choice([1000, 2500, 5000, 7500, 12000], n), 2).astype(float)),
        _with_blanks(rng, _money(rng, n, 1700)),
        _with_blanks(rng, np.round(rng.random(n) ** 3, 6)),
        _with_blanks(rng, rng.integers(6, 13, n)),
        _with_blanks(rng, rng.integers(18, 90, n)),
        _with_blanks(rng, rng.choice(np.array(["F", "M", "X"]), n, p=[0.49, 0.49, 0.02])),
        _with_blanks(rng, rng.choice(np.array(["gold", "silver", "bronze", "platinum"]), n)),
        _with_blanks(rng, np.datetime_as_string(opened)),
    ]
    return pa.Table.from_arrays(columns, schema=_schema())


def measure(flask, csv_path: Path) -> dict:
    """``flask(*args) -> stdout``: time the first import and the re-import of the same file."""
    out = {}
    for label in ("first", "again"):
        t0 = time.perf_counter()
        stdout = flask("import-customers", str(csv_path), "--id-column", "CUST_ID")
        out[f"{label}_s"] = round(time.perf_counter() - t0, 2)
        out[f"{label}_summary"] = stdout.strip().splitlines()[-1]
    out["rows"] = int(
        re.search(r"customers ([\d,]+) imported", out["first_summary"]).group(1).replace(",", "")
    )
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1])
    t0 = time.perf_counter()
    generate(target, int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
    print(f"wrote {target} ({target.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f}s")
