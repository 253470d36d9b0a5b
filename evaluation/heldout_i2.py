"""Held-out set I, second part (students and graduates, cash deposits, a spending-mix continuum); the
set's docstring and ``HELDOUT_I`` are in ``heldout_i.py``."""

from __future__ import annotations

import numpy as np

from segmentation.ml.kinds import FeatureData, FeatureSpec

from .generators import Case
from .heldout_d import _lean, _truth
from .heldout_f import _nb, _scaled

ACCOUNT = np.array(["student", "graduate", "standard", "international student"])
THRESHOLD = 27_295.0  # a plan-2 student loan is repaid at 9 % of gross pay above this a year


def students(n: int, seed: int) -> Case:
    """Students, graduates and apprentices in GBP, loan repayments by formula: 6 segments, one of 3 %."""
    rng = np.random.default_rng(seed)
    # undergraduates, postgraduates, new graduates, established graduates, apprentices, international
    truth = _truth(n, [0.33, 0.1, 0.22, 0.2, 0.12, 0.03], rng)
    age = np.clip(
        np.round(
            np.array([20.0, 26.5, 23.5, 28.0, 19.5, 23.0])[truth]
            + rng.normal(0, np.array([1.5, 3.0, 1.5, 2.5, 1.8, 3.0])[truth]),
        ),
        17,
        45,
    )
    # gross pay a year: graduate salaries; apprentices' wages; a part-time job for half the students
    gross = np.array([0.0, 0.0, 30_000.0, 37_000.0, 19_000.0, 0.0])[truth] * rng.lognormal(0, 0.2, n)
    part_time = (truth <= 1) & (rng.random(n) < np.where(truth == 0, 0.5, 0.3))
    gross = gross + np.where(part_time, 7_000 * rng.lognormal(0, 0.5, n), 0.0)
    # student finance: a maintenance loan paid termly, doctoral stipends, family money from abroad
    support = np.select(
        [truth == 0, truth == 1, truth == 5],
        [
            830 * rng.lognormal(0, 0.25, n),
            np.where(rng.random(n) < 0.7, 1_650.0, 1_100.0) * rng.lognormal(0, 0.1, n),
            2_000 * rng.lognormal(0, 0.5, n),
        ],
        0.0,
    )
    liable = ((truth == 2) & (rng.random(n) < 0.6)) | (truth == 3)  # new graduates repay from April
    repayment = np.where(liable, np.floor(0.09 * np.maximum(gross - THRESHOLD, 0) / 12), 0.0)
    # interest-free overdrafts on a tier grid, tapering after graduation; drawn as a share of the limit
    tiers = np.array([0.0, 250.0, 500.0, 1_000.0, 1_500.0, 2_000.0, 3_000.0])
    tier_lean = np.array(
        [
            [0.1, 0.0, 0.15, 0.3, 0.2, 0.25, 0.0],
            [0.2, 0.0, 0.05, 0.15, 0.1, 0.5, 0.0],
            [0.3, 0.0, 0.0, 0.2, 0.0, 0.3, 0.2],
            [0.75, 0.05, 0.1, 0.07, 0.03, 0.0, 0.0],
            [0.6, 0.25, 0.15, 0.0, 0.0, 0.0, 0.0],
            [0.95, 0.05, 0.0, 0.0, 0.0, 0.0, 0.0],
        ]
    )
    limit = _lean(tiers, tier_lean[truth], rng)
    drawn_mean = np.array([0.55, 0.35, 0.6, 0.25, 0.3, 0.2])[truth]
    drawn = limit * rng.beta(3 * drawn_mean, 3 * (1 - drawn_mean))
    account_lean = np.array(
        [
            [0.95, 0.0, 0.05, 0.0],
            [0.75, 0.05, 0.2, 0.0],
            [0.35, 0.5, 0.15, 0.0],
            [0.05, 0.15, 0.8, 0.0],
            [0.1, 0.0, 0.9, 0.0],
            [0.25, 0.0, 0.05, 0.7],
        ]
    )
    self_funded = (truth == 1) & (rng.random(n) < 0.3)
    tuition = np.where(
        (truth == 5) & (rng.random(n) < 0.9), 18_000 * rng.lognormal(0, 0.3, n), 0.0
    ) + np.where(self_funded, 10_000 * rng.lognormal(0, 0.3, n), 0.0)
    columns = {
        "age": age,
        "monthly_inflow": np.round(gross / 12 * 0.8 + support, 2),
        "student_loan_repayment": repayment,
        "overdraft_limit": limit,
        "overdraft_drawn": np.round(drawn, 2),
        "savings_balance": np.round(
            np.array([300.0, 1_500.0, 700.0, 5_500.0, 1_400.0, 9_000.0])[truth]
            * rng.lognormal(0, np.array([1.2, 1.1, 1.1, 1.0, 1.0, 0.8])[truth]),
            2,
        ),
        "tuition_paid_year": np.round(tuition, 2),
        "transfers_from_abroad_year": _nb(np.array([0.2, 0.4, 0.1, 0.1, 0.05, 8.0])[truth], 2.0, rng),
        "card_transactions_month": _nb(np.array([55.0, 45.0, 62.0, 70.0, 42.0, 50.0])[truth], 3.0, rng),
        "account_type": _lean(ACCOUNT, account_lean[truth], rng),
    }
    specs = [
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("monthly_inflow", "money", unit="GBP/month"),
        FeatureSpec("student_loan_repayment", "money", unit="GBP/month"),
        FeatureSpec("overdraft_limit", "money", unit="GBP"),
        FeatureSpec("overdraft_drawn", "money", unit="GBP", label="average overdraft drawn"),
        FeatureSpec("savings_balance", "money", unit="GBP"),
        FeatureSpec("tuition_paid_year", "money", unit="GBP/year"),
        FeatureSpec("transfers_from_abroad_year", "count"),
        FeatureSpec("card_transactions_month", "count"),
        FeatureSpec("account_type", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out I: students to graduates in GBP, loan repayment by formula, 6 segments (3 %)",
        data,
        truth,
        6,
        "UK student / graduate transition in GBP: inflow (termly maintenance loan, stipends, part-time "
        "jobs, salaries, money from abroad), a plan-2 student loan repayment of 9 % of gross pay above "
        "27,295 a year (0 below it and before the first April), an interest-free overdraft on a 250-3,000 "
        "tier grid tapering after graduation and the share drawn, savings, tuition paid, transfers from "
        "abroad, card transactions, a 4-level account type that lags the status; 3 % international students",
        scaled=_scaled(data),
    )


def cash_deposits(n: int, seed: int) -> Case:
    """Cash deposits over 90 days from simulated deposits, 2.5 % structuring below 10,000: 3 segments."""
    rng = np.random.default_rng(seed)
    # private customers, cash-intensive businesses, structuring (deposits kept just under 10,000)
    truth = _truth(n, [0.74, 0.235, 0.025], rng)
    k = _nb(np.array([0.6, 14.0, 7.0])[truth], np.array([0.4, 1.5, 3.0])[truth], rng).astype(int)
    k = np.where(truth == 2, np.maximum(k, 2), k)
    who = np.repeat(np.arange(n), k)
    seg = truth[who]
    amount = np.array([350.0, 1_600.0, 2_500.0])[seg] * rng.lognormal(0, np.array([1.0, 0.9, 0.8])[seg])
    below = (seg == 2) & (rng.random(len(who)) < 0.7)
    amount = np.round(np.where(below, rng.uniform(8_000, 9_990, len(who)), amount), -1)
    total = np.bincount(who, weights=amount, minlength=n)
    largest = np.zeros(n)
    np.maximum.at(largest, who, amount)
    near = np.bincount(who, weights=(amount >= 8_000) & (amount < 10_000), minlength=n)
    branches = np.where(k > 0, np.minimum(k, 1 + rng.poisson(np.array([0.1, 0.3, 2.5])[truth])), 0).astype(
        float
    )
    kind_lean = np.array([[0.97, 0.03], [0.35, 0.65], [0.85, 0.15]])
    columns = {
        "cash_deposits_90d": k.astype(float),
        "cash_deposited_90d": np.round(total, 2),
        "largest_cash_deposit": np.round(largest, 2),
        "share_8k_to_10k": np.where(k > 0, np.round(near / np.maximum(k, 1), 3), np.nan),
        "branches_used": branches,
        "atm_withdrawals_90d": _nb(np.array([7.0, 5.0, 9.0])[truth], 2.0, rng),
        "customer_type": _lean(np.array(["private", "business"]), kind_lean[truth], rng),
    }
    specs = [
        FeatureSpec("cash_deposits_90d", "count", label="cash deposits in 90 days"),
        FeatureSpec("cash_deposited_90d", "money", unit="EUR", label="cash deposited in 90 days"),
        FeatureSpec("largest_cash_deposit", "money", unit="EUR"),
        FeatureSpec("share_8k_to_10k", "ratio", label="share of deposits of 8,000-9,999"),
        FeatureSpec("branches_used", "count", label="branches used for cash deposits"),
        FeatureSpec("atm_withdrawals_90d", "count"),
        FeatureSpec("customer_type", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out I: cash deposits from a simulated 90-day log, 2.5 % structuring below 10,000, 3 segments",
        data,
        truth,
        3,
        "cash deposits simulated one by one (negative-binomial counts, log-normal amounts rounded to 10): "
        "their number (0 for most private customers), total, the largest, the share between 8,000 and "
        "9,999 (missing without deposits), branches used, ATM withdrawals, a private / business type that "
        "a third of cash businesses do not carry; 2.5 % structuring 70 % of deposits just under 10,000",
        scaled=_scaled(data),
    )


MIX = ["groceries", "eating_out", "transport", "shopping", "health", "leisure_travel"]


def spending_mix_blob(n: int, seed: int) -> Case:
    """No segments: a logistic-normal spending mix that drifts smoothly with age and income."""
    rng = np.random.default_rng(seed)
    age = np.round(18 + 72 * rng.beta(2.2, 3.0, n), 1)
    a = (age - 45) / 15
    z = rng.normal(0, 1, n)  # earning power beyond age
    log_income = np.log(2_300) + 0.22 * a - 0.15 * a**2 + 0.45 * z
    income = np.exp(log_income)
    # an Engel curve: spend rises with income less than proportionally
    spend = income * np.exp(-0.4 - 0.12 * z + rng.normal(0, 0.25, n))
    intercept = np.array([0.0, -0.6, -0.7, -0.5, -1.6, -1.2])
    by_age = np.array([0.0, -0.35, -0.1, -0.2, 0.45, 0.1])
    by_income = np.array([0.0, 0.3, 0.05, 0.2, 0.0, 0.45])
    loadings = rng.normal(0, 0.15, (6, 6)) + np.eye(6) * 0.45  # correlated log-ratios
    eta = intercept + np.outer(a, by_age) + np.outer(z, by_income) + rng.normal(0, 1, (n, 6)) @ loadings
    shares = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    columns = {
        "monthly_income": np.round(income, 2),
        "card_spend": np.round(spend, 2),
        "card_transactions": _nb(9 * (spend / 100) ** 0.6, 6.0, rng),
        **{f"share_{m}": np.round(shares[:, j], 3) for j, m in enumerate(MIX)},
        "savings_balance": np.round(np.exp(np.log(4_000) + 0.9 * z + 0.5 * a + rng.normal(0, 1.0, n)), 2),
        "age": age,
    }
    specs = [
        FeatureSpec("monthly_income", "money", unit="EUR/month"),
        FeatureSpec("card_spend", "money", unit="EUR/month"),
        FeatureSpec("card_transactions", "count", unit="a month"),
        *[FeatureSpec(f"share_{m}", "ratio") for m in MIX],
        FeatureSpec("savings_balance", "money", unit="EUR"),
        FeatureSpec("age", "score", unit="years"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out I: a spending mix drifting smoothly with age and income, no segments",
        data,
        None,
        None,
        "one population: age (a smooth beta hump 18-90), income with a concave age profile and log-normal "
        "earning power, card spend on an Engel curve, transactions tied to spend, six category shares "
        "from a logistic-normal (softmax of correlated normal log-ratios whose means drift linearly "
        "with age and earning power), savings; no flag, category or zero mass",
        scaled=_scaled(data),
    )
