"""Held-out generator families, tenth set (2026-11-25). Written before any method was run on them: no
code in ``segmentation/`` knows these families, none was run through the trainer (nor anything in
``run.py``) before they were handed over, by a helper that read neither how the trainer prepares data
nor any results; only the generators' supervised separability was checked (3-fold CV accuracy of
``HistGradientBoostingClassifier``, categories as codes, seed 1, full size): payday cycle 0.988 (the
3 % in difficulty recall 0.952), rewards tiers 0.970 (numbers alone 0.969, categories alone 0.730;
the 3.5 % tier chasers' recall 0.973), month-end balances 0.989 (steady against volatile, on the 12
balances alone, 0.993), person-to-person payments 0.978 (the 2.5 % family supporters' recall 0.989),
service survey 0.965 (numbers alone 0.957, categories alone 0.593; the 8 % with an unresolved complaint
recall 0.883) (``PYTHONPATH=backend OMP_NUM_THREADS=1 .venv/bin/python -m evaluation.separability
heldout_j`` from the repository root, 15 s on 1 thread; the sub-figures with the same classifier and
folds on those columns or rows, recalls from ``cross_val_predict`` on the same folds). Families 3-6
live in ``heldout_j2.py``.

Shapes none of sets A-I has:

- Payday cycle: 90 days of one current account simulated day by day (the last 60 recorded): income by
  schedule (monthly on the last working day or the 15th, weekly or fortnightly wages, gig payouts on 1
  day in 5, pensions on the 1st-3rd, benefits on a claim day), bills on the 2nd, card spend heavier at
  weekends and in the 3 days from an income credit; a payment that would pass the overdraft limit (a
  0-5,000 grid) is refused, so the lowest balance piles exactly at minus the limit (8 % of rows, 76 %
  of the 3 % in difficulty); signed average / lowest / highest balance, days overdrawn, declined
  payments, the count of income credits (2 / 4-9 / about 12), a 3-level package; 6 segments.
- A card rewards programme: a 4-level tier set by last year's spend (5,000 / 15,000 / 40,000; last year
  = this year x log-normal sd 0.25, so the tier lags), points earned = spend x 1 / 1.25 / 1.5 / 2 by
  tier + 2 per EUR in bonus categories (rays through the origin in spend x points), points held from a
  few weeks' earnings (cashback maximisers) to three years' (hoarders), redemptions, a preferred reward
  missing without one; 3.5 % tier chasers whose spend bunches just above the gold or platinum threshold
  with 47 % of it in the year's last quarter (27 % for the rest); 5 segments.
- Twelve month-end balances as columns: one level distribution for every segment (log-normal, median
  6,000, log sd 0.9) times the year's shape: steady, volatile (the same mean, each month log sd 0.45
  around the level: a segment that differs in variance, not mean), a summer bump, a straight drawdown
  that stays at exactly 0 once it gets there, a straight build-up; interest = average balance x a
  product's rate; 5 segments.
- Person-to-person payments from a simulated 6-month log: contacts drawn from a per-customer pool
  (friends who split bills pay and are paid by the same people: two-way contacts), landlords' fixed
  monthly rents from 1-4 tenants, small traders whose receipts are a mixture (small sales and 12 %
  large orders x14), distinct payers / payees tied to the counts, the share of amounts in whole tens
  (missing without payments); 5 segments, 2.5 % family supporters sending fixed round sums monthly.
- A service survey joined to behaviour: four 1-5 ratings cut from one opinion plus an item offset by
  segment, asked only where they apply (the app rating missing for non-users, the branch rating without
  a visit; 34 % and 56 % missing) and 6 % left blank, a 0-10 likelihood to recommend piling at 10,
  complaints, contact-centre calls, fees charged, the survey's channel; 4 segments.
- No segments: a current-account book from a Gaussian copula over affluence, digital affinity, credit
  appetite and age: log-normal income, spend with gamma noise, savings over six orders of magnitude, an
  overdraft drawn that is a censored linear score (zero for 69 %, densest next to zero), negative-
  binomial logins, branch visits and transactions, a 1-5 satisfaction (25 % not surveyed), two flags
  with logistic probabilities (38 % and 57 %), a 4-level preferred channel from a multinomial logit of
  the factors, and a 6-level region that carries nothing.

Money families carry ``scaled``: the numeric block with the money columns in cents and in
thousands (as ``generators.unequal``; ``run.py`` refits the same units itself with ``in_units``).
"""

from __future__ import annotations

import numpy as np

from segmentation.ml.kinds import FeatureData, FeatureSpec

from .generators import Case
from .heldout_d import _lean, _truth
from .heldout_f import _nb, _scaled
from .heldout_j2 import cx_survey, everyday_blob, monthly_balances, p2p_payments

DAYS, WARM = 60, 30  # two months of 30 days recorded after a month's warm-up; each month's day 0 is its 1st
LIMITS = np.array([0.0, 250.0, 500.0, 1_000.0, 1_500.0, 2_500.0, 5_000.0])
PACKAGE = np.array(["basic", "standard", "premium"])


def _paydays(n: int, truth: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Which days bring income (n x 90 days, weights that sum to 3 for three months' income)."""
    day = np.arange(WARM + DAYS)[None, :]
    paid = np.zeros((n, WARM + DAYS))

    def on(rows: np.ndarray, when: np.ndarray, period: np.ndarray | int = 30) -> None:
        paid[rows] = (day - when[rows, None]) % (period if np.isscalar(period) else period[rows, None]) == 0

    # monthly pay on the last working day (27th +- 1 by employer), a fifth of employers on the 15th
    on(np.isin(truth, [0, 1]), np.where(rng.random(n) < 0.2, 14, 27) + rng.integers(-1, 2, n))
    # hourly workers: weekly (45 %) or fortnightly wages from a random first day, hours vary
    period = np.where(rng.random(n) < 0.45, 7, 14)
    on(truth == 2, rng.integers(0, 14, n), period)
    paid[truth == 2] *= rng.lognormal(0, 0.12, ((truth == 2).sum(), WARM + DAYS))
    # gig workers: platform payouts on about 1 day in 5, amounts log sd 0.8
    gig = truth == 3
    paid[gig] = (rng.random((gig.sum(), WARM + DAYS)) < 0.2) * rng.lognormal(0, 0.8, (gig.sum(), WARM + DAYS))
    on(truth == 4, rng.integers(0, 3, n))  # pensions at the start of the month
    on(truth == 5, rng.integers(0, 30, n))  # benefits on the claim's assessment day
    total = paid.sum(axis=1, keepdims=True)
    return np.where(total > 0, paid / np.maximum(total, 1e-9), 0.0) * 3


def payday_cycle(n: int, seed: int) -> Case:
    """Two months of daily balances against a hard overdraft limit: 6 segments, one of 3 %."""
    rng = np.random.default_rng(seed)
    # comfortable salaried, paycheck to paycheck, hourly (weekly / fortnightly), gig, pensioners,
    # customers in difficulty
    truth = _truth(n, [0.33, 0.22, 0.18, 0.16, 0.08, 0.03], rng)
    income = np.array([3_300.0, 2_300.0, 2_000.0, 1_900.0, 1_600.0, 1_250.0])[truth] * rng.lognormal(
        0, 0.3, n
    )
    credits = np.round(_paydays(n, truth, rng) * income[:, None], 2)
    T = WARM + DAYS
    # spending: spend / income, bills on the 2nd of each month, card spend weighted by weekday and payday
    ratio = np.array([0.8, 1.0, 0.98, 0.97, 0.78, 1.12])[truth] * rng.lognormal(0, 0.04, n)
    bills_share = np.minimum(
        np.array([0.38, 0.45, 0.42, 0.35, 0.4, 0.5])[truth] * rng.lognormal(0, 0.1, n), 0.8
    )
    bills = np.where(np.arange(T) % 30 == 1, (ratio * bills_share * income)[:, None], 0.0)
    weekday = np.where((np.arange(T) + 2) % 7 >= 5, 1.5, 1.0)  # day 0 is a Wednesday
    recent = np.zeros((n, T))
    for lag in range(3):  # the three days from an income credit
        recent[:, lag:] += credits[:, : T - lag] > 0
    recent = np.minimum(recent, 1)
    boost = np.array([0.1, 1.6, 0.8, 0.3, 0.2, 2.0])[truth]
    weight = weekday * (1 + boost[:, None] * recent) * rng.gamma(2.0, 0.5, (n, T))
    card = (
        (ratio * (1 - bills_share) * income * 12 / 365)[:, None] * weight / weight.mean(axis=1, keepdims=True)
    )
    lean = np.array(
        [
            [0.05, 0.15, 0.25, 0.35, 0.15, 0.05, 0.0],
            [0.0, 0.1, 0.3, 0.35, 0.2, 0.05, 0.0],
            [0.1, 0.3, 0.4, 0.2, 0.0, 0.0, 0.0],
            [0.3, 0.35, 0.25, 0.1, 0.0, 0.0, 0.0],
            [0.55, 0.2, 0.15, 0.1, 0.0, 0.0, 0.0],
            [0.0, 0.3, 0.45, 0.25, 0.0, 0.0, 0.0],
        ]
    )
    limit = _lean(LIMITS, lean[truth], rng)
    # day 0's balance covers what goes out before the first income (as if last month's pay were there)
    # plus a margin: savings for some, a shortfall for others; those in difficulty start near their limit
    debits = np.cumsum(bills + card, axis=1)
    first = np.argmax(credits > 0, axis=1)
    need = np.where(first > 0, debits[np.arange(n), first - 1], 0.0)
    margin = np.select(
        [truth == 0, truth == 1, truth == 4],
        [1.2 * rng.lognormal(0, 0.7, n), rng.uniform(-0.25, 0.05, n), 1.8 * rng.lognormal(0, 0.7, n)],
        rng.uniform(-0.05, 0.2, n),
    )
    balance = np.where(
        truth == 5, -limit * rng.uniform(0.6, 1.0, n), np.maximum(need + margin * income, -limit)
    )
    low, high, total = np.full(n, np.inf), np.full(n, -np.inf), np.zeros(n)
    overdrawn, declined, spent = np.zeros(n), np.zeros(n), np.zeros((n, T))
    extra = rng.poisson(1.0, (n, T))  # further card payments refused after the first
    for d in range(T):
        balance = balance + credits[:, d]
        returned = bills[:, d] > balance + limit  # a direct debit is returned unpaid
        balance = balance - np.where(returned, 0.0, bills[:, d])
        spent[:, d] = np.minimum(card[:, d], np.maximum(balance + limit, 0.0))
        refused = card[:, d] - spent[:, d] > 0.01  # the payment that would pass the limit is refused
        balance = np.round(balance - spent[:, d], 2)
        if d >= WARM:
            declined += returned + refused * (1 + extra[:, d])
            low, high = np.minimum(low, balance), np.maximum(high, balance)
            total += balance
            overdrawn += balance < 0
    credits, recent, spent = credits[:, WARM:], recent[:, WARM:], spent[:, WARM:]
    columns = {
        "income_60d": np.round(credits.sum(axis=1), 2),
        "income_credits_60d": (credits > 0).sum(axis=1).astype(float),
        "average_daily_balance": np.round(total / DAYS, 2),
        "lowest_balance": low,
        "highest_balance": high,
        "overdraft_limit": limit,
        "days_overdrawn": overdrawn,
        "declined_payments": declined,
        "card_spend_after_payday_share": np.round(
            (spent * recent).sum(axis=1) / np.maximum(spent.sum(axis=1), 1), 3
        ),
        "age": np.clip(
            np.round(
                np.array([44.0, 35.0, 33.0, 30.0, 72.0, 41.0])[truth]
                + rng.normal(0, np.array([11.0, 9.0, 10.0, 7.0, 6.0, 11.0])[truth])
            ),
            18,
            95,
        ),
        "account_package": _lean(
            PACKAGE,
            np.array([[0.2, 0.5, 0.3], [0.45, 0.5, 0.05], [0.65, 0.33, 0.02], [0.6, 0.35, 0.05]])[
                np.minimum(truth, 3)
            ],
            rng,
        ),
    }
    specs = [
        FeatureSpec("income_60d", "money", unit="EUR", label="income credited in 60 days"),
        FeatureSpec("income_credits_60d", "count", label="income credits in 60 days"),
        FeatureSpec("average_daily_balance", "money", unit="EUR"),
        FeatureSpec("lowest_balance", "money", unit="EUR"),
        FeatureSpec("highest_balance", "money", unit="EUR"),
        FeatureSpec("overdraft_limit", "money", unit="EUR"),
        FeatureSpec("days_overdrawn", "count", unit="days"),
        FeatureSpec("declined_payments", "count", label="declined card payments and returned debits"),
        FeatureSpec(
            "card_spend_after_payday_share", "ratio", label="share of card spend within 3 days of income"
        ),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("account_package", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out J: daily balances over two months against a hard overdraft limit, 6 segments (3 %)",
        data,
        truth,
        6,
        "90 days simulated day by day (the last 60 recorded): income by schedule (monthly on the last "
        "working day or the 15th, weekly or fortnightly wages, gig payouts on 1 day in 5, pensions on the "
        "1st-3rd, benefits on a claim day), bills on the 2nd, card spend heavier at weekends and in the 3 "
        "days from an income credit (x1.1 to x3 by segment); payments that would pass the overdraft limit "
        "(a 0-5,000 grid) are refused, so the lowest balance piles exactly at minus the limit; income, "
        "credits, average / lowest / highest balance (signed), days overdrawn, declined payments, spend "
        "share after payday, age, a 3-level package; 3 % customers in difficulty at their limit",
        scaled=_scaled(data),
    )


TIERS = np.array(["blue", "silver", "gold", "platinum"])
THRESHOLDS = np.array(
    [5_000.0, 15_000.0, 40_000.0]
)  # last year's card spend that earns silver, gold, platinum
EARN = np.array([1.0, 1.25, 1.5, 2.0])  # points per EUR by tier; bonus categories earn 2 more for everyone
REDEEM = np.array(["cashback", "travel", "gift cards", "charity"])


def rewards_tiers(n: int, seed: int) -> Case:
    """A card rewards programme: tiers by last year's spend, chasers bunched above a threshold: 5 segments."""
    rng = np.random.default_rng(seed)
    # casual, cashback maximisers, hoarders, travel redeemers, tier chasers
    truth = _truth(n, [0.4, 0.25, 0.185, 0.13, 0.035], rng)
    spend = np.array([3_800.0, 9_000.0, 11_000.0, 27_000.0, 1.0])[truth] * rng.lognormal(
        0, np.array([0.7, 0.45, 0.6, 0.45, 0.0])[truth]
    )
    last_year = spend * rng.lognormal(0, 0.25, n)
    # tier chasers spend just enough to keep gold (60 %) or platinum, both years
    target = THRESHOLDS[np.where(rng.random(n) < 0.6, 1, 2)]
    chaser = truth == 4
    spend = np.where(chaser, target * (1 + rng.exponential(0.04, n)), spend)
    last_year = np.where(
        chaser, target * (1 + rng.exponential(0.04, n) - 0.1 * (rng.random(n) < 0.15)), last_year
    )
    tier = np.searchsorted(THRESHOLDS, last_year, side="right")
    bonus = rng.beta(*(30 * np.array([[0.3, 0.55, 0.3, 0.22, 0.35], [0.7, 0.45, 0.7, 0.78, 0.65]])[:, truth]))
    q4 = rng.beta(
        *(40 * np.array([[0.27, 0.26, 0.27, 0.24, 0.47], [0.73, 0.74, 0.73, 0.76, 0.53]])[:, truth])
    )
    earned = np.round(spend * (EARN[tier] + 2 * bonus))
    # points held: a share of a year's earnings (expiring after three years), by how the segment redeems
    years = np.select(
        [truth == 0, truth == 1, truth == 2, truth == 3],
        [
            np.minimum(rng.gamma(2.0, 0.6, n), 3),
            rng.uniform(0, 0.12, n),
            rng.uniform(2.2, 3.0, n),
            rng.uniform(0.1, 1.3, n),
        ],
        rng.uniform(0.1, 1.0, n),
    )
    redemptions = _nb(np.array([0.5, 9.0, 0.04, 1.6, 2.0])[truth], 2.0, rng)
    worth = np.array([0.008, 0.01, 0.008, 0.015, 0.012])[truth]  # EUR a point in the usual reward
    share = np.array([0.5, 0.95, 0.8, 1.0, 0.6])[truth] * rng.uniform(0.5, 1.2, n)
    prefer = np.array(
        [[0.35, 0.1, 0.45, 0.1], [0.92, 0.02, 0.05, 0.01], [0.3, 0.3, 0.3, 0.1], [0.05, 0.9, 0.03, 0.02]]
    )
    prefer = np.vstack([prefer, [[0.3, 0.6, 0.1, 0.0]]])
    columns = {
        "card_spend_12m": np.round(spend, 2),
        "points_earned_12m": earned,
        "points_balance": np.round(earned * years),
        "redemptions_12m": redemptions,
        "redeemed_value_12m": np.where(redemptions > 0, np.round(earned * share * worth, 2), 0.0),
        "bonus_category_share": np.round(bonus, 3),
        "q4_spend_share": np.round(q4, 3),
        "card_transactions_12m": _nb(spend / np.array([38.0, 30.0, 45.0, 70.0, 32.0])[truth], 8.0, rng),
        "tenure_years": np.minimum(
            np.floor(rng.gamma(2.0, np.array([2.5, 2.5, 4.0, 3.0, 3.0])[truth])) + 1 + 2 * (truth == 2), 30
        ),
        "tier": TIERS[tier],
        "preferred_redemption": np.where(redemptions > 0, _lean(REDEEM, prefer[truth], rng), None),
    }
    specs = [
        FeatureSpec("card_spend_12m", "money", unit="EUR", label="card spend in 12 months"),
        FeatureSpec("points_earned_12m", "count", unit="points"),
        FeatureSpec("points_balance", "count", unit="points"),
        FeatureSpec("redemptions_12m", "count"),
        FeatureSpec(
            "redeemed_value_12m", "money", unit="EUR", label="value of rewards redeemed in 12 months"
        ),
        FeatureSpec("bonus_category_share", "ratio", label="share of spend in bonus categories"),
        FeatureSpec("q4_spend_share", "ratio", label="share of the year's spend in its last quarter"),
        FeatureSpec("card_transactions_12m", "count"),
        FeatureSpec("tenure_years", "count", unit="years"),
        FeatureSpec("tier", "categorical"),
        FeatureSpec("preferred_redemption", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out J: a card rewards programme, tiers from last year's spend, 3.5 % tier chasers, 5 segments",
        data,
        truth,
        5,
        "12 months of a rewards card: spend (log-normal by segment), a 4-level tier set by last year's spend "
        "(thresholds 5,000 / 15,000 / 40,000; last year = this year x log-normal sd 0.25, so the tier lags), "
        "points earned = spend x 1 / 1.25 / 1.5 / 2 by tier + 2 per EUR in bonus categories (rays in spend x "
        "points), points held (a few weeks' earnings for cashback maximisers, up to 3 years' for hoarders), "
        "redemptions and their value, share of spend in bonus categories and in the last quarter, "
        "transactions, tenure, preferred reward (missing without a redemption); 3.5 % tier chasers whose "
        "spend bunches just above the gold or platinum threshold with 47 % of it in the last quarter",
        scaled=_scaled(data),
    )


HELDOUT_J = [
    (payday_cycle, 18_000),
    (rewards_tiers, 24_000),
    (monthly_balances, 20_000),
    (p2p_payments, 15_000),
    (cx_survey, 9_000),
    (everyday_blob, 12_000),
]
