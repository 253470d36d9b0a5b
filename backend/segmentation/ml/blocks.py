"""Whole-array results computed a block of rows at a time, equal bit for bit to NumPy's on the
whole array: memory holds a block (a few MB), not another copy of the data (10M rows x 8
features are 640 MB), and no figure a model records changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

# rows per block: a multiple of NumPy's buffer size (8,192 values) for any number of columns
ROWS = 65_536


def mean_std(n: int, d: int, block: Callable[[int], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``Z.mean(axis=0)`` and ``Z.std(axis=0)`` of the (n, d) array whose rows from ``start``
    are ``block(start)`` (:data:`ROWS` of them; computed twice). NumPy sums a C-ordered array
    over axis 0 row after row, so carrying the running sum into the next block as its first
    row adds in the same order."""

    def column_sums(rows: Callable[[int], np.ndarray]) -> np.ndarray:
        total = np.zeros(d)
        for start in range(0, n, ROWS):
            part = rows(start)
            total = part.sum(axis=0) if start == 0 else np.add.reduce(np.vstack([total[None], part]), axis=0)
        return total

    mean = column_sums(block) / n

    def squared(start: int) -> np.ndarray:
        dev = block(start) - mean
        return np.multiply(dev, dev, out=dev)

    return mean, np.sqrt(column_sums(squared) / n)


def total(blocks: Iterable[np.ndarray]) -> float:
    """``whole.sum()`` of the C-ordered array made of ``blocks`` (consecutive runs of rows,
    each a whole number of NumPy buffers long but the last): NumPy sums a contiguous array in
    runs of ``np.getbufsize()`` values, pairwise within a run, run after run into one total."""
    run = np.getbufsize()
    out = 0.0
    for part in blocks:
        flat = np.ascontiguousarray(part).ravel()
        for at in range(0, len(flat), run):
            out += np.sum(flat[at : at + run])
    return float(out)


def rowwise(f: Callable[[np.ndarray], np.ndarray], X: np.ndarray) -> np.ndarray:
    """``f(X)`` for an ``f`` that treats each row alone, :data:`ROWS` rows at a time on large
    inputs (the same values; ``f``'s temporaries stay the size of a block)."""
    if len(X) <= ROWS:
        return f(X)
    first = f(X[:ROWS])
    out = np.empty((len(X), *first.shape[1:]), dtype=first.dtype)
    out[:ROWS] = first
    for start in range(ROWS, len(X), ROWS):
        out[start : start + ROWS] = f(X[start : start + ROWS])
    return out
