"""Preparation of features per kind, recorded as plain NumPy parameters.

Training fits a *preparation* (a dict of numbers and lists, no scikit-learn objects) and
both the trainer and the web workers apply it with :func:`transform`, the same function,
so prepared values are bit-for-bit identical in both places.

Numeric columns go through three steps:

1. missing values take the recorded training median;
2. heavy-tailed kinds (``money``, ``count``) are divided by a *robust scale* (the median of
   their non-zero absolute values) and then transformed (``robust-log``: a signed
   ``log1p``; or Yeo-Johnson, or normal scores of the empirical quantiles). Dividing by a
   scale measured in the data's own units makes the result independent of units: the
   same customers in cents, euros or thousands give the same prepared values, and "zero
   vs a little" weighs as much as "median vs three times the median", not more;
3. every column except ``binary`` flags is standardised (mean 0, standard deviation 1),
   then optionally clipped at ``clip`` standard deviations (winsorising).

``binary`` flags stay 0/1: a mismatch costs 1, half the average squared distance between
two customers on a standardised column, so a handful of yes/no flags cannot dominate.

Categorical columns are one-hot encoded with weight ``sqrt(gamma / 2)``: the squared
distance between a customer and a centroid whose categorical part is a one-hot *mode* is
then the k-prototypes cost (numeric squared distance + ``gamma`` x mismatches), so one
argmin serves numeric and mixed models. A missing category is all zeros, equally far from
every mode.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from . import blocks
from .kinds import FeatureSpec

HEAVY_KINDS = ("money", "count")
METHODS = ("robust-log", "yeo-johnson", "quantile", "log1p", "standard")
DEFAULT_METHOD = "robust-log"
N_QUANTILES = 1001


def robust_scale(col: np.ndarray) -> float:
    nz = np.abs(col[np.isfinite(col) & (col != 0)])
    scale = float(np.median(nz)) if len(nz) else 1.0
    return scale if scale > 0 else 1.0


def fit(
    X: np.ndarray,
    specs: list[FeatureSpec],
    method: str = DEFAULT_METHOD,
    clip: float | None = None,
    sample: np.ndarray | None = None,
    log_scale: float = 1.0,
    weights: np.ndarray | None = None,
) -> dict:
    """Fit the preparation of numeric columns ``X`` (NaN = missing) declared by ``specs``.

    ``sample`` (row indices) limits the rows used for the quantile and Yeo-Johnson fits;
    ``log_scale`` multiplies the robust scale (the value that maps to ``log1p(1)``);
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
    params: dict = {
        "method": method,
        "features": [s.name for s in specs],
        "kinds": [s.kind for s in specs],
        "impute": impute.tolist(),
        "heavy": heavy,
        "robust_scale": [
            log_scale * robust_scale(_filled(X[:, j], impute[j])) if j in heavy else 1.0 for j in range(d)
        ],
        "clip": clip,
        "log_scale": log_scale,
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
        H = yeo_johnson(H, p["lambdas"])
    elif method == "quantile":
        for i, (values, scores) in enumerate(p["quantile_maps"]):
            H[:, i] = np.interp(H[:, i], values, scores)
    Z[:, heavy] = H
    return Z


def yeo_johnson(H: np.ndarray, lam: np.ndarray) -> np.ndarray:
    out = np.empty_like(H)
    pos = H >= 0
    lam_b = np.broadcast_to(lam, H.shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a = np.where(np.abs(lam_b) > 1e-12, ((H + 1.0) ** lam_b - 1.0) / lam_b, np.log1p(H))
        b = np.where(
            np.abs(lam_b - 2.0) > 1e-12,
            -((1.0 - H) ** (2.0 - lam_b) - 1.0) / (2.0 - lam_b),
            -np.log1p(-H),
        )
    out[pos] = a[pos]
    out[~pos] = b[~pos]
    return out


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
        H = _yeo_johnson_inverse(H, p["lambdas"]) * p["robust_scale"][heavy]
    elif method == "quantile":
        for i, (values, scores) in enumerate(p["quantile_maps"]):
            H[:, i] = np.interp(H[:, i], scores, values)
    X[:, heavy] = H
    return X


def _yeo_johnson_inverse(Y: np.ndarray, lam: np.ndarray) -> np.ndarray:
    lam_b = np.broadcast_to(lam, Y.shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a = np.where(
            np.abs(lam_b) > 1e-12, np.maximum(Y * lam_b + 1.0, 0.0) ** (1.0 / lam_b) - 1.0, np.expm1(Y)
        )
        b = np.where(
            np.abs(lam_b - 2.0) > 1e-12,
            1.0 - np.maximum(1.0 - (2.0 - lam_b) * Y, 0.0) ** (1.0 / (2.0 - lam_b)),
            -np.expm1(-Y),
        )
    return np.where(Y >= 0, a, b)


# -- categorical features -------------------------------------------------------------------


def category_gamma(cat: np.ndarray, n_categories: list[int]) -> float:
    """Weight of one category mismatch: on average a categorical feature then weighs as much
    as a standardised numeric one (whose pairs differ by 2 in squared distance on average):
    gamma = 2 / (1 - sum of squared category shares), the median over features, within [1, 8]."""
    if not n_categories:
        return 0.0
    ginis = []
    for j, m in enumerate(n_categories):
        codes = cat[:, j]
        codes = codes[codes >= 0]
        shares = np.bincount(codes, minlength=m) / max(len(codes), 1)
        ginis.append(max(1.0 - float((shares**2).sum()), 1e-6))
    return float(np.clip(np.median([2.0 / g for g in ginis]), 1.0, 8.0))


def category_gammas(cat: np.ndarray, n_categories: list[int], weights: np.ndarray) -> float | list[float]:
    """The mismatch cost of each categorical feature: :func:`category_gamma` times the square of
    the feature's relevance weight (as numeric columns, whose prepared values are multiplied by
    theirs). One number when every weight is 1 (the k-prototypes cost), else one per feature."""
    gamma = category_gamma(cat, n_categories)
    w = np.asarray(weights, dtype=np.float64)
    if not len(w) or np.all(w == 1.0):
        return gamma
    return [round(gamma * float(x) ** 2, 12) for x in w]


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
    return blocks.rowwise(lambda rows: np.argmin(centers_sq - 2.0 * (rows @ centers.T), axis=1), E)
