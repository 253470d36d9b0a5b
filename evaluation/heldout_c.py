"""Held-out generator families, third set (written 2026-11-23, session 3, before the changed k
rule was run on them).

Set B (``heldout.py``) was seen when the k rule was changed in session 3, so this set checks the
change. No code in ``segmentation/`` knows these families; their results are only reported.

They differ in shape from every earlier family: amounts in cents with Pareto tails and zero
patterns shared by several columns (an owner pays no rent, a pensioner has no salary); data made
only of yes/no product holdings and categories; overlapping segments in scores and ratios with no
money at all; a small bank of 3,000 customers with a 3 % segment and amounts in thousands; eight
segments in a currency of about 150 units to the euro with Weibull amounts and no zero pattern;
and a curved life-cycle continuum without segments.
"""

from __future__ import annotations

import numpy as np

from segmentation.ml.kinds import FeatureData, FeatureSpec

from .generators import Case


def _truth(n: int, shares: list[float], rng: np.random.Generator) -> np.ndarray:
    p = np.asarray(shares, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _pareto_amounts(typical: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Amounts around ``typical`` with a gamma body and a Pareto (Lomax, shape 3) tail."""
    body = rng.gamma(6.0, 1 / 6.0, typical.shape)
    tail = 1.0 + 0.3 * rng.pareto(3.0, typical.shape)
    return typical * body * tail


def current_accounts(n: int, seed: int) -> Case:
    """Current accounts in cents: 6 segments (one of 2 %), zero patterns across columns."""
    rng = np.random.default_rng(seed)
    names = ["salary_in", "pension_in", "rent_out", "card_spend", "cash_out", "transfers_abroad"]
    # share, then (P(non-zero), typical euros a month) per column
    segs = [
        (0.33, [(0.97, 2800), (0, 0), (0.95, 900), (0.98, 700), (0.6, 100), (0.03, 150)]),  # renters
        (0.22, [(0.97, 4200), (0, 0), (0.05, 800), (0.98, 1300), (0.5, 80), (0.05, 300)]),  # owners
        (0.18, [(0.05, 900), (0.98, 1600), (0.2, 600), (0.9, 300), (0.95, 450), (0.02, 200)]),  # pensioners
        (0.15, [(0.8, 600), (0, 0), (0.6, 400), (0.95, 350), (0.7, 60), (0.05, 100)]),  # students
        (0.10, [(0.1, 2000), (0, 0), (0.4, 1200), (0.98, 3200), (0.8, 350), (0.4, 900)]),  # self-employed
        (0.02, [(0.95, 2200), (0, 0), (0.8, 500), (0.9, 300), (0.9, 250), (0.97, 1300)]),  # remitters
    ]
    truth = _truth(n, [s for s, _ in segs], rng)
    prob = np.array([[p for p, _ in cols] for _, cols in segs])[truth]
    typical = np.array([[t for _, t in cols] for _, cols in segs], dtype=float)[truth]
    active = rng.random(prob.shape) < prob
    X = np.where(active, _pareto_amounts(np.maximum(typical, 1.0), rng), 0.0)
    X = np.round(X * 100)  # cents, whole numbers
    specs = [FeatureSpec(f"{name}_cents", "money", unit="cents/month") for name in names]
    return Case(
        "held-out C: current accounts in cents, 6 segments (2 %)",
        FeatureData.numeric(X, specs),
        truth,
        6,
        "monthly flows in cents, gamma body x Pareto (shape 3) tail, zero patterns shared by columns "
        "(owners pay no rent, pensioners have no salary), a 2 % segment of remitters",
    )


PRODUCTS = [
    "current_account",
    "savings",
    "credit_card",
    "mortgage",
    "personal_loan",
    "insurance",
    "investment_fund",
    "pension_plan",
    "overdraft",
    "mobile_banking",
]


def product_holdings(n: int, seed: int) -> Case:
    """Only yes/no product holdings and categories: 5 segments."""
    rng = np.random.default_rng(seed)
    hi, lo = 0.92, 0.05
    holds = [  # products held with high probability per segment (the rest with low)
        {"current_account", "overdraft", "mobile_banking", "credit_card"},  # everyday digital
        {"current_account", "mortgage", "insurance", "savings"},  # home owners
        {"current_account", "savings", "investment_fund", "pension_plan", "insurance"},  # investors
        {"current_account", "personal_loan", "overdraft", "credit_card"},  # borrowers
        {"savings", "pension_plan"},  # savers without a current account here
    ]
    truth = _truth(n, [0.3, 0.25, 0.2, 0.15, 0.1], rng)
    P = np.array([[hi if p in h else lo for p in PRODUCTS] for h in holds])[truth]
    columns: dict = {p: (rng.random(P.shape[0]) < P[:, j]).astype(float) for j, p in enumerate(PRODUCTS)}
    contact = np.array(["app", "email", "letter", "phone"])
    lean = np.array(
        [
            [0.7, 0.2, 0.02, 0.08],
            [0.3, 0.4, 0.1, 0.2],
            [0.2, 0.4, 0.2, 0.2],
            [0.5, 0.2, 0.1, 0.2],
            [0.05, 0.15, 0.5, 0.3],
        ]
    )[truth]
    columns["preferred_contact"] = contact[
        (rng.random((n, 1)) > np.cumsum(lean, axis=1)).sum(axis=1).clip(0, 3)
    ]
    columns["branch_region"] = rng.choice(np.array(["r1", "r2", "r3", "r4", "r5", "r6"]), n)  # unrelated
    specs = [FeatureSpec(p, "binary") for p in PRODUCTS] + [
        FeatureSpec("preferred_contact", "categorical"),
        FeatureSpec("branch_region", "categorical"),
    ]
    return Case(
        "held-out C: product holdings, yes/no only, 5 segments",
        FeatureData.from_columns(columns, specs),
        truth,
        5,
        "10 product flags held with probability 0.92 / 0.05 by segment, a contact channel that leans "
        "by segment, an unrelated region; no amounts at all",
    )


def credit_behaviour(n: int, seed: int) -> Case:
    """Scores and ratios only, 4 overlapping segments."""
    rng = np.random.default_rng(seed)
    truth = _truth(n, [0.35, 0.3, 0.2, 0.15], rng)
    # credit score, utilisation (beta a, b), on-time share (beta a, b), age, late payments a year
    score = np.array([760.0, 680.0, 600.0, 700.0])[truth]
    util_a = np.array([1.5, 4.0, 8.0, 2.0])[truth]
    util_b = np.array([8.0, 5.0, 2.5, 6.0])[truth]
    ontime_a = np.array([60.0, 30.0, 8.0, 40.0])[truth]
    age = np.array([52.0, 38.0, 33.0, 24.0])[truth]
    late = np.array([0.1, 0.6, 3.0, 0.4])[truth]
    columns = {
        "credit_score": np.clip(np.round(score + rng.normal(0, 30, n)), 300, 850),
        "utilisation": np.round(rng.beta(util_a, util_b), 3),
        "on_time_share": np.round(rng.beta(ontime_a, 1.5), 3),
        "age": np.clip(np.round(age + rng.normal(0, 6, n)), 18, 90),
        "late_payments": rng.poisson(late * rng.gamma(3.0, 1 / 3.0, n)).astype(float),
        "rate_of_cash_advances": np.round(rng.beta(1.0, 9.0, n), 3),  # unrelated ratio
    }
    specs = [
        FeatureSpec("credit_score", "score", unit="points"),
        FeatureSpec("utilisation", "ratio"),
        FeatureSpec("on_time_share", "ratio"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("late_payments", "count"),
        FeatureSpec("rate_of_cash_advances", "ratio"),
    ]
    return Case(
        "held-out C: credit behaviour, scores and ratios, 4 overlapping segments",
        FeatureData.from_columns(columns, specs),
        truth,
        4,
        "a 300-850 score, beta utilisation and on-time share, age, Poisson-gamma late payments; an "
        "unrelated ratio; no money; segments overlap",
        overlap=True,
    )


def small_bank(n: int, seed: int) -> Case:
    """A small bank: 3,000 customers, amounts in thousands, 4 segments (one of 3 %)."""
    rng = np.random.default_rng(seed)
    truth = _truth(n, [0.5, 0.3, 0.17, 0.03], rng)
    balance = np.array([3.0, 25.0, 8.0, 400.0])[truth]
    loan = np.array([0.0, 120.0, 15.0, 0.0])[truth]
    has_loan = rng.random(n) < np.array([0.1, 0.9, 0.7, 0.2])[truth]
    products = np.array([1.5, 3.5, 2.5, 5.0])[truth]
    age = np.array([35.0, 45.0, 29.0, 63.0])[truth]
    occupation = np.array(["employee", "farmer", "retired", "self-employed", "student"])
    lean = np.array(
        [
            [0.6, 0.1, 0.1, 0.1, 0.1],
            [0.5, 0.25, 0.05, 0.15, 0.05],
            [0.45, 0.05, 0.0, 0.1, 0.4],
            [0.1, 0.3, 0.4, 0.2, 0.0],
        ]
    )[truth]
    columns = {
        "balance_k": np.round(balance * rng.lognormal(0, 0.45, n), 3),
        "loan_k": np.round(np.where(has_loan, np.maximum(loan, 2.0) * rng.lognormal(0, 0.5, n), 0.0), 3),
        "products": (1 + rng.poisson(products - 1)).astype(float),
        "age": np.clip(np.round(age + rng.normal(0, 8, n)), 18, 95),
        "occupation": occupation[(rng.random((n, 1)) > np.cumsum(lean, axis=1)).sum(axis=1).clip(0, 4)],
    }
    specs = [
        FeatureSpec("balance_k", "money", unit="kEUR"),
        FeatureSpec("loan_k", "money", unit="kEUR"),
        FeatureSpec("products", "count"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("occupation", "categorical"),
    ]
    return Case(
        "held-out C: small bank, 3,000 customers, 4 segments (3 %)",
        FeatureData.from_columns(columns, specs),
        truth,
        4,
        "balances and loans in thousands (log-normal), products held, age, an occupation that leans by "
        "segment; 3,000 rows, a 3 % segment of wealthy retirees",
    )


def eight_segments(n: int, seed: int) -> Case:
    """Eight segments in a currency of ~150 units to the euro, Weibull amounts, no zero pattern."""
    rng = np.random.default_rng(seed)
    names = ["groceries", "restaurants", "travel", "electronics", "utilities", "education", "health"]
    base = np.array([300.0, 120.0, 150.0, 80.0, 180.0, 60.0, 90.0])
    # each segment spends about 4x the base in two or three categories
    high = [(0, 4), (1, 2), (2, 3), (3, 1), (5, 0), (6, 4), (1, 5, 3), (0, 2, 6)]
    shares = [0.22, 0.18, 0.14, 0.12, 0.1, 0.1, 0.08, 0.06]
    truth = _truth(n, shares, rng)
    level = np.ones((len(high), len(names)))
    for s, cols in enumerate(high):
        level[s, list(cols)] = 4.0
    typical = base * level[truth] * 150.0
    X = np.round(typical * rng.weibull(3.0, typical.shape) / 0.893)  # Weibull(3) mean is 0.893
    specs = [FeatureSpec(name, "money", unit="JPY-like/month") for name in names]
    return Case(
        "held-out C: eight segments, ~150 units to the euro, Weibull amounts",
        FeatureData.numeric(X, specs),
        truth,
        8,
        "7 spending categories, everyone spends in all of them (Weibull shape 3), each segment about "
        "4x higher in 2-3 categories; amounts in a currency of ~150 units to the euro",
    )


def lifecycle(n: int, seed: int) -> Case:
    """No segments: a curved life-cycle continuum (age drives everything, non-linearly)."""
    rng = np.random.default_rng(seed)
    age = rng.uniform(18, 90, n)
    t = (age - 18) / 72
    income = 1200 + 3800 * np.sin(np.pi * np.clip(t * 1.15, 0, 1)) ** 1.5
    columns = {
        "age": np.round(age),
        "monthly_income": np.round(income * rng.lognormal(0, 0.3, n), 2),
        "pension_savings": np.round(np.maximum(0.0, 90_000 * t**2 * rng.lognormal(0, 0.5, n)), 2),
        "mortgage_balance": np.round(
            np.where(
                rng.random(n) < np.exp(-(((age - 45) / 12) ** 2)),
                250_000 * (1 - t) * rng.lognormal(0, 0.4, n),
                0.0,
            ),
            2,
        ),
        "card_transactions": rng.poisson(35 * np.exp(-2.0 * t) + 5).astype(float),
        "digital_share": np.round(1 / (1 + np.exp(-(2.5 - 5 * t + rng.normal(0, 0.6, n)))), 3),
        "household": rng.choice(np.array(["single", "couple", "family"]), n),
    }
    specs = [
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("monthly_income", "money"),
        FeatureSpec("pension_savings", "money"),
        FeatureSpec("mortgage_balance", "money"),
        FeatureSpec("card_transactions", "count"),
        FeatureSpec("digital_share", "ratio"),
        FeatureSpec("household", "categorical"),
    ]
    return Case(
        "held-out C: life-cycle continuum, no segments",
        FeatureData.from_columns(columns, specs),
        None,
        None,
        "uniform age 18-90 drives income (hump), pension savings (rising), a mortgage (mid-life), "
        "transactions and digital share (falling), all with noise; an unrelated household category",
    )


HELDOUT_C = [
    (current_accounts, 20_000),
    (product_holdings, 6_000),
    (credit_behaviour, 9_000),
    (small_bank, 3_000),
    (eight_segments, 16_000),
    (lifecycle, 12_000),
]
