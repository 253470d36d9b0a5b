"""Held-out generator families, eighth set (2026-11-24; issue 12). Written to be committed before the
next method change is run on them, so that they check that change after set G.
No code in ``segmentation/`` knows these families, none was run through the trainer before commit;
only the generators' supervised separability was checked (3-fold CV accuracy of
``HistGradientBoostingClassifier``, categories as codes, seed 1, full size): SME lending 0.969,
several accounts 0.955 (total balance alone 0.549, account count and largest share alone 0.755),
seasonal inflows 0.985 (level, age and lowest balance alone 0.805), product x channel 0.980 (the 4 %
segment's recall 0.862; the two categories alone 0.833, every numeric column 0.932 with that segment's
recall 0.574), missing KYC 0.938 (the four missingness indicators alone 0.710, the values with missing
ones imputed by median / mode 0.920) (``PYTHONPATH=backend OMP_NUM_THREADS=1 .venv/bin/python -m
evaluation.separability heldout_h`` from the repository root, 17 s on 1 thread; the sub-figures with
the same classifier and folds on those columns).

Shapes none of sets A-G has:

- SME lending book: business customers with turnover in kEUR and its change on last year, a credit
  limit on a 1k / 5k / 25k grid, line utilisation in [0, 1] with point masses at both 0 and 1 (missing
  without a line, 16 %), a term loan's original amount on a 5k / 10k / 25k / 50k grid (0 for 55 %),
  secured flag, employees, years trading, worst days past due, an 8-level industry; 5 segments (micro,
  established, growing, seasonal, distressed), the distressed 3 % mostly maxed out (70 % at 1), late
  and shrinking.
- Several accounts summed: each customer's total balance is the sum of 1-13 log-normal account
  balances (sd 0.8-1.3), so the totals of single-account customers, pot savers (a main account and
  2-10 small savings spaces) and families overlap (10-90 % ranges 0.8k-12k, 2.6k-15k, 3.9k-25k)
  while their account counts and the largest account's share (exactly 1 for a single account)
  differ; one or two salaries, transfers between own accounts, joint and foreign-currency flags;
  5 segments, 2.5 % business owners.
- Seasonal inflows: 12 simulated months of inflows per customer reduced to the year's total, the top
  month's share, month-to-month variation, months without inflow, the year's lowest balance (signed),
  overdraft days and the top month (12 levels): salaried with a 13th salary (tight, level log sd 0.12),
  tourism seasons of 5-7 months, farmers' harvest and subsidy lumps (a quarter dairy farmers with
  monthly milk cheques, alike in timing to salaried), freelancers' Poisson invoices (very diffuse,
  log sd 0.9); a strong age gradient (+2.5 % a year of age up to 55) inside every segment; 4 segments.
- A rare product x channel pair: consumer loans (17 %) and the partner-retailer channel (17 %) are
  each common, but together (4.1 % of rows, 81 % of them the segment) they mark the 4 % point-of-sale
  financed segment, next to moderate differences in income, balance, credit outstanding, logins,
  branch visits, products, age, tenure and a paperless flag; 5 segments.
- Informative missingness: bureau score missing for 26 % (thin files 60 %, newcomers 85 %), declared
  income 18 % (self-employed 45 %, legacy 70 %), years at address 12 % (newcomers, legacy), employer
  sector 31 % (self-employed 90 %), no e-mail on file for 75 % of legacy customers; complete inflow,
  KYC review age, products, age and a 3-level id document; 5 segments, 3 % legacy customers of an
  acquired bank.
- No segments: a consumer-loan book tied together by formulas: a Gaussian copula over creditworthiness,
  affluence and loan appetite drives the amount (to 100), a term of any whole month 6-96 (longer for
  larger loans), a rate falling with the bureau score (risk-based pricing), the annuity instalment, the
  balance left after a uniform time on book, overpayments (zero for 85 %, gamma 0.7 amounts densest next
  to zero), Poisson months in arrears rising with risk (zero for 91 %), debt to income and age; no flag
  or category.

Money families carry ``scaled``: the numeric block with the money columns in cents and in
thousands (as ``generators.unequal``; ``run.py`` refits the same units itself with ``in_units``).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from segmentation.ml.kinds import FeatureData, FeatureSpec

from .generators import Case
from .heldout_d import _lean, _truth
from .heldout_f import _nb, _scaled

INDUSTRY = np.array(
    [
        "agriculture",
        "construction",
        "retail",
        "hospitality",
        "manufacturing",
        "professional services",
        "transport",
        "health",
    ]
)


def _grid(x: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Round to a multiple of ``step``, at least one step (a sanctioned amount or limit)."""
    return np.maximum(np.round(x / step), 1) * step


def _limit_step(x: np.ndarray) -> np.ndarray:
    """Credit-limit grid: 1k steps below 10k, 5k below 100k, 25k above."""
    return np.where(x < 10_000, 1_000.0, np.where(x < 100_000, 5_000.0, 25_000.0))


def sme_lending(n: int, seed: int) -> Case:
    """SME lending: amounts on grids, line utilisation with masses at 0 and 1: 5 segments, one of 3 %."""
    rng = np.random.default_rng(seed)
    # micro sole traders, established SMEs, growing investors, seasonal businesses, distressed
    truth = _truth(n, [0.4, 0.3, 0.15, 0.12, 0.03], rng)
    industry_lean = np.array(
        [
            [0.05, 0.2, 0.2, 0.1, 0.03, 0.3, 0.07, 0.05],
            [0.05, 0.2, 0.15, 0.08, 0.2, 0.15, 0.12, 0.05],
            [0.02, 0.1, 0.1, 0.05, 0.3, 0.25, 0.13, 0.05],
            [0.45, 0.05, 0.05, 0.4, 0.0, 0.0, 0.05, 0.0],
            [0.05, 0.3, 0.2, 0.25, 0.1, 0.03, 0.07, 0.0],
        ]
    )
    industry = _lean(INDUSTRY, industry_lean[truth], rng)
    turnover = np.array([90.0, 1200.0, 3500.0, 450.0, 600.0])[truth] * rng.lognormal(0, 0.6, n)  # kEUR
    # credit line: a limit on a grid, utilisation (undefined without a line) with masses at 0 and 1
    has_line = rng.random(n) < np.array([0.7, 0.9, 0.95, 0.98, 1.0])[truth]
    raw_limit = turnover * 1000 * np.array([0.08, 0.1, 0.12, 0.2, 0.15])[truth] * rng.lognormal(0, 0.3, n)
    limit = np.where(has_line, _grid(raw_limit, _limit_step(raw_limit)), 0.0)
    u = rng.random(n)
    p0 = np.array([0.35, 0.2, 0.1, 0.3, 0.02])[truth]
    p1 = np.array([0.05, 0.03, 0.15, 0.3, 0.7])[truth]
    mean_use = np.array([0.25, 0.35, 0.6, 0.55, 0.85])[truth]
    use = np.where(u < p0, 0.0, np.where(u < p0 + p1, 1.0, rng.beta(4 * mean_use, 4 * (1 - mean_use))))
    utilisation = np.where(has_line, np.round(use, 3), np.nan)
    # term loan: the original amount on a grid of 5k / 25k / 50k / 10k / 25k by segment
    has_loan = rng.random(n) < np.array([0.15, 0.6, 0.9, 0.5, 0.6])[truth]
    step = np.array([5_000.0, 25_000.0, 50_000.0, 10_000.0, 25_000.0])[truth]
    raw_loan = turnover * 1000 * np.array([0.15, 0.2, 0.35, 0.3, 0.3])[truth] * rng.lognormal(0, 0.4, n)
    loan = np.where(has_loan, _grid(raw_loan, step), 0.0)
    secured = has_loan & (rng.random(n) < np.array([0.2, 0.6, 0.8, 0.7, 0.5])[truth])
    # worst days past due in 12 months: rare short delays, the distressed 30-90 days
    late = rng.random(n) < np.array([0.03, 0.02, 0.02, 0.08, 0.75])[truth]
    dpd = np.where(truth == 4, rng.choice([5, 15, 30, 45, 60, 90], n), rng.integers(1, 16, n))
    columns = {
        "annual_turnover": np.round(turnover, 1),
        "turnover_change_pct": np.round(
            rng.normal(np.array([2.0, 4.0, 18.0, -3.0, -22.0])[truth], np.array([12, 8, 12, 15, 12])[truth]),
            1,
        ),
        "credit_limit": limit,
        "line_utilisation": utilisation,
        "term_loan_amount": loan,
        "secured": secured.astype(float),
        "employees": _nb(np.array([0.8, 18.0, 35.0, 6.0, 9.0])[truth], 2.0, rng),
        "years_trading": np.round(
            np.maximum(rng.gamma(3.0, np.array([6.0, 18.0, 4.0, 15.0, 9.0])[truth] / 3.0), 0.3), 1
        ),
        "max_days_past_due_12m": np.where(late, dpd, 0).astype(float),
        "industry": industry,
    }
    specs = [
        FeatureSpec("annual_turnover", "money", unit="kEUR/year"),
        FeatureSpec("turnover_change_pct", "score", unit="%", label="turnover change on last year"),
        FeatureSpec("credit_limit", "money", unit="EUR"),
        FeatureSpec("line_utilisation", "ratio", label="credit line utilisation"),
        FeatureSpec("term_loan_amount", "money", unit="EUR"),
        FeatureSpec("secured", "binary", label="secured lending"),
        FeatureSpec("employees", "count"),
        FeatureSpec("years_trading", "score", unit="years"),
        FeatureSpec("max_days_past_due_12m", "count", unit="days"),
        FeatureSpec("industry", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out H: SME lending book, limits and loans on grids, utilisation at 0 and 1, 5 segments (3 %)",
        data,
        truth,
        5,
        "business customers: turnover in kEUR, its change on last year, a credit limit on a 1k / 5k / 25k "
        "grid (none for 30 % of micro firms), line utilisation in [0, 1] with point masses at 0 and at 1 "
        "(missing without a line), a term loan's original amount on a 5k-50k grid (0 without), secured flag, "
        "employees, years trading, worst days past due, an 8-level industry; 3 % distressed (maxed out, "
        "late, shrinking)",
        scaled=_scaled(data),
    )


def multi_account(n: int, seed: int) -> Case:
    """Customers with several accounts summed: totals overlap, account counts and the largest share differ."""
    rng = np.random.default_rng(seed)
    # single everyday account, pot savers (app savings spaces), families, affluent, business owners
    truth = _truth(n, [0.36, 0.25, 0.22, 0.145, 0.025], rng)
    m = np.select(
        [truth == 0, truth == 1, truth == 2, truth == 3],
        [
            1 + rng.binomial(2, 0.2, n),
            3 + rng.poisson(3.0, n),
            2 + rng.binomial(2, 0.4, n),
            2 + rng.binomial(2, 0.3, n),
        ],
        3 + rng.poisson(1.5, n),
    )
    who = np.repeat(np.arange(n), m)
    first = np.r_[0, np.cumsum(m)[:-1]]
    slot = np.arange(len(who)) - first[who]  # 0 = the main account
    seg = truth[who]
    main_median = np.array([2500.0, 900.0, 4000.0, 60_000.0, 12_000.0])
    other_median = np.array([1200.0, 600.0, 2000.0, 3000.0, 12_000.0])
    sigma = np.array([1.1, 1.2, 1.0, 0.8, 1.3])
    median = np.where(slot == 0, main_median[seg], other_median[seg])
    balance = np.round(median * rng.lognormal(0, sigma[seg]), 2)
    total = np.bincount(who, weights=balance, minlength=n)
    largest = np.zeros(n)
    np.maximum.at(largest, who, balance)
    # inflows: one salary, two for families, business receipts for owners
    salary = np.array([2400.0, 2600.0, 2200.0, 6500.0, 15_000.0])[truth] * rng.lognormal(
        0, np.array([0.35, 0.35, 0.35, 0.5, 0.8])[truth]
    )
    second = np.where((truth == 2) & (rng.random(n) < 0.85), 1800 * rng.lognormal(0, 0.4, n), 0.0) + np.where(
        (truth != 2) & (rng.random(n) < 0.1), 1500 * rng.lognormal(0, 0.5, n), 0.0
    )
    columns = {
        "accounts": m.astype(float),
        "total_balance": np.round(total, 2),
        "largest_account_share": np.round(largest / np.maximum(total, 0.01), 3),
        "monthly_inflow": np.round(salary + second, 2),
        "own_transfers_month": _nb(np.array([0.5, 3.0, 1.0, 1.0, 2.0])[truth] * (m - 1) + 0.2, 2.0, rng),
        "standing_orders": _nb(np.array([3.0, 3.0, 7.0, 5.0, 6.0])[truth], 4.0, rng),
        "cards": (1 + rng.poisson(np.array([0.2, 0.4, 1.3, 1.0, 1.5])[truth])).astype(float),
        "joint_account": (rng.random(n) < np.array([0.08, 0.05, 0.75, 0.3, 0.2])[truth]).astype(float),
        "foreign_currency_account": (rng.random(n) < np.array([0.02, 0.02, 0.02, 0.15, 0.6])[truth]).astype(
            float
        ),
        "age": np.clip(
            np.round(
                np.array([40.0, 31.0, 41.0, 55.0, 48.0])[truth]
                + rng.normal(0, np.array([15.0, 7.0, 8.0, 11.0, 10.0])[truth])
            ),
            18,
            95,
        ),
    }
    specs = [
        FeatureSpec("accounts", "count"),
        FeatureSpec("total_balance", "money", unit="EUR"),
        FeatureSpec("largest_account_share", "ratio", label="share of the largest account"),
        FeatureSpec("monthly_inflow", "money", unit="EUR/month"),
        FeatureSpec("own_transfers_month", "count", label="transfers between own accounts a month"),
        FeatureSpec("standing_orders", "count"),
        FeatureSpec("cards", "count"),
        FeatureSpec("joint_account", "binary"),
        FeatureSpec("foreign_currency_account", "binary"),
        FeatureSpec("age", "score", unit="years"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out H: several accounts summed per customer, totals overlap, 5 segments (2.5 %)",
        data,
        truth,
        5,
        "total balance = the sum of 1-13 log-normal account balances (sd 0.8-1.3), so the totals of "
        "single-account customers, pot savers and families overlap while their account counts and the "
        "largest account's share (1 for a single account) differ; inflows (one or two salaries, business "
        "receipts), transfers between own accounts, standing orders, cards, joint and foreign-currency "
        "flags, age; 2.5 % business owners",
        scaled=_scaled(data),
    )


MONTHS = np.array("jan feb mar apr may jun jul aug sep oct nov dec".split())


def seasonal_inflows(n: int, seed: int) -> Case:
    """Income timing over a year (13th salary, seasons, harvests, invoices): 4 segments of unequal spread."""
    rng = np.random.default_rng(seed)
    # salaried (tight), tourism seasonal workers, farmers, freelancers (very diffuse)
    truth = _truth(n, [0.46, 0.2, 0.14, 0.2], rng)
    age = np.clip(
        np.round(
            np.array([43.0, 31.0, 54.0, 42.0])[truth]
            + rng.normal(0, np.array([11.0, 8.0, 10.0, 11.0])[truth])
        ),
        18,
        80,
    )
    # strong age gradient in every segment: +2.5 % a year of age, flattening after 55
    gradient = np.exp(0.025 * (np.minimum(age, 55) - 45))
    spread = np.array([0.12, 0.3, 0.45, 0.9])[truth]
    level = np.array([2900.0, 2300.0, 2600.0, 3200.0])[truth] * gradient * rng.lognormal(0, spread)
    month = np.arange(12)
    x = np.zeros((n, 12))
    # salaried: 12 salaries and a 13th in November (30 %: half in June, half in November), overtime noise
    s = truth == 0
    half = rng.random(n) < 0.3
    extra = np.zeros((n, 12))
    extra[:, 10] = np.where(half, 0.5, 1.0)
    extra[:, 5] = np.where(half, 0.5, 0.0)
    bonus = (rng.random(n) < 0.3)[:, None] * (month == 2) * rng.uniform(0.2, 1.5, (n, 1))
    salaried = (1 + extra + bonus) * rng.lognormal(0, 0.04, (n, 12))
    x[s] = salaried[s]
    # tourism: a season of 5-7 months centred on July / August, benefits of 40-70 % out of season
    t = truth == 1
    centre = rng.normal(6.5, 0.7, n)[:, None]
    width = rng.uniform(2.0, 3.5, n)[:, None]
    off = rng.uniform(0.4, 0.7, n)[:, None]
    season = np.where(np.abs(month - centre) <= width, 1.5, off) * rng.lognormal(0, 0.15, (n, 12))
    x[t] = season[t]
    # farmers: small monthly sales, a harvest lump in August-October, the EU direct payment in December;
    # a quarter are dairy farmers with a monthly milk cheque
    f = truth == 2
    dairy = rng.random(n) < 0.25
    harvest = rng.integers(7, 10, n)
    farm = 0.35 * rng.lognormal(0, 0.4, (n, 12))
    farm[np.arange(n), harvest] += rng.uniform(3.0, 6.0, n)
    farm[:, 11] += rng.uniform(1.0, 2.5, n)
    milk = rng.lognormal(0, 0.12, (n, 12)) + (month == 11) * rng.uniform(0.5, 1.5, (n, 1))
    x[f] = np.where(dairy[:, None], milk, farm)[f]
    # freelancers: a Poisson number of invoices a month (0.8-4 by client base), log-normal amounts
    fr = truth == 3
    rate = rng.uniform(0.8, 4.0, n)[:, None] * np.ones((1, 12))
    k = rng.poisson(rate)
    amounts = np.zeros((n, 12))
    kk = k[fr].ravel()
    sums = np.bincount(
        np.repeat(np.arange(len(kk)), kk), weights=rng.lognormal(0, 0.8, kk.sum()), minlength=len(kk)
    )
    amounts[fr] = sums.reshape(-1, 12) / np.maximum(rate[fr] * np.exp(0.32), 1e-9)
    x[fr] = amounts[fr]
    inflow = x * level[:, None]
    annual = inflow.sum(axis=1)
    # spending smooth over the year, the balance runs from a buffer of 0.2-2 months
    spend = annual / 12 * rng.uniform(0.8, 1.0, n)
    buffer = annual / 12 * rng.uniform(0.5, 3.0, n)
    balance = buffer[:, None] + np.cumsum(inflow - spend[:, None] * rng.lognormal(0, 0.1, (n, 12)), axis=1)
    lowest = balance.min(axis=1)
    negative_months = (balance < 0).sum(axis=1)
    columns = {
        "annual_inflow": np.round(annual, 2),
        "peak_month_share": np.round(inflow.max(axis=1) / np.maximum(annual, 0.01), 3),
        "inflow_variation": np.round(inflow.std(axis=1) / np.maximum(inflow.mean(axis=1), 0.01), 3),
        "months_without_inflow": (inflow < 1).sum(axis=1).astype(float),
        "lowest_balance": np.round(lowest, 2),
        "overdraft_days": rng.binomial(30 * negative_months, 0.6).astype(float),
        "age": age,
        "peak_month": MONTHS[inflow.argmax(axis=1)],
    }
    specs = [
        FeatureSpec("annual_inflow", "money", unit="EUR/year"),
        FeatureSpec("peak_month_share", "ratio", label="share of the year's inflow in the top month"),
        FeatureSpec("inflow_variation", "score", label="month-to-month variation of inflows"),
        FeatureSpec("months_without_inflow", "count"),
        FeatureSpec("lowest_balance", "money", unit="EUR"),
        FeatureSpec("overdraft_days", "count", unit="days"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("peak_month", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out H: income timing over a year, an age gradient, 4 segments of unequal spread",
        data,
        truth,
        4,
        "12 simulated months of inflows summarised: annual inflow, the top month's share, month-to-month "
        "variation, months without inflow, the year's lowest balance (negative for some), overdraft days, "
        "age, the top month (12 levels); salaried with a 13th salary (log sd 0.12), tourism seasons, "
        "harvest and subsidy lumps (a quarter dairy with monthly milk cheques), freelancers' invoices "
        "(log sd 0.9); every level rises 2.5 % a year of age up to 55",
        scaled=_scaled(data),
    )


PRODUCT = np.array(["current account", "savings", "consumer loan", "credit card", "mortgage", "car finance"])
CHANNEL = np.array(["branch", "website", "mobile app", "broker", "partner retailer", "car dealer"])


def product_channel(n: int, seed: int) -> Case:
    """A 4 % segment marked by a rare product x channel pair (each common alone): 5 segments."""
    rng = np.random.default_rng(seed)
    # digital everyday, traditional branch, online borrowers, retail co-brand card, point-of-sale loans
    truth = _truth(n, [0.36, 0.3, 0.17, 0.13, 0.04], rng)
    product_lean = np.array(
        [
            [0.7, 0.12, 0.06, 0.1, 0.02, 0.0],
            [0.45, 0.3, 0.05, 0.03, 0.15, 0.02],
            [0.1, 0.02, 0.55, 0.1, 0.05, 0.18],
            [0.05, 0.02, 0.03, 0.88, 0.0, 0.02],
            [0.0, 0.0, 0.92, 0.06, 0.0, 0.02],
        ]
    )
    channel_lean = np.array(
        [
            [0.05, 0.25, 0.68, 0.0, 0.02, 0.0],
            [0.8, 0.1, 0.02, 0.05, 0.03, 0.0],
            [0.08, 0.5, 0.17, 0.12, 0.03, 0.1],
            [0.03, 0.05, 0.05, 0.0, 0.87, 0.0],
            [0.0, 0.03, 0.02, 0.0, 0.95, 0.0],
        ]
    )
    t = np.array(
        [  # income, balance, credit outstanding, logins, visits a year, products, age, tenure months
            [2600.0, 3000.0, 600.0, 25.0, 0.3, 2.2, 33.0, 40.0],
            [2900.0, 9000.0, 3000.0, 2.0, 8.0, 3.0, 55.0, 150.0],
            [2400.0, 1200.0, 14_000.0, 10.0, 1.0, 1.8, 38.0, 20.0],
            [2200.0, 900.0, 1300.0, 6.0, 1.0, 1.4, 44.0, 30.0],
            [2200.0, 800.0, 2400.0, 4.0, 0.5, 1.1, 47.0, 9.0],
        ]
    )[truth]
    has_credit = rng.random(n) < np.array([0.3, 0.35, 1.0, 0.95, 1.0])[truth]
    age = np.clip(np.round(t[:, 6] + rng.normal(0, np.array([8.0, 12.0, 10.0, 12.0, 12.0])[truth])), 18, 95)
    columns = {
        "monthly_income": np.round(t[:, 0] * rng.lognormal(0, 0.45, n), 2),
        "average_balance": np.round(t[:, 1] * rng.lognormal(0, 1.0, n), 2),
        "credit_outstanding": np.where(has_credit, np.round(t[:, 2] * rng.lognormal(0, 0.7, n), 2), 0.0),
        "app_logins_month": _nb(t[:, 3], 1.5, rng),
        "branch_visits_year": _nb(t[:, 4], 1.5, rng),
        "products": (1 + rng.poisson(t[:, 5] - 1)).astype(float),
        "age": age,
        "tenure_months": np.minimum(np.round(rng.gamma(2.0, t[:, 7] / 2.0)), 12 * (age - 16)),
        "paperless": (rng.random(n) < np.array([0.95, 0.3, 0.8, 0.6, 0.55])[truth]).astype(float),
        "main_product": _lean(PRODUCT, product_lean[truth], rng),
        "acquisition_channel": _lean(CHANNEL, channel_lean[truth], rng),
    }
    specs = [
        FeatureSpec("monthly_income", "money", unit="EUR/month"),
        FeatureSpec("average_balance", "money", unit="EUR"),
        FeatureSpec("credit_outstanding", "money", unit="EUR"),
        FeatureSpec("app_logins_month", "count"),
        FeatureSpec("branch_visits_year", "count"),
        FeatureSpec("products", "count"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("tenure_months", "count", unit="months"),
        FeatureSpec("paperless", "binary", label="paperless statements"),
        FeatureSpec("main_product", "categorical"),
        FeatureSpec("acquisition_channel", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out H: a 4 % segment marked by a rare product x channel pair, 5 segments",
        data,
        truth,
        5,
        "6-level main product and 6-level acquisition channel; consumer loans (17 %) and the partner-"
        "retailer channel (17 %) are each common, but together (4.1 % of rows, 81 % of them the segment) "
        "they mark the 4 % point-of-sale financed segment; income, balance, credit outstanding, logins, "
        "branch visits, products, age, tenure and a paperless flag differ moderately",
        scaled=_scaled(data),
    )


SECTOR = np.array(
    ["public sector", "manufacturing", "retail", "health", "IT", "construction", "finance", "hospitality"]
)
DOCUMENT = np.array(["national id", "passport", "residence permit"])


def missing_kyc(n: int, seed: int) -> Case:
    """Bureau and KYC fields missing at 12-31 %, the pattern telling the segment: 5 segments, one of 3 %."""
    rng = np.random.default_rng(seed)
    # established, thin-file young, newcomers to the country, self-employed, legacy (acquired bank)
    truth = _truth(n, [0.5, 0.2, 0.12, 0.15, 0.03], rng)

    def missing(p: list[float]) -> np.ndarray:
        return rng.random(n) < np.array(p)[truth]

    score = np.clip(
        np.round(rng.normal(np.array([700.0, 610.0, 640.0, 680.0, 720.0])[truth], 60)), 300, 850
    ).astype(float)
    score[missing([0.03, 0.6, 0.85, 0.08, 0.3])] = np.nan
    income = np.array([3100.0, 1500.0, 2200.0, 4200.0, 2900.0])[truth] * rng.lognormal(
        0, np.array([0.35, 0.4, 0.45, 0.8, 0.4])[truth]
    )
    declared = np.round(income / 50) * 50  # declared incomes are round
    declared[missing([0.06, 0.2, 0.15, 0.45, 0.7])] = np.nan
    address = np.round(rng.gamma(2.0, np.array([11.0, 2.5, 1.0, 9.0, 20.0])[truth] / 2.0), 1)
    address[missing([0.05, 0.1, 0.35, 0.08, 0.75])] = np.nan
    # what actually arrives: salaried close to the declared level, the self-employed volatile
    inflow = income * rng.lognormal(0, np.array([0.15, 0.25, 0.25, 0.6, 0.2])[truth])
    sector_lean = np.array(
        [
            [0.25, 0.15, 0.1, 0.15, 0.1, 0.1, 0.1, 0.05],
            [0.05, 0.1, 0.3, 0.1, 0.1, 0.05, 0.05, 0.25],
            [0.02, 0.15, 0.15, 0.2, 0.1, 0.2, 0.03, 0.15],
            [0.0, 0.1, 0.15, 0.2, 0.25, 0.2, 0.05, 0.05],
            [0.3, 0.2, 0.1, 0.1, 0.05, 0.1, 0.1, 0.05],
        ]
    )
    sector = _lean(SECTOR, sector_lean[truth], rng).astype(object)
    sector[missing([0.1, 0.35, 0.3, 0.9, 0.5])] = None
    document_lean = np.array(
        [[0.9, 0.08, 0.02], [0.85, 0.1, 0.05], [0.15, 0.25, 0.6], [0.88, 0.1, 0.02], [0.9, 0.1, 0.0]]
    )
    columns = {
        "bureau_score": score,
        "declared_income": declared,
        "monthly_inflow": np.round(inflow, 2),
        "years_at_address": address,
        "months_since_kyc_review": _nb(np.array([14.0, 8.0, 5.0, 12.0, 70.0])[truth], 3.0, rng),
        "products": (1 + rng.poisson(np.array([2.0, 0.6, 0.8, 1.8, 1.5])[truth])).astype(float),
        "email_on_file": (~missing([0.1, 0.01, 0.1, 0.08, 0.75])).astype(float),
        "age": np.clip(
            np.round(
                np.array([48.0, 22.0, 34.0, 46.0, 71.0])[truth]
                + rng.normal(0, np.array([12.0, 2.5, 8.0, 10.0, 9.0])[truth])
            ),
            18,
            99,
        ),
        "employer_sector": sector,
        "id_document": _lean(DOCUMENT, document_lean[truth], rng),
    }
    specs = [
        FeatureSpec("bureau_score", "score", unit="points"),
        FeatureSpec("declared_income", "money", unit="EUR/month"),
        FeatureSpec("monthly_inflow", "money", unit="EUR/month"),
        FeatureSpec("years_at_address", "score", unit="years"),
        FeatureSpec("months_since_kyc_review", "count", label="months since the last KYC review"),
        FeatureSpec("products", "count"),
        FeatureSpec("email_on_file", "binary"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("employer_sector", "categorical"),
        FeatureSpec("id_document", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out H: bureau and KYC fields missing by segment (12-30 % per column), 5 segments (3 %)",
        data,
        truth,
        5,
        "bureau score (missing 26 %: thin files, newcomers), declared income (18 %: self-employed, legacy), "
        "years at address (12 %: newcomers, legacy), employer sector (30 %: self-employed), next to complete "
        "inflow, KYC review age, products, e-mail flag, age, id document; the missingness pattern carries "
        "much of the segment; 3 % legacy customers migrated from an acquired bank",
        scaled=_scaled(data),
    )


def _annuity(principal: np.ndarray, monthly_rate: np.ndarray, months: np.ndarray) -> np.ndarray:
    return principal * monthly_rate / (1 - (1 + monthly_rate) ** -months)


def loan_book_blob(n: int, seed: int) -> Case:
    """No segments: a consumer-loan book tied together by the annuity formula and risk-based pricing."""
    rng = np.random.default_rng(seed)
    # a Gaussian copula over creditworthiness, affluence and loan appetite
    z = rng.multivariate_normal(np.zeros(3), [[1, 0.4, -0.1], [0.4, 1, 0.3], [-0.1, 0.3, 1]], n)
    score = np.round(300 + 550 * stats.beta.ppf(stats.norm.cdf(z[:, 0]), 6, 2.5))
    income = 2400 * np.exp(0.4 * z[:, 1])
    amount = np.clip(np.round(income * np.exp(np.log(4.0) + 0.6 * z[:, 2]) / 100) * 100, 1000, 75_000)
    term = np.clip(np.round(48 * (amount / 9600) ** 0.3 * rng.lognormal(0, 0.25, n)), 6, 96)
    risk = 1 - (score - 300) / 550
    rate = np.clip(0.03 + 0.12 * risk**1.5 + rng.normal(0, 0.005, n), 0.019, 0.199)
    instalment = _annuity(amount, rate / 12, term)
    on_book = np.floor(rng.random(n) * term)
    growth = (1 + rate / 12) ** on_book
    remaining = amount * growth - instalment * (growth - 1) / (rate / 12)
    # overpayments: more likely for the affluent, amounts densest near zero (gamma shape 0.7)
    p_over = 1 / (1 + np.exp(2.0 - 0.8 * z[:, 1]))
    over = np.where(rng.random(n) < p_over, np.minimum(rng.gamma(0.7, 0.05 * amount), remaining), 0.0)
    columns = {
        "loan_amount": amount,
        "term_months": term,
        "interest_rate": np.round(rate, 4),
        "monthly_instalment": np.round(instalment, 2),
        "remaining_balance": np.round(np.maximum(remaining - over, 0), 2),
        "months_on_book": on_book,
        "overpaid_12m": np.round(over, 2),
        "arrears_months_12m": rng.poisson(0.03 * np.exp(4 * risk) * np.minimum(on_book, 12) / 12).astype(
            float
        ),
        "debt_to_income": np.round(np.minimum(instalment / income, 1.0), 3),
        "bureau_score": score,
        "age": np.clip(np.round(24 + rng.gamma(3.0, 5.0, n) + 3 * z[:, 1]), 18, 85),
    }
    specs = [
        FeatureSpec("loan_amount", "money", unit="EUR"),
        FeatureSpec("term_months", "count", unit="months"),
        FeatureSpec("interest_rate", "ratio", unit="per year"),
        FeatureSpec("monthly_instalment", "money", unit="EUR/month"),
        FeatureSpec("remaining_balance", "money", unit="EUR"),
        FeatureSpec("months_on_book", "count"),
        FeatureSpec("overpaid_12m", "money", unit="EUR", label="overpayments in 12 months"),
        FeatureSpec("arrears_months_12m", "count", label="months in arrears in 12 months"),
        FeatureSpec("debt_to_income", "ratio"),
        FeatureSpec("bureau_score", "score", unit="points"),
        FeatureSpec("age", "score", unit="years"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out H: consumer-loan book tied by the annuity formula and risk pricing, no segments",
        data,
        None,
        None,
        "a Gaussian copula over creditworthiness, affluence and loan appetite drives amount (to 100), term "
        "(any whole month 6-96, longer for larger loans), a rate falling with the bureau score, the annuity "
        "instalment, the balance left after a uniform time on book, overpayments (zero for most, gamma 0.7 "
        "amounts densest near zero), months in arrears (Poisson, rising with risk), debt to income, age; one "
        "population",
        scaled=_scaled(data),
    )


HELDOUT_H = [
    (sme_lending, 24_000),
    (multi_account, 20_000),
    (seasonal_inflows, 18_000),
    (product_channel, 25_000),
    (missing_kyc, 20_000),
    (loan_book_blob, 12_000),
]
