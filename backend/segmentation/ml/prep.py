"""Preparation of features per kind, recorded as plain NumPy parameters.

Training fits a *preparation* (a dict of numbers and lists, no scikit-learn objects) and
both the trainer and the web workers apply it with :func:`transform`, the same function,
so prepared values are bit-for-bit identical in both places.

Numeric columns go through three steps:

1. missing values take the recorded training median;
2. heavy-tailed kinds (``money``, ``count``) are divided by a *robust scale* measured on their
   non-zero absolute values (a quarter of the median; for columns with many zeros the 10th
   percentile, so zero sits one doubling below the low amounts; for *signed* columns, where
   zero is an ordinary value inside the range, the median) and then transformed
   (``robust-log``: a signed ``log1p``; or Yeo-Johnson, or normal scores of the empirical
   quantiles). A scale measured in the data's own units makes the result independent of
   units: the same customers in cents, euros or thousands give the same prepared values;
3. every column except ``binary`` flags is standardised (mean 0, standard deviation 1),
   then optionally clipped at ``clip`` standard deviations (winsorising).

``binary`` flags stay 0/1: a mismatch costs 1, half the average squared distance between
two customers on a standardised column, so a handful of yes/no flags cannot dominate.

Categorical columns are one-hot encoded with weight ``sqrt(gamma / 2)`` (a mismatch costs
``gamma``, the k-prototypes cost), so one argmin serves numeric and mixed models. A missing
category is all zeros, equally far from every mode.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from . import blocks, yeojohnson
from .kinds import FeatureSpec

HEAVY_KINDS = ("money", "count")
METHODS = ("robust-log", "yeo-johnson", "quantile", "log1p", "standard")
DEFAULT_METHOD = "robust-log"
N_QUANTILES = 1001

SIGNED_SHARE = 0.01  # a heavy column with at least this share of values below zero is *signed*
ZERO_SHARE = 0.05  # one with at least this share of zeros is *zero-inflated*


def robust_scale(col: np.ndarray, q: float = 0.5) -> float:
    """The ``q`` quantile (default: the median) of the column's non-zero absolute values."""
    nz = np.abs(col[np.isfinite(col) & (col != 0)])
    if not len(nz):
        return 1.0
    scale = float(np.median(nz)) if q == 0.5 else float(np.quantile(nz, q))
    return scale if scale > 0 else 1.0


def signed(col: np.ndarray) -> bool:
    """Whether a column takes negative values often (net flows, balances): zero is then an
    ordinary point inside its range, and a small scale would open a gap there (the signed log
    of values across zero splits one group into a negative and a positive one)."""
    return bool(np.mean(col < 0) >= SIGNED_SHARE) if len(col) else False


def fit(
    X: np.ndarray,
    specs: list[FeatureSpec],
    method: str = DEFAULT_METHOD,
    clip: float | None = None,
    sample: np.ndarray | None = None,
    log_scale: float = 1.0,
    weights: np.ndarray | None = None,
    signed_log_scale: float | None = None,
    scale_quantile: float | None = None,
) -> dict:
    """Fit the preparation of numeric columns ``X`` (NaN = missing) declared by ``specs``.

    ``sample`` (row indices) limits the rows used for the quantile and Yeo-Johnson fits;
    the robust scale (the value that maps to ``log1p(1)``) is ``log_scale`` times the median
    of the non-zero absolute values; a zero-inflated column's is their ``scale_quantile``
    quantile when given, a :func:`signed` one's ``signed_log_scale`` times their median;
    ``weights`` (one per column, > 0; see :func:`relevance`) multiply the prepared columns
    (folded into their ``scale``, so :func:`transform` and the predictor are unchanged)."""
    if method not in METHODS:
        raise ValueError(f"unknown preparation {method!r}; choose one of {METHODS}")
    d = X.shape[1]
    impute = np.zeros(d)
    for j in range(d):
        col = X[:, j]
        col = col[~np.isnan(col)]
        impute[j] = float(np.median(col)) if len(col) else 0.0
    heavy = [j for j, s in enumerate(specs) if s.kind in HEAVY_KINDS] if method != "standard" else []
    binary = [j for j, s in enumerate(specs) if s.kind == "binary"]
    robust, sign = np.ones(d), []
    for j in heavy:  # one column's copy at a time
        col = _filled(X[:, j], impute[j])
        if signed_log_scale is not None and signed(col):
            sign.append(j)
        if scale_quantile is not None and j not in sign and np.mean(col == 0) >= ZERO_SHARE:
            robust[j] = robust_scale(col, scale_quantile)
        else:
            robust[j] = (signed_log_scale if j in sign else log_scale) * robust_scale(col)
    params: dict = {
        "method": method,
        "features": [s.name for s in specs],
        "kinds": [s.kind for s in specs],
        "impute": impute.tolist(),
        "heavy": heavy,
        "robust_scale": robust.tolist(),
        "clip": clip,
        "log_scale": log_scale,
        "signed": sign,
        "signed_log_scale": signed_log_scale,
        "scale_quantile": scale_quantile,
    }
    rows = _filled(X if sample is None else X[sample], impute)
    if method == "yeo-johnson":
        lam = []
        for j in heavy:
            z = rows[:, j] / params["robust_scale"][j]
            lam.append(float(stats.yeojohnson_normmax(z)) if np.ptp(z) > 0 else 1.0)
        params["lambdas"] = lam
    elif method == "quantile":
        grid = np.linspace(0.0, 1.0, N_QUANTILES)
        params["quantiles"] = [np.quantile(rows[:, j], grid).tolist() for j in heavy]
    del rows
    p = arrays(params)
    mean, scale = blocks.mean_std(
        len(X), d, lambda at: _shape(_filled(X[at : at + blocks.ROWS], p["impute"]), p)
    )
    scale[scale == 0] = 1.0
    mean[binary], scale[binary] = 0.0, 1.0
    w = np.ones(d) if weights is None else np.asarray(weights, dtype=np.float64)
    params["weights"] = w.tolist()
    params["mean"], params["scale"] = mean.tolist(), (scale / w).tolist()
    return params


def _filled(X: np.ndarray, impute) -> np.ndarray:
    """``X`` with NaN replaced by the imputed value(s) (a new array)."""
    return np.where(np.isnan(X), impute, X)


def arrays(params: dict) -> dict:
    """The parameters as NumPy arrays, computed once (the predictor keeps them)."""
    out = dict(params)
    for key in ("impute", "robust_scale", "mean", "scale"):
        if key in params:
            out[key] = np.asarray(params[key], dtype=np.float64)
    out["heavy"] = np.asarray(params["heavy"], dtype=np.intp)
    out["all_heavy"] = len(params["heavy"]) == len(params["features"])
    if "lambdas" in params:
        out["lambdas"] = np.asarray(params["lambdas"], dtype=np.float64)
    if "quantiles" in params:
        grid = stats.norm.ppf(np.clip(np.linspace(0.0, 1.0, N_QUANTILES), 1e-4, 1 - 1e-4))
        out["quantile_maps"] = [_quantile_map(np.asarray(q), grid) for q in params["quantiles"]]
    return out


def _quantile_map(refs: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Strictly increasing reference values with the mean normal score of their ties."""
    values, inverse = np.unique(refs, return_inverse=True)
    scores = np.bincount(inverse, weights=grid) / np.bincount(inverse)
    return values, scores


def _shape(X: np.ndarray, params: dict) -> np.ndarray:
    """Step 2 (kind-specific shape transform) on imputed data; returns a new array."""
    p = params if isinstance(params.get("heavy"), np.ndarray) else arrays(params)
    method = p["method"]
    if method == "robust-log" and p["all_heavy"]:  # the common case, and the hot path: no indexing
        Z = X / p["robust_scale"]
        return np.copysign(np.log1p(np.abs(Z)), Z, out=Z)
    Z = np.array(X, dtype=np.float64, copy=True)
    heavy = p["heavy"]
    if not len(heavy):
        return Z
    H = Z[:, heavy]
    if method == "log1p":
        H = np.log1p(np.maximum(H, 0.0))
    elif method == "robust-log":
        H /= p["robust_scale"][heavy]
        H = np.copysign(np.log1p(np.abs(H)), H)
    elif method == "yeo-johnson":
        H /= p["robust_scale"][heavy]
        H = yeojohnson.forward(H, p["lambdas"])
    elif method == "quantile":
        for i, (values, scores) in enumerate(p["quantile_maps"]):
            H[:, i] = np.interp(H[:, i], values, scores)
    Z[:, heavy] = H
    return Z


def transform(X: np.ndarray, params: dict) -> np.ndarray:
    """Prepared values of numeric rows ``X`` (original units, NaN = missing); large inputs a
    block of rows at a time (:func:`.blocks.rowwise`: every step is element-wise)."""
    p = params if isinstance(params.get("heavy"), np.ndarray) else arrays(params)
    return blocks.rowwise(lambda rows: _prepared(rows, p), np.asarray(X, dtype=np.float64))


def _prepared(X: np.ndarray, p: dict) -> np.ndarray:
    nan = np.isnan(X)
    if nan.any():
        X = np.where(nan, p["impute"], X)
    Z = _shape(X, p)
    Z -= p["mean"]
    Z /= p["scale"]
    if p["clip"] is not None:
        np.clip(Z, -p["clip"], p["clip"], out=Z)
    return Z


def inverse(Z: np.ndarray, params: dict) -> np.ndarray:
    """Original units of prepared points (centroids), for matching models across versions."""
    p = params if isinstance(params.get("heavy"), np.ndarray) else arrays(params)
    X = np.asarray(Z, dtype=np.float64) * p["scale"] + p["mean"]
    heavy = p["heavy"]
    if not len(heavy):
        return X
    H = X[:, heavy]
    method = p["method"]
    if method == "log1p":
        H = np.expm1(H)
    elif method == "robust-log":
        H = np.sign(H) * np.expm1(np.abs(H)) * p["robust_scale"][heavy]
    elif method == "yeo-johnson":
        H = yeojohnson.inverse(H, p["lambdas"]) * p["robust_scale"][heavy]
    elif method == "quantile":
        for i, (values, scores) in enumerate(p["quantile_maps"]):
            H[:, i] = np.interp(H[:, i], scores, values)
    X[:, heavy] = H
    return X


# -- categorical features -------------------------------------------------------------------

CATEGORY_WEIGHTS = ("median", "levels")


def category_gamma(cat: np.ndarray, n_categories: list[int], rule: str = "median") -> float | list[float]:
    """Weight of one category mismatch. ``median``: a categorical feature weighs on average as
    much as a standardised numeric one (whose pairs differ by 2 in squared distance on average):
    gamma = 2 / g with g = 1 - sum of squared category shares, the median over features. ``levels``:
    per feature, 2 / sqrt(g (1 - g)), i.e. sqrt(L - 1) numeric features for L = 1 / (1 - g)
    equally likely levels (a two-level category counts as one). Within [1, 8]."""
    if rule not in CATEGORY_WEIGHTS:
        raise ValueError(f"unknown category weight {rule!r}; choose one of {CATEGORY_WEIGHTS}")
    g = np.ones(len(n_categories))
    for j, m in enumerate(n_categories):
        codes = cat[:, j][cat[:, j] >= 0]
        g[j] = max(1.0 - float(((np.bincount(codes, minlength=m) / max(len(codes), 1)) ** 2).sum()), 1e-6)
    if rule == "levels":
        return np.clip(2.0 / np.sqrt(g * np.maximum(1.0 - g, 1e-6)), 1.0, 8.0).tolist()
    return float(np.clip(np.median(2.0 / g), 1.0, 8.0)) if len(g) else 0.0


def category_gammas(
    cat: np.ndarray, n_categories: list[int], weights, rule: str = "median"
) -> float | list[float]:
    """The mismatch cost of each categorical feature: :func:`category_gamma` times the square of
    the feature's relevance weight (as numeric columns, whose prepared values are multiplied by
    theirs). One number when it is one number and every weight is 1 (the k-prototypes cost)."""
    gamma = category_gamma(cat, n_categories, rule)
    w = np.asarray(weights, dtype=np.float64)
    if np.isscalar(gamma) and (not len(w) or np.all(w == 1.0)):
        return gamma
    return [round(float(gj) * float(x) ** 2, 12) for gj, x in zip(np.broadcast_to(gamma, w.shape), w)]


def one_hot(cat: np.ndarray, n_categories: list[int], weight) -> np.ndarray:
    """(n, sum(n_categories)) one-hot blocks times ``weight`` (one number, or one per feature);
    code -1 (missing) is all zeros."""
    n = len(cat)
    out = np.zeros((n, int(sum(n_categories))))
    weights = np.broadcast_to(np.asarray(weight, dtype=np.float64), (len(n_categories),))
    offset = 0
    rows = np.arange(n)
    for j, m in enumerate(n_categories):
        codes = cat[:, j]
        ok = codes >= 0
        out[rows[ok], offset + codes[ok]] = weights[j]
        offset += m
    return out


def block_weights(n_categories: list[int], gamma) -> np.ndarray:
    """The weight of every one-hot column (``sqrt(gamma_j / 2)`` for each column of feature j)."""
    per_feature = np.broadcast_to(np.sqrt(np.asarray(gamma, dtype=np.float64) / 2.0), (len(n_categories),))
    return np.repeat(per_feature, n_categories)


def embed(Z: np.ndarray, cat: np.ndarray | None, n_categories: list[int], gamma) -> np.ndarray:
    """Numeric columns, then one-hot categories weighted so that a mismatch in feature j costs
    ``gamma`` (one number) or ``gamma[j]`` (one per feature) in squared distance."""
    if not n_categories:
        return Z
    return np.hstack([Z, one_hot(cat, n_categories, np.sqrt(np.asarray(gamma, dtype=np.float64) / 2.0))])


def nearest(E: np.ndarray, centers: np.ndarray, centers_sq: np.ndarray) -> np.ndarray:
    """Index of the nearest centre, computed as scikit-learn's KMeans.predict computes it
    (``||c||^2 - 2 x.c``, the first minimum wins), so numeric labels are identical; large
    inputs a block of rows at a time (the (rows, k) temporaries stay small)."""
    return blocks.rowwise(lambda rows: (centers_sq - 2.0 * (rows @ centers.T)).argmin(axis=1), E)
