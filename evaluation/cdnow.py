"""The real CDNOW transaction log (69,659 purchases of 23,570 customers, 1997-98) as
recency / frequency / monetary features. It ships inside the ``lifetimes`` wheel on PyPI;
the wheel is downloaded once into ``evaluation/.cache`` (not a dependency)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np

from segmentation.ml.kinds import FeatureData, FeatureSpec

CACHE = Path(__file__).parent / ".cache"
MEMBER = "lifetimes/datasets/CDNOW_master.txt"
RFM_SPECS = [
    FeatureSpec("RecencyDays", "count", label="days since last purchase", unit="days"),
    FeatureSpec("Frequency", "count", label="number of purchases"),
    FeatureSpec("Monetary", "money", label="total spend", unit="USD"),
]


def wheel() -> Path:
    found = sorted(CACHE.glob("[Ll]ifetimes-0.11.3-*.whl"))
    if not found:
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "lifetimes==0.11.3",
                "--no-deps",
                "-q",
                "-d",
                str(CACHE),
            ],
            check=True,
        )
        found = sorted(CACHE.glob("[Ll]ifetimes-0.11.3-*.whl"))
    return found[0]


def transactions() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Customer id, purchase date and dollar value of every transaction."""
    with zipfile.ZipFile(wheel()) as zf:
        lines = zf.read(MEMBER).decode().split("\n")
    rows = [line.split() for line in lines[1:] if line.strip()]
    ids = np.array([int(r[0]) for r in rows], dtype=np.int64)
    dates = np.array([f"{r[1][:4]}-{r[1][4:6]}-{r[1][6:]}" for r in rows], dtype="datetime64[D]")
    value = np.array([float(r[3]) for r in rows])
    return ids, dates, value


def rfm() -> tuple[FeatureData, str]:
    """RFM per customer; the window ends at the last transaction in the log."""
    ids, dates, value = transactions()
    end = dates.max()
    customers, inverse = np.unique(ids, return_inverse=True)
    last = np.full(len(customers), np.datetime64("1900-01-01"), dtype="datetime64[D]")
    np.maximum.at(last, inverse, dates)
    recency = (end - last).astype(np.int64).astype(float)
    frequency = np.bincount(inverse).astype(float)
    monetary = np.bincount(inverse, weights=value)
    data = FeatureData.numeric(np.column_stack([recency, frequency, monetary]), RFM_SPECS, ids=customers)
    return data, f"{len(ids):,} transactions of {len(customers):,} customers, window ending {end}"
