"""Latent-mixture families (development families since 2026-11-23).

They were written as the first held-out set; their results were looked at when the method was
changed in session 2, so they are now development families (``heldout.py`` holds the new set).
They come from another mechanism than ``generators.py``: a Gaussian mixture in a latent
space, mapped to each feature kind by its own link (amounts = scaled exponentials in
thousands, counts = Poisson, ratios = logistic, scores = clipped linear, flags =
thresholds, categories = noisy arg-max), with gamma-distributed spending as a second
shape.
"""

from __future__ import annotations

import numpy as np

from segmentation.ml.kinds import FeatureData, FeatureSpec

from .generators import Case


def _centres(k: int, dim: int, rng: np.random.Generator, spread: float, min_gap: float) -> np.ndarray:
    while True:
        c = rng.normal(0, spread, size=(k, dim))
        gaps = np.sqrt(((c[:, None] - c[None]) ** 2).sum(axis=2))[np.triu_indices(k, 1)]
        if gaps.min() >= min_gap:
            return c


def _latent(n, shares, dim, rng, spread=2.2, min_gap=5.0):
    truth = rng.choice(len(shares), size=n, p=np.asarray(shares) / np.sum(shares))
    centres = _centres(len(shares), dim, rng, spread, min_gap)
    return truth, centres[truth] + rng.normal(size=(n, dim))


LATENT_SPECS = [
    FeatureSpec("card_spend", "money", unit="EUR"),
    FeatureSpec("savings_balance", "money", unit="EUR"),
    FeatureSpec("mortgage_payment", "money", unit="EUR"),
    FeatureSpec("logins", "count"),
    FeatureSpec("branch_visits", "count"),
    FeatureSpec("share_online", "ratio"),
    FeatureSpec("credit_score", "score"),
]


def _link(L: np.ndarray, rng: np.random.Generator) -> dict:
    return {
        "card_spend": np.round(1200 * np.exp(0.45 * L[:, 0]), 2),
        "savings_balance": np.round(15000 * np.exp(0.5 * L[:, 1]), 2),
        "mortgage_payment": np.round(np.where(L[:, 2] > -0.5, 900 * np.exp(0.3 * L[:, 2]), 0.0), 2),
        "logins": rng.poisson(np.exp(1.8 + 0.45 * L[:, 3])).astype(float),
        "branch_visits": rng.poisson(np.exp(0.3 + 0.5 * L[:, 4])).astype(float),
        "share_online": 1 / (1 + np.exp(-0.8 * (L[:, 3] - L[:, 4]))),
        "credit_score": np.clip(np.round(600 + 60 * L[:, 0] - 30 * L[:, 4]), 300, 850),
    }


def latent_six(n: int, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    truth, L = _latent(n, [0.3, 0.25, 0.18, 0.14, 0.10, 0.03], 5, rng)
    data = FeatureData.from_columns(_link(L, rng), LATENT_SPECS)
    return Case(
        "latent mixture, 6 segments (3 %)",
        data,
        truth,
        6,
        "Gaussian mixture in 5 latent dimensions linked to money, counts, a ratio and a score",
    )


def latent_blob(n: int, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(5, 5)) * 0.5 + np.eye(5)
    L = rng.normal(size=(n, 5)) @ A * 1.3
    data = FeatureData.from_columns(_link(L, rng), LATENT_SPECS)
    return Case("latent blob, no segments", data, None, None, "one correlated latent Gaussian")


def latent_mixed(n: int, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    # latent centres at least 5 apart, as in latent_six (was 4: the family's own oracle, k-means from
    # the true centres 0.83 / LDA 0.85, sat at the ARI target, so it could not tell whether a method
    # meets it; with 5: 0.86 / 0.91)
    truth, L = _latent(n, [0.5, 0.3, 0.2], 4, rng, spread=1.8, min_gap=5.0)
    tiers = np.array(["bronze", "silver", "gold"])
    channels = np.array(["app", "web", "branch"])
    tier = np.argmax(L[:, :3] + rng.normal(0, 0.8, (n, 3)), axis=1)
    channel = np.where(rng.random(n) < 0.75, truth, rng.integers(0, 3, n))
    columns = {
        "monthly_spend": np.round(800 * np.exp(0.4 * L[:, 3]), 2),
        "tier": tiers[tier],
        "deposits": np.round(2500 * np.exp(0.35 * L[:, 0]), 2),
        "channel": channels[channel],
        "has_card": (L[:, 1] > 0).astype(float),
    }
    specs = [
        FeatureSpec("monthly_spend", "money"),
        FeatureSpec("tier", "categorical"),
        FeatureSpec("deposits", "money"),
        FeatureSpec("channel", "categorical"),
        FeatureSpec("has_card", "binary"),
    ]
    return Case(
        "latent mixed, 3 segments",
        FeatureData.from_columns(columns, specs),
        truth,
        3,
        "latent mixture linked to 2 amounts, a flag and 2 noisy categories",
    )


def gamma_spend(n: int, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    names = ["rent", "fuel", "pharmacy", "streaming", "fashion", "electronics"]
    pattern = [
        (0.45, {0: 900, 1: 120}),
        (0.30, {0: 700, 3: 40, 4: 250}),
        (0.20, {0: 800, 1: 300, 5: 400}),
        (0.05, {2: 350, 0: 600}),
    ]
    shares = np.array([p for p, _ in pattern])
    truth = rng.choice(len(pattern), size=n, p=shares)
    X = np.zeros((n, len(names)))
    for s, (_, cats) in enumerate(pattern):
        rows = np.flatnonzero(truth == s)
        for c, mean in cats.items():
            active = rows[rng.random(len(rows)) < 0.92]
            X[active, c] = rng.gamma(4.0, mean / 4.0, len(active))
    noise = rng.random(X.shape) < 0.06
    X[noise] += rng.gamma(2.0, 15.0, int(noise.sum()))
    specs = [FeatureSpec(name, "money") for name in names]
    return Case(
        "gamma spending, 4 segments (5 %)",
        FeatureData.numeric(np.round(X, 2), specs),
        truth,
        4,
        "gamma-distributed monthly amounts in 6 categories, zero months, noise",
    )


LATENT = [(latent_six, 10_000), (latent_blob, 10_000), (latent_mixed, 10_000), (gamma_spend, 10_000)]
