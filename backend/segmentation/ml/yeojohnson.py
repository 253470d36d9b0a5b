"""The Yeo-Johnson power transform and its inverse, element-wise with one lambda per column
(the ``yeo-johnson`` preparation of :mod:`.prep`)."""

from __future__ import annotations

import numpy as np

# a lambda this close to 0 (positive side) or 2 (negative side) takes the log form
LOG_CASE = 1e-12


def forward(H: np.ndarray, lam: np.ndarray) -> np.ndarray:
    out = np.empty_like(H)
    pos = H >= 0
    lam_b = np.broadcast_to(lam, H.shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a = np.where(np.abs(lam_b) > LOG_CASE, ((H + 1.0) ** lam_b - 1.0) / lam_b, np.log1p(H))
        b = np.where(
            np.abs(lam_b - 2.0) > LOG_CASE,
            -((1.0 - H) ** (2.0 - lam_b) - 1.0) / (2.0 - lam_b),
            -np.log1p(-H),
        )
    out[pos] = a[pos]
    out[~pos] = b[~pos]
    return out


def inverse(Y: np.ndarray, lam: np.ndarray) -> np.ndarray:
    lam_b = np.broadcast_to(lam, Y.shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a = np.where(
            np.abs(lam_b) > LOG_CASE, np.maximum(Y * lam_b + 1.0, 0.0) ** (1.0 / lam_b) - 1.0, np.expm1(Y)
        )
        b = np.where(
            np.abs(lam_b - 2.0) > LOG_CASE,
            1.0 - np.maximum(1.0 - (2.0 - lam_b) * Y, 0.0) ** (1.0 / (2.0 - lam_b)),
            -np.expm1(-Y),
        )
    return np.where(Y >= 0, a, b)
