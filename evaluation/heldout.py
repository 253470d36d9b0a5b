"""Held-out generator families (second set, written 2026-11-23 before the method was run on them).

The first held-out set (``latent.py``) was looked at while the method changed, so it became a
development family. These families are only reported, never tuned on: no code in
``segmentation/`` knows them, and their results go into ``results/latest.md`` as they come.

They use mechanisms the development families do not: multivariate Student-t noise in log space
(heavy tails, correlated features), money in thousands, negative-binomial counts with structural
zeros, beta-distributed ratios, ordinal ratings, categories that carry segment structure next to
categories and columns that carry none (a gender-like category, a uniformly distributed integer
column, a uniform ratio, an unrelated flag).
"""

from __future__ import annotations

import numpy as np

from segmentation.ml.kinds import FeatureData, FeatureSpec

from .generators import Case


def _student_t(n: int, corr: np.ndarray, df: float, rng: np.random.Generator) -> np.ndarray:
    """Correlated Student-t draws (unit scale): heavy tails shared across features."""
    z = rng.multivariate_normal(np.zeros(len(corr)), corr, size=n)
    return z / np.sqrt(rng.chisquare(df, size=(n, 1)) / df)


def wealth(n: int, seed: int) -> Case:
    """Wealth-management clients in thousands of euros: 5 segments, one of 1.5 %."""
    rng = np.random.default_rng(seed)
    # share, deposits k, investments k (0 = none), P(invests), card spend, FX transfers, age
    segs = [
        (0.45, 8.0, 5.0, 0.10, 900, 0.2, 38),
        (0.25, 60.0, 20.0, 0.60, 500, 0.3, 61),
        (0.17, 120.0, 300.0, 0.95, 3000, 2.0, 52),
        (0.115, 15.0, 8.0, 0.15, 1500, 8.0, 34),
        (0.015, 900.0, 2500.0, 1.00, 12000, 15.0, 58),
    ]
    p = np.array([s[0] for s in segs])
    truth = rng.choice(len(segs), size=n, p=p / p.sum())
    table = np.array([s[1:] for s in segs], dtype=float)[truth]
    corr = np.full((3, 3), 0.4) + 0.6 * np.eye(3)
    t = _student_t(n, corr, df=5.0, rng=rng) * 0.35
    invests = rng.random(n) < table[:, 2]
    columns = {
        "deposits_k": np.round(table[:, 0] * np.exp(t[:, 0]), 3),
        "investments_k": np.round(np.where(invests, table[:, 1] * np.exp(t[:, 1]), 0.0), 3),
        "card_spend": np.round(table[:, 3] * np.exp(t[:, 2]), 2),
        "fx_transfers": rng.poisson(table[:, 4] * rng.gamma(4.0, 0.25, n)).astype(float),
        "age": np.clip(np.round(table[:, 5] + rng.normal(0, 7, n)), 18, 95),
        "tenure_years": rng.integers(1, 26, n).astype(float),  # uniform, unrelated to segments
        "gender": rng.choice(np.array(["F", "M", "X"]), n, p=[0.49, 0.49, 0.02]),  # unrelated
    }
    specs = [
        FeatureSpec("deposits_k", "money", unit="kEUR"),
        FeatureSpec("investments_k", "money", unit="kEUR"),
        FeatureSpec("card_spend", "money", unit="EUR/month"),
        FeatureSpec("fx_transfers", "count"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("tenure_years", "count"),
        FeatureSpec("gender", "categorical"),
    ]
    return Case(
        "held-out B: wealth clients in thousands, 5 segments (1.5 %)",
        FeatureData.from_columns(columns, specs),
        truth,
        5,
        "Student-t (df 5) correlated log amounts in thousands, investments zero for most non-investors, "
        "negative-binomial FX counts, age; a uniform tenure 1-25 and a gender category carry no segments",
    )


def channels(n: int, seed: int) -> Case:
    """Monthly channel use as overdispersed counts with structural zeros: 4 segments."""
    rng = np.random.default_rng(seed)
    names = ["app_logins", "web_logins", "branch_visits", "atm_withdrawals", "call_centre_calls"]
    rates = np.array(
        [
            [24.0, 1.5, 0.0, 3.0, 0.3],  # app first
            [1.0, 14.0, 0.3, 3.0, 0.8],  # web first
            [0.0, 0.5, 4.0, 7.0, 2.0],  # branch loyal
            [0.5, 0.0, 1.0, 18.0, 0.5],  # cash heavy
        ]
    )
    truth = rng.choice(4, size=n, p=[0.4, 0.25, 0.25, 0.1])
    lam = rates[truth] * rng.gamma(5.0, 0.2, size=(n, len(names)))  # negative binomial
    columns = {name: rng.poisson(lam[:, j]).astype(float) for j, name in enumerate(names)}
    columns["paperless_share"] = np.round(rng.random(n), 3)  # uniform ratio, unrelated
    columns["marketing_opt_in"] = (rng.random(n) < 0.4).astype(float)  # unrelated flag
    specs = [FeatureSpec(name, "count") for name in names] + [
        FeatureSpec("paperless_share", "ratio"),
        FeatureSpec("marketing_opt_in", "binary"),
    ]
    return Case(
        "held-out B: channel counts, 4 segments",
        FeatureData.from_columns(columns, specs),
        truth,
        4,
        "negative-binomial monthly counts in 5 channels, structural zeros; a uniform ratio and a flag "
        "carry no segments",
    )


def business(n: int, seed: int) -> Case:
    """Small-business customers, mixed numeric + categorical, 3 segments, turnover in cents."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(3, size=n, p=[0.55, 0.3, 0.15])
    turnover = np.array([90_000.0, 600_000.0, 4_000_000.0])[truth]  # euros a year
    employees = np.array([1.5, 8.0, 40.0])[truth]
    util_a = np.array([2.0, 5.0, 3.0])[truth]
    util_b = np.array([5.0, 3.0, 6.0])[truth]
    rating = np.array([5.0, 7.0, 8.0])[truth]
    sectors = np.array(["retail", "hospitality", "construction", "services", "manufacturing", "logistics"])
    sector_p = np.array(
        [
            [0.35, 0.3, 0.15, 0.15, 0.02, 0.03],
            [0.15, 0.1, 0.3, 0.3, 0.05, 0.1],
            [0.05, 0.05, 0.2, 0.2, 0.3, 0.2],
        ]
    )[truth]
    sector = (rng.random((n, 1)) > np.cumsum(sector_p, axis=1)).sum(axis=1).clip(0, 5)
    columns = {
        "turnover_cents": np.round(turnover * rng.lognormal(0, 0.6, n) * 100),
        "employees": (1 + rng.poisson(employees * rng.lognormal(0, 0.4, n))).astype(float),
        "credit_utilisation": np.round(rng.beta(util_a, util_b), 3),
        "rating": np.clip(np.round(rating + rng.normal(0, 1.2, n)), 1, 10),
        "has_overdraft": (rng.random(n) < np.array([0.6, 0.4, 0.2])[truth]).astype(float),
        "sector": sectors[sector],
        "region": rng.choice(np.array(["north", "south", "east", "west", "capital"]), n),  # unrelated
    }
    specs = [
        FeatureSpec("turnover_cents", "money", unit="cents/year"),
        FeatureSpec("employees", "count"),
        FeatureSpec("credit_utilisation", "ratio"),
        FeatureSpec("rating", "score"),
        FeatureSpec("has_overdraft", "binary"),
        FeatureSpec("sector", "categorical"),
        FeatureSpec("region", "categorical"),
    ]
    return Case(
        "held-out B: small businesses, mixed, 3 segments",
        FeatureData.from_columns(columns, specs),
        truth,
        3,
        "turnover in cents (log-normal, sd 0.6), employees, beta utilisation, a 1-10 rating, a flag, "
        "a sector that leans by segment; the region carries no segments",
    )


def continuum(n: int, seed: int) -> Case:
    """No segments: a heavy-tailed correlated continuum with categories and flags."""
    rng = np.random.default_rng(seed)
    wealth_factor = rng.standard_t(6, n)
    income = np.round(2800 * np.exp(0.35 * wealth_factor + 0.3 * rng.normal(size=n)), 2)
    columns = {
        "income": income,
        "savings": np.round(np.maximum(0.0, income * rng.gamma(1.5, 2.0, n) - 1500), 2),
        "card_transactions": rng.poisson(20 * np.exp(0.3 * wealth_factor)).astype(float),
        "online_share": np.round(1 / (1 + np.exp(-(0.5 * rng.normal(size=n) + 0.3 * wealth_factor))), 3),
        "tenure_years": rng.integers(0, 31, n).astype(float),
        "has_mortgage": (rng.random(n) < 1 / (1 + np.exp(-0.8 * wealth_factor))).astype(float),
        "gender": rng.choice(np.array(["F", "M"]), n),
        "region": rng.choice(np.array(["north", "south", "east", "west"]), n, p=[0.4, 0.3, 0.2, 0.1]),
    }
    specs = [
        FeatureSpec("income", "money"),
        FeatureSpec("savings", "money"),
        FeatureSpec("card_transactions", "count"),
        FeatureSpec("online_share", "ratio"),
        FeatureSpec("tenure_years", "count"),
        FeatureSpec("has_mortgage", "binary"),
        FeatureSpec("gender", "categorical"),
        FeatureSpec("region", "categorical"),
    ]
    return Case(
        "held-out B: continuum, no segments",
        FeatureData.from_columns(columns, specs),
        None,
        None,
        "one heavy-tailed wealth factor behind income, savings (zero for many), transactions, online "
        "share and a mortgage flag; uniform tenure, gender and region unrelated",
    )


HELDOUT = [(wealth, 12_000), (channels, 8_000), (business, 15_000), (continuum, 10_000)]
