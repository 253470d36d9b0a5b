"""One profile's label in plain Python: exactly the vectorised path's label, or no answer.

A single profile is the most frequent request, and for one row NumPy's per-call cost is most
of the work. Through gunicorn under load (wrk, 16 connections, 2 workers x 4 threads) the
vectorised preparation, matrix product and argmin took about 23 us of a worker thread's CPU
per request; answering one profile without any NumPy call took the worker's CPU per request
from about 221 us to 183 us (scratch A/B runs; ``make bench`` has the end-to-end figures).

Python floats do ``+ - * /`` as NumPy does, one IEEE operation at a time, but two things may
differ in the last bits: ``log1p`` and ``pow`` (the C library's against NumPy's vectorised
versions), and the order in which the dot products are summed (BLAS's own). So a label is
given only when the nearest centre is nearer than every other by more than a bound on those
differences (each transcendental result off by up to ``SLACK`` of its size, far above both
libraries' few units in the last place; sums by the classical bound for any order); inside
it :meth:`Scalar.label` says None and the caller takes the vectorised path. The label is then
always the one ``FastPredictor.labels`` -- and scikit-learn's ``KMeans.predict`` -- gives.
"""

from __future__ import annotations

from bisect import bisect_right
from math import copysign, isfinite, log1p
from operator import add, mul, sub, truediv

import numpy as np

from .yeojohnson import LOG_CASE

U = 2.0**-53  # unit roundoff of a double
SLACK = 1024 * U  # how far a log1p or pow result may be from the other library's, relatively
PLAIN, LOG1P, SIGNED_LOG, YEO_JOHNSON, QUANTILE = range(5)
REPLAYED = ("standard", "log1p", "robust-log", "yeo-johnson", "quantile")  # prep's methods


class Scalar:
    """``Scalar(preparation, centers, n_numeric, n_categories, gamma)``: built once per model
    from the arrays :class:`FastPredictor` holds; ``label(values, codes)`` per profile."""

    @classmethod
    def of(cls, p: dict, centers: np.ndarray, n_numeric: int, n_categories, gamma) -> Scalar | None:
        """The plain-Python labeller of a model, or None for a preparation it does not replay
        (every label then comes from the vectorised path)."""
        return cls(p, centers, n_numeric, n_categories, gamma) if p["method"] in REPLAYED else None

    def __init__(self, p: dict, centers: np.ndarray, n_numeric: int, n_categories, gamma):
        heavy = dict(zip(p["heavy"].tolist(), range(len(p["heavy"]))))
        robust = p["robust_scale"].tolist()
        lambdas = p["lambdas"].tolist() if "lambdas" in p else []
        maps = p.get("quantile_maps") or []
        method = p["method"]
        self.shapes = []
        for j in range(n_numeric):
            i = heavy.get(j)
            if i is None:
                self.shapes.append((PLAIN, None))
            elif method == "log1p":
                self.shapes.append((LOG1P, None))
            elif method == "robust-log":
                self.shapes.append((SIGNED_LOG, robust[j]))
            elif method == "yeo-johnson":
                self.shapes.append((YEO_JOHNSON, (robust[j], lambdas[i])))
            else:  # quantile: the reference values and their normal scores
                self.shapes.append((QUANTILE, (maps[i][0].tolist(), maps[i][1].tolist())))
        # robust-log on every column, the default: one expression for all of them
        self.robust = robust if all(shape == SIGNED_LOG for shape, _ in self.shapes) else None
        self.mean, self.scale, self.clip = p["mean"].tolist(), p["scale"].tolist(), p["clip"]
        numeric = centers[:, :n_numeric]
        self.centers = numeric.tolist()
        self.centers_sq = (centers**2).sum(axis=1).tolist()
        largest = np.abs(numeric).max(axis=0)  # of each coordinate over the centres
        self.largest = largest.tolist()
        # a column's possible error moves a dot product by at most error / scale x largest
        reach = largest / np.abs(p["scale"])
        self.reach = reach.tolist()
        # |f| <= |z| s + |m|: sum |f| reach <= size (below) + sum |m| reach
        self.mean_reach = float(np.abs(p["mean"]) @ reach)
        # per categorical feature and code: every centre's term (weight x centre column), as
        # the matrix product forms it; and the largest of them
        weights = np.broadcast_to(np.sqrt(np.asarray(gamma, dtype=np.float64) / 2.0), (len(n_categories),))
        self.terms, at = [], n_numeric
        for w, m in zip(weights.tolist(), n_categories):
            block = centers[:, at : at + m] * w
            self.terms.append((block.T.tolist(), np.abs(block).max(axis=0).tolist()))
            at += m
        # the classical bound on a sum of n terms in any order, n the embedded width
        n = centers.shape[1] + 2
        self.gamma_n = n * U / (1 - n * U)
        self.largest_sq = max(map(abs, self.centers_sq), default=0.0)

    def _shaped(self, values) -> tuple[list[float], float]:
        """Step 2 of the preparation (``prep._shape``) on each value, and what the other
        library's results may add to the error of a dot product beyond ``SLACK`` of each."""
        if self.robust is not None:
            return [copysign(log1p(abs(h)), h) for h in map(truediv, values, self.robust)], 0.0
        shaped, extra = [], 0.0
        for x, (shape, arg), reach in zip(values, self.shapes, self.reach):
            if shape == PLAIN:
                shaped.append(x)
            elif shape == SIGNED_LOG:
                h = x / arg
                shaped.append(copysign(log1p(abs(h)), h))
            elif shape == LOG1P:
                shaped.append(log1p(max(x, 0.0)))
            else:
                f, e = _yeo_johnson(x / arg[0], arg[1]) if shape == YEO_JOHNSON else _interp(x, *arg)
                shaped.append(f)
                extra += e * reach
        return shaped, extra

    def label(self, values, codes=None) -> int | None:
        """The index of the nearest centre for numeric ``values`` (original units) and category
        ``codes`` (-1 = missing), or None when it is too close to call in plain Python (or a
        value is missing or not finite, or a power overflows)."""
        if not isfinite(sum(values)):
            return None
        try:
            shaped, extra = self._shaped(values)
        except (OverflowError, ValueError, ZeroDivisionError):
            return None
        z = list(map(truediv, map(sub, shaped, self.mean), self.scale))  # as prep._prepared
        # >= |x.c| for every centre; taken before clipping (which only shrinks |z|), so that
        # |f| <= |z| s + |m| holds for the spread below
        size = sum(map(mul, map(abs, z), self.largest))
        # how far x.c with our prepared values may be from x.c with NumPy's (both exact): each
        # shaped value f may differ from the other library's by SLACK of it (plus ``extra``),
        # and each side rounds (f - m) / s
        spread = (SLACK + 4 * U) * (size + self.mean_reach) + extra
        if self.clip is not None:
            low, high = -self.clip, self.clip
            z = [high if v > high else low if v < low else v for v in z]  # never widens a gap
        dots = [sum(map(mul, z, c)) for c in self.centers]
        for code, (terms, largest) in zip(codes or (), self.terms):
            if code >= 0:
                dots = list(map(add, dots, terms[code]))
                size += largest[code]
        dist = [q - 2.0 * d for q, d in zip(self.centers_sq, dots)]
        # how far our distance to a centre may be from NumPy's: twice (d is doubled) the spread
        # and each side's error in summing x.c, plus each side's rounding of q - 2 d
        bound = 2 * spread + 4 * self.gamma_n * size + 2 * U * (self.largest_sq + 2 * size)
        nearest = min(dist)
        # the nearest centre must beat the second by twice that bound, and twice again to spare
        if len(dist) > 1 and not sorted(dist)[1] - nearest > 4 * bound:
            return None
        return dist.index(nearest)


def _yeo_johnson(h: float, lam: float) -> tuple[float, float]:
    """``yeojohnson.forward`` of one value (the same branches: ``LOG_CASE``), and how far the
    other library's may be from it."""
    if h >= 0:
        if abs(lam) > LOG_CASE:
            t = (h + 1.0) ** lam
            f = (t - 1.0) / lam
            return f, SLACK * (abs(t) + 1.0) / abs(lam) + SLACK * abs(f)
        f = log1p(h)
    else:
        if abs(lam - 2.0) > LOG_CASE:
            t = (1.0 - h) ** (2.0 - lam)
            f = -(t - 1.0) / (2.0 - lam)
            return f, SLACK * (abs(t) + 1.0) / abs(2.0 - lam) + SLACK * abs(f)
        f = -log1p(-h)
    return f, SLACK * abs(f)


def _interp(x: float, xp: list[float], fp: list[float]) -> tuple[float, float]:
    """``np.interp(x, xp, fp)`` of one value, and a bound on how far NumPy's may be from it."""
    if x <= xp[0]:
        return fp[0], 0.0
    if x >= xp[-1]:
        return fp[-1], 0.0
    j = bisect_right(xp, x) - 1
    if xp[j] == x:
        return fp[j], 0.0
    step = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]) * (x - xp[j])
    f = step + fp[j]
    return f, SLACK * (abs(step) + abs(fp[j]) + abs(fp[j + 1]))
