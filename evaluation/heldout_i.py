"""Held-out generator families, ninth set (2026-11-24). Written before any method was run on them:
no code in ``segmentation/`` knows these families, none was run through the trainer (nor anything
in ``run.py``) before they were handed over; only the generators' supervised separability was
checked (3-fold CV accuracy of ``HistGradientBoostingClassifier``, categories as codes, seed 1, full
size): households 0.941, card counts 0.944 (the 3 % travellers' recall 0.82), digital bank 0.976
(numbers alone 0.974, without tenure 0.925), students 0.938 (numbers alone 0.906, account type alone
0.603), cash deposits 0.975 (``PYTHONPATH=backend OMP_NUM_THREADS=1 .venv/bin/python -m
evaluation.separability heldout_i`` from the repository root, 18 s on 1 thread; the sub-figures with
the same ``accuracy`` on those columns). Families 4-6 live in ``heldout_i2.py``.

Shapes none of sets A-H has:

- Households: groceries and utilities scale with a discrete multiplier, the equivalence scale
  1 + 0.5 per further adult + 0.3 per child (1 to 2.7), child benefit exactly 255 per child (a
  ladder 0 / 255 / 510 / ...), childcare and per-child school costs, maintenance for 60 % of single
  parents, one or two salaries, rent or mortgage by a 4-level housing status; 5 segments, 3 % single
  parents.
- Card counts: no amounts, 15 negative-binomial counts over 90 days (13 merchant categories, ATM
  withdrawals, active days); segments lift 2-3 categories 2-20x (cash users lower every card count)
  and a shared activity level (log sd 0.4) spreads every segment along the diagonal; 7 segments,
  3 % frequent travellers.
- A digital bank in cents: tenure censored at the launch 30 months ago (15 % exactly 30: accounts
  migrated from the prepaid app), a referral campaign's bump near 15 months, crypto and brokerage
  side accounts at zero for 45-100 % of a segment, FX share missing without spend, plan and device
  categories; 4 segments.
- Students to graduates in GBP: a plan-2 loan repayment of 9 % of gross pay above 27,295 a year (0
  below it and before the first April), an interest-free overdraft on a tier grid tapering after
  graduation, termly maintenance loans, tuition paid by international students, an account type
  that lags the status; 6 segments, 3 % international students.
- Cash deposits simulated one by one over 90 days (count, total, largest, the share between 8,000
  and 9,999, branches used), 2.5 % structuring just under the 10,000 reporting line, a private /
  business type a third of cash businesses do not carry; 3 segments, 7 columns.
- No segments: a spending mix drifting with age and earning power: six category shares from a
  logistic normal (softmax of correlated normal log-ratios whose means move linearly with age and
  earning power), income with a concave age profile, card spend on an Engel curve, transactions
  tied to spend, savings; no flag, category or zero mass.

Money families carry ``scaled``: the numeric block with the money columns in cents and in
thousands (as ``generators.unequal``; ``run.py`` refits the same units itself with ``in_units``).
"""

from __future__ import annotations

import numpy as np

from segmentation.ml.kinds import FeatureData, FeatureSpec

from .generators import Case
from .heldout_d import _lean, _truth
from .heldout_f import _nb, _scaled
from .heldout_i2 import cash_deposits, spending_mix_blob, students

HOUSING = np.array(["renting", "mortgage", "owned outright", "with parents"])


def households(n: int, seed: int) -> Case:
    """Household spending scaled by household size (an equivalence scale): 5 segments, one of 3 %."""
    rng = np.random.default_rng(seed)
    # singles, couples without children, young families, school-age families, single parents
    truth = _truth(n, [0.32, 0.26, 0.2, 0.19, 0.03], rng)
    adults = np.array([1, 2, 2, 2, 1])[truth]
    children = np.select(
        [truth == 2, truth == 3, truth == 4],
        [1 + rng.binomial(2, 0.35, n), 1 + rng.binomial(3, 0.4, n), 1 + rng.binomial(2, 0.3, n)],
        0,
    )
    scale = 1 + 0.5 * (adults - 1) + 0.3 * children  # the OECD-modified equivalence scale
    first = np.array([2_500.0, 2_700.0, 2_800.0, 3_000.0, 2_100.0])[truth] * rng.lognormal(0, 0.4, n)
    earns = (adults == 2) & (rng.random(n) > np.array([0.0, 0.08, 0.2, 0.12, 0.0])[truth])
    second = np.where(earns, np.array([0.0, 2_300.0, 1_000.0, 1_700.0, 0.0])[truth], 0.0)
    benefit = 255.0 * children * (rng.random(n) > 0.06)  # child benefit, paid to the other parent for some
    maintenance = np.where(
        (truth == 4) & (rng.random(n) < 0.6), 350 * children * rng.lognormal(0, 0.3, n), 0.0
    )
    childcare = np.where(
        rng.random(n) < np.array([0.0, 0.0, 0.8, 0.2, 0.65])[truth],
        np.array([1.0, 1.0, 420.0, 160.0, 300.0])[truth] * rng.lognormal(0, 0.5, n),
        0.0,
    )
    school = np.where(
        rng.random(n) < np.array([0.0, 0.0, 0.15, 0.9, 0.6])[truth],
        55 * children * rng.lognormal(0, 0.6, n),
        0.0,
    )
    housing_lean = np.array(
        [
            [0.6, 0.15, 0.05, 0.2],
            [0.4, 0.4, 0.2, 0.0],
            [0.4, 0.55, 0.05, 0.0],
            [0.25, 0.6, 0.15, 0.0],
            [0.75, 0.2, 0.0, 0.05],
        ]
    )
    housing = _lean(HOUSING, housing_lean[truth], rng)
    cost = np.select(
        [housing == "renting", housing == "mortgage", housing == "with parents"],
        [750 * scale**0.5, 1_150 * scale**0.3, np.full(n, 150.0)],
        0.0,
    ) * rng.lognormal(0, 0.3, n)
    columns = {
        "salaries": np.round(first + second * rng.lognormal(0, 0.5, n), 2),
        "child_benefit": benefit,
        "maintenance_received": np.round(maintenance, 2),
        "groceries": np.round(330 * scale * rng.lognormal(0, 0.3, n), 2),
        "childcare": np.round(childcare, 2),
        "school_and_activities": np.round(school, 2),
        "dining_out": np.round(np.array([240.0, 310, 90, 150, 70])[truth] * rng.lognormal(0, 0.6, n), 2),
        "utilities": np.round(110 * scale**0.6 * rng.lognormal(0, 0.25, n), 2),
        "housing_payment": np.round(np.where(housing == "owned outright", 0.0, cost), 2),
        "age": np.clip(
            np.round(
                np.array([36.0, 45.0, 34.0, 43.0, 39.0])[truth]
                + rng.normal(0, np.array([13.0, 15.0, 5.0, 6.0, 7.0])[truth])
            ),
            18,
            90,
        ),
        "joint_account": (rng.random(n) < np.array([0.03, 0.7, 0.8, 0.8, 0.05])[truth]).astype(float),
        "housing": housing,
    }
    specs = [
        FeatureSpec("salaries", "money", unit="EUR/month"),
        FeatureSpec("child_benefit", "money", unit="EUR/month"),
        FeatureSpec("maintenance_received", "money", unit="EUR/month"),
        FeatureSpec("groceries", "money", unit="EUR/month"),
        FeatureSpec("childcare", "money", unit="EUR/month"),
        FeatureSpec("school_and_activities", "money", unit="EUR/month"),
        FeatureSpec("dining_out", "money", unit="EUR/month"),
        FeatureSpec("utilities", "money", unit="EUR/month"),
        FeatureSpec("housing_payment", "money", unit="EUR/month", label="rent or mortgage payment"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("joint_account", "binary"),
        FeatureSpec("housing", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out I: household spending scaled by household size, child benefit in steps, 5 segments (3 %)",
        data,
        truth,
        5,
        "groceries and utilities scale with the household's equivalence scale (1 + 0.5 per further adult "
        "+ 0.3 per child: a discrete multiplier of 1-2.7), child benefit exactly 255 per child (0 for "
        "6 % of parents), childcare, school costs per child, maintenance for 60 % of single parents, one "
        "or two salaries, dining out, rent or mortgage by a 4-level housing status, age, joint flag; 3 % "
        "single parents",
        scaled=_scaled(data),
    )


CARD = (
    "groceries pharmacy fuel parking_tolls public_transport coffee_bakery restaurants bars_nightlife "
    "food_delivery online_retail digital_subscriptions taxi_rideshare travel_bookings atm_withdrawals"
).split()
# everyone's 90-day counts, and each segment's multipliers {column: factor}
BASE = np.array([14.0, 2.0, 2.0, 1.0, 4.0, 6.0, 4.0, 1.5, 1.5, 3.0, 2.0, 0.5, 0.2, 2.0])
LIFT = [
    {0: 2.5, 1: 2.5, 2: 1.5, 5: 0.6},  # household shoppers
    {4: 8.0, 5: 3.0, 2: 0.3},  # commuters
    {9: 5.0, 10: 3.0, 8: 4.0},  # online shoppers
    {**{j: 0.4 for j in range(13)}, 13: 4.0},  # cash users
    {6: 3.0, 7: 6.0, 11: 5.0},  # going out
    {2: 6.0, 3: 10.0, 4: 0.3},  # drivers
    {12: 20.0, 11: 6.0, 6: 2.5},  # frequent travellers
]


def card_counts(n: int, seed: int) -> Case:
    """Card transaction counts per merchant category (no amounts), a shared activity level: 7 segments."""
    rng = np.random.default_rng(seed)
    truth = _truth(n, [0.27, 0.19, 0.16, 0.14, 0.12, 0.09, 0.03], rng)
    lift = np.ones((len(LIFT), len(BASE)))
    for s, factors in enumerate(LIFT):
        for j, f in factors.items():
            lift[s, j] = f
    activity = rng.lognormal(0, 0.4, n)  # light and heavy users inside every segment
    counts = _nb(BASE * lift[truth] * activity[:, None], 4.0, rng)
    card = counts[:, :13].sum(axis=1)
    active = rng.binomial(90, 1 - np.exp(-card / 90 * 1.3)).astype(float)
    columns = {f"{c}_90d": counts[:, j] for j, c in enumerate(CARD)} | {"active_days_90d": active}
    specs = [FeatureSpec(c, "count") for c in columns]
    return Case(
        "held-out I: card transaction counts per merchant category (no amounts), 7 segments (3 %)",
        FeatureData.from_columns(columns, specs),
        truth,
        7,
        "15 count columns over 90 days: transactions in 13 merchant categories, ATM withdrawals and "
        "active days; negative-binomial (shape 4) around base rates that a segment lifts 2-20x in 2-3 "
        "categories (cash users: x0.4 on every card category, x4 ATM), all multiplied by a shared "
        "activity level (log sd 0.4) so light and heavy users of a segment lie along a diagonal; "
        "3 % frequent travellers",
    )


PLAN = np.array(["standard", "plus", "premium", "metal"])
LAUNCH = 30  # the bank opened 30 months ago: tenure cannot exceed it


def neobank(n: int, seed: int) -> Case:
    """A digital bank in cents: tenure censored at launch, crypto and brokerage at zero for most: 4 segments."""
    rng = np.random.default_rng(seed)
    # early adopters, main-bank switchers, travel-card users, dormant referral-campaign sign-ups
    truth = _truth(n, [0.22, 0.38, 0.28, 0.12], rng)
    # early adopters migrated from the prepaid app at launch (70 %) or joined in the first months;
    # the others open at a rate growing with the bank; dormant ones came with a campaign 15 months ago
    opened = np.select(
        [truth == 0, truth == 3],
        [np.where(rng.random(n) < 0.7, 99.0, LAUNCH - rng.exponential(4, n)), 15 + rng.normal(0, 1.2, n)],
        LAUNCH * rng.beta(1, 1.6, n),
    )
    tenure = np.clip(np.floor(opened), 0, LAUNCH)
    spends = rng.random(n) < np.array([0.99, 0.99, 0.95, 0.5])[truth]
    spend = np.where(spends, np.array([900.0, 1_400.0, 350.0, 15.0])[truth], 0.0) * rng.lognormal(
        0, np.array([0.6, 0.5, 0.8, 1.2])[truth]
    )
    fx_mean = np.array([0.12, 0.06, 0.5, 0.1])[truth]
    fx = np.where(spends, rng.beta(4 * fx_mean, 4 * (1 - fx_mean)), np.nan)
    salaried = rng.random(n) < np.array([0.55, 0.92, 0.06, 0.0])[truth]

    def held(p: list[float], median: list[float], sd: float) -> np.ndarray:
        has = rng.random(n) < np.array(p)[truth]
        return np.where(has, np.array(median)[truth] * rng.lognormal(0, sd, n), 0.0)

    plan_lean = np.array(
        [[0.35, 0.2, 0.3, 0.15], [0.65, 0.2, 0.12, 0.03], [0.55, 0.3, 0.12, 0.03], [0.98, 0.02, 0.0, 0.0]]
    )
    columns = {
        "tenure_months": tenure,
        "card_spend_month": spend,
        "fx_spend_share": np.round(fx, 3),
        "salary_inflow": np.where(salaried, 2_700 * rng.lognormal(0, 0.4, n), 0.0),
        "vault_savings": held([0.6, 0.5, 0.2, 0.03], [2_500, 1_800, 400, 50], 1.2),
        "crypto_holdings": held([0.55, 0.08, 0.05, 0.01], [1_500, 300, 200, 20], 1.5),
        "brokerage_holdings": held([0.35, 0.15, 0.05, 0.0], [4_000, 2_500, 1_500, 1], 1.3),
        "topups_month": _nb(np.array([1.5, 0.5, 3.0, 0.1])[truth], 2.0, rng),
        "app_sessions_week": _nb(np.array([14.0, 9.0, 3.0, 0.1])[truth], 2.0, rng),
        "referrals": _nb(np.array([2.0, 0.3, 0.2, 0.02])[truth], 0.5, rng),
        "age": np.clip(
            np.round(
                np.array([33.0, 31.0, 39.0, 27.0])[truth] + rng.normal(0, np.array([7, 8, 13, 6])[truth])
            ),
            18,
            90,
        ),
        "plan": _lean(PLAN, plan_lean[truth], rng),
        "device": np.where(rng.random(n) < np.array([0.7, 0.55, 0.6, 0.5])[truth], "ios", "android"),
    }
    money = ["card_spend_month", "salary_inflow", "vault_savings", "crypto_holdings", "brokerage_holdings"]
    for c in money:  # the bank exports amounts in minor units
        columns[c] = np.round(columns[c] * 100)
    specs = [
        FeatureSpec("tenure_months", "count", unit="months"),
        FeatureSpec("card_spend_month", "money", unit="EUR cents/month"),
        FeatureSpec("fx_spend_share", "ratio", label="share of card spend in foreign currency"),
        FeatureSpec("salary_inflow", "money", unit="EUR cents/month"),
        FeatureSpec("vault_savings", "money", unit="EUR cents"),
        FeatureSpec("crypto_holdings", "money", unit="EUR cents"),
        FeatureSpec("brokerage_holdings", "money", unit="EUR cents"),
        FeatureSpec("topups_month", "count", label="top-ups from other banks a month"),
        FeatureSpec("app_sessions_week", "count"),
        FeatureSpec("referrals", "count"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("plan", "categorical"),
        FeatureSpec("device", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out I: a digital bank in cents, tenure censored at launch, crypto / brokerage zero for most, 4 segments",
        data,
        truth,
        4,
        "amounts in cents (card spend, salary, savings vault, crypto and brokerage holdings: zero for "
        "45-100 % of a segment), tenure in months censored at the bank's launch 30 months ago (a pile at 30: "
        "accounts migrated from the prepaid app), a referral campaign's bump at 15 months, FX share of card "
        "spend (missing without spend), top-ups, app sessions, referrals, age, a 4-level plan, device",
        scaled=_scaled(data),
    )


HELDOUT_I = [
    (households, 16_000),
    (card_counts, 30_000),
    (neobank, 22_000),
    (students, 12_000),
    (cash_deposits, 9_000),
    (spending_mix_blob, 14_000),
]
