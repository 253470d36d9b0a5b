"""Held-out generator families, fourth set (written 2026-11-23, session 4, before the method of
session 4 was run on them).

Set C (``heldout_c.py``) was looked at in session 4 to change the k rule, so this set checks the
change. No code in ``segmentation/`` knows these families; their results are only reported.

They differ in shape from every earlier family: compositional channel shares that sum to one per
customer; signed money (net cash flow, lowest balance below zero) with a 4 % distressed segment;
only two segments (every earlier family has three or more); structure carried by categories with
many levels (12 countries, 6 acquisition channels) next to one weak number; and a correlated
blob without segments whose money columns share one "affluence" factor and miss 15 % of their
values.
"""

from __future__ import annotations

import numpy as np

from segmentation.ml.kinds import FeatureData, FeatureSpec

from .generators import Case


def _truth(n: int, shares: list[float], rng: np.random.Generator) -> np.ndarray:
    p = np.asarray(shares, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _lean(choices: np.ndarray, lean: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One value per row drawn from that row's probabilities ``lean`` (rows sum to 1)."""
    pick = (rng.random((len(lean), 1)) > np.cumsum(lean, axis=1)).sum(axis=1)
    return choices[pick.clip(0, len(choices) - 1)]


CHANNELS = [
    "branch",
    "atm",
    "card_pos",
    "online_card",
    "app_transfer",
    "web_transfer",
    "direct_debit",
    "cheque",
]


def channel_mix(n: int, seed: int) -> Case:
    """Shares of a customer's transactions per channel (they sum to 1): 4 segments."""
    rng = np.random.default_rng(seed)
    truth = _truth(n, [0.4, 0.3, 0.2, 0.1], rng)
    # Dirichlet weights per segment, channels in CHANNELS order
    alpha = np.array(
        [
            [0.3, 1.0, 4.0, 3.0, 4.0, 0.5, 2.0, 0.05],  # digital everyday
            [2.0, 3.0, 3.0, 0.5, 0.5, 0.8, 2.0, 0.4],  # cash and card
            [3.0, 1.5, 1.0, 0.2, 0.2, 1.0, 3.0, 1.5],  # branch and cheque (older)
            [0.2, 0.5, 1.0, 1.5, 2.0, 4.0, 1.0, 0.1],  # business-like web transfers
        ]
    )
    shares = rng.gamma(alpha[truth] * 3.0, 1.0)
    shares /= shares.sum(axis=1, keepdims=True)
    volume = np.array([60.0, 35.0, 15.0, 90.0])[truth]
    columns = {f"share_{c}": np.round(shares[:, j], 3) for j, c in enumerate(CHANNELS)}
    columns["transactions"] = rng.poisson(volume * rng.lognormal(0, 0.4, n)).astype(float)
    specs = [FeatureSpec(f"share_{c}", "ratio") for c in CHANNELS] + [FeatureSpec("transactions", "count")]
    return Case(
        "held-out D: channel shares summing to 1, 4 segments",
        FeatureData.from_columns(columns, specs),
        truth,
        4,
        "8 channel shares drawn from a Dirichlet per segment (each row sums to 1, so the columns are "
        "negatively correlated by construction), plus a Poisson-log-normal transaction count",
    )


def net_flows(n: int, seed: int) -> Case:
    """Signed money: net monthly cash flow and lowest balance (below zero for some); 5 segments, one 4 %."""
    rng = np.random.default_rng(seed)
    truth = _truth(n, [0.34, 0.26, 0.2, 0.16, 0.04], rng)
    # net flow (mean, sd), lowest balance (mean, sd), P(loan repayment), repayment size, overdraft days
    net_mu = np.array([150.0, 900.0, -60.0, 40.0, -900.0])[truth]
    net_sd = np.array([120.0, 400.0, 80.0, 300.0, 350.0])[truth]
    low_mu = np.array([800.0, 9000.0, -300.0, 2500.0, -2500.0])[truth]
    low_sd = np.array([500.0, 5000.0, 200.0, 1500.0, 800.0])[truth]
    p_loan = np.array([0.3, 0.2, 0.7, 0.9, 0.8])[truth]
    loan = np.array([250.0, 600.0, 180.0, 1100.0, 400.0])[truth]
    od_days = np.array([0.2, 0.05, 9.0, 0.5, 24.0])[truth]
    columns = {
        "net_flow": np.round(net_mu + net_sd * rng.standard_t(5, n), 2),
        "lowest_balance": np.round(low_mu + low_sd * rng.standard_t(5, n), 2),
        "loan_repayment": np.round(
            np.where(rng.random(n) < p_loan, loan * rng.lognormal(0, 0.35, n), 0.0), 2
        ),
        "overdraft_days": np.clip(rng.poisson(od_days), 0, 31).astype(float),
    }
    specs = [
        FeatureSpec("net_flow", "money", unit="EUR/month"),
        FeatureSpec("lowest_balance", "money", unit="EUR"),
        FeatureSpec("loan_repayment", "money", unit="EUR/month"),
        FeatureSpec("overdraft_days", "count", unit="days/month"),
    ]
    return Case(
        "held-out D: signed net flows, 5 segments (4 %)",
        FeatureData.from_columns(columns, specs),
        truth,
        5,
        "net cash flow and lowest balance of the month, both signed (Student-t, 5 df), a loan "
        "repayment with zeros, overdraft days; a 4 % distressed segment below zero on both",
    )


def two_segments(n: int, seed: int) -> Case:
    """Only two segments: mass market and premium, 75 / 25."""
    rng = np.random.default_rng(seed)
    truth = _truth(n, [0.75, 0.25], rng)
    columns = {
        "avg_balance": np.round(np.array([2500.0, 30000.0])[truth] * rng.lognormal(0, 0.7, n), 2),
        "card_transactions": rng.poisson(np.array([25.0, 45.0])[truth] * rng.lognormal(0, 0.3, n)).astype(
            float
        ),
        "tenure_years": np.round(np.clip(np.array([6.0, 14.0])[truth] + rng.normal(0, 4, n), 0, 50), 1),
    }
    specs = [
        FeatureSpec("avg_balance", "money", unit="EUR"),
        FeatureSpec("card_transactions", "count"),
        FeatureSpec("tenure_years", "score", unit="years"),
    ]
    return Case(
        "held-out D: two segments, mass market and premium (75/25)",
        FeatureData.from_columns(columns, specs),
        truth,
        2,
        "three columns (log-normal balance, card transactions, tenure); premium customers hold about "
        "12x the balance, transact more and stay longer",
    )


def many_levels(n: int, seed: int) -> Case:
    """Structure in categories with many levels: 3 segments."""
    rng = np.random.default_rng(seed)
    truth = _truth(n, [0.45, 0.35, 0.2], rng)
    countries = np.array([f"c{i:02d}" for i in range(12)])
    country_lean = np.full((3, 12), 0.02)
    country_lean[0, [0, 1, 2]] = [0.4, 0.2, 0.2]  # domestic
    country_lean[1, [3, 4, 5, 6]] = 0.2  # neighbouring countries
    country_lean[2, [7, 8, 9, 10, 11]] = 0.17  # far abroad
    country_lean /= country_lean.sum(axis=1, keepdims=True)
    acquired = np.array(["branch", "broker", "comparison_site", "employer", "referral", "social_ad"])
    acquired_lean = np.array(
        [
            [0.6, 0.03, 0.05, 0.03, 0.26, 0.03],
            [0.03, 0.05, 0.5, 0.35, 0.03, 0.04],
            [0.03, 0.5, 0.04, 0.03, 0.05, 0.35],
        ]
    )
    account = np.array(["basic", "standard", "premium", "student", "joint"])
    account_lean = np.array(
        [[0.05, 0.55, 0.05, 0.05, 0.3], [0.2, 0.3, 0.02, 0.45, 0.03], [0.2, 0.2, 0.55, 0.02, 0.03]]
    )
    columns = {
        "residence_country": _lean(countries, country_lean[truth], rng),
        "acquisition_channel": _lean(acquired, acquired_lean[truth], rng),
        "account_type": _lean(account, account_lean[truth], rng),
        "age": np.clip(np.round(np.array([48.0, 31.0, 40.0])[truth] + rng.normal(0, 13, n)), 18, 95),
        "has_credit_card": (rng.random(n) < np.array([0.5, 0.6, 0.8])[truth]).astype(float),
    }
    specs = [
        FeatureSpec("residence_country", "categorical"),
        FeatureSpec("acquisition_channel", "categorical"),
        FeatureSpec("account_type", "categorical"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("has_credit_card", "binary"),
    ]
    return Case(
        "held-out D: categories with many levels, 3 segments",
        FeatureData.from_columns(columns, specs),
        truth,
        3,
        "residence country (12 levels), acquisition channel (6), account type (5) that lean by "
        "segment, a weakly different age and a flag; no money",
    )


def affluence_blob(n: int, seed: int) -> Case:
    """No segments: one 'affluence' factor drives every money column; 15 % of values missing."""
    rng = np.random.default_rng(seed)
    affluence = rng.normal(0, 1, n)
    names = ["salary", "savings", "card_spend", "investments", "insurance_premiums", "travel_spend"]
    loadings = np.array([0.8, 0.9, 0.6, 0.9, 0.5, 0.6])
    typical = np.array([2600.0, 12000.0, 900.0, 8000.0, 90.0, 200.0])
    columns: dict = {}
    for j, name in enumerate(names):
        z = loadings[j] * affluence + np.sqrt(1 - loadings[j] ** 2) * rng.normal(0, 1, n)
        values = np.round(typical[j] * np.exp(0.8 * z), 2)
        values[rng.random(n) < 0.15] = np.nan
        columns[name] = values
    columns["logins"] = rng.negative_binomial(3, 3 / (3 + 20.0), n).astype(float)
    columns["e_statements"] = (rng.random(n) < 0.6).astype(float)
    specs = [FeatureSpec(name, "money", unit="EUR/month") for name in names] + [
        FeatureSpec("logins", "count"),
        FeatureSpec("e_statements", "binary"),
    ]
    return Case(
        "held-out D: one affluence factor with 15 % gaps, no segments",
        FeatureData.from_columns(columns, specs),
        None,
        None,
        "six log-normal money columns loaded on one normal 'affluence' factor (a correlated blob), "
        "15 % of their values missing at random; negative-binomial logins and a flag, unrelated",
    )


HELDOUT_D = [
    (channel_mix, 7_000),
    (net_flows, 14_000),
    (two_segments, 4_000),
    (many_levels, 5_000),
    (affluence_blob, 8_000),
]
