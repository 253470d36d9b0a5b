"""Held-out generator families, sixth set (2026-11-24; issue 12). Written and committed before the
next method change was run on them: set E has been run once, so this set checks the next change.
No code in ``segmentation/`` knows these families, none was run through the trainer before commit;
only the generators' supervised separability was checked (3-fold CV accuracy of
``HistGradientBoostingClassifier``, categories as codes, seed 1, full size): savings 0.999,
digital channels 0.949, mortgage book 0.936 (overlapping by design), merchants 1.000, life stages
0.989 (``PYTHONPATH=backend .venv/bin/python -m evaluation.separability heldout_f`` from the
repository root, 12 s on 2 cores).

Shapes none of sets A-E has:

- Savings and deposits: balances log-uniform within each segment, 20 to 4,000,000 across the book
  (5.3 orders of magnitude, ranges of neighbouring segments overlap), interest earned over 12
  months (balance x a segment's rate, so dormant accounts earn cents or 0.00), products, deposits,
  a fixed-term share, months since the last activity; 4 segments, one of 2.5 % (private clients).
- Digital channels: monthly logins with structural zeros, the app's share of the logins (missing
  without a login), card-present and card-not-present transactions, and a 3-level preferred
  channel that agrees with the segment for only 70 % of customers; 5 segments of 38/27/17/13/5 %.
- A mortgage book: outstanding loan, loan-to-value, term on a grid of 120/180/240/300/360
  months, a rate on a product grid (x.x4 / x.x9 %), months on book, the annuity payment, a 3 %
  arrears flag; 3 overlapping segments (first-time buyers, movers, mature loans).
- Card-acquiring merchants: average monthly turnover (seasonality averaged out, its peak-to-average
  ratio a column of its own), ticket size, chargeback rate (binomial counts over a year: fractions
  of 1e-4 to 1e-2, zero for 11 %), card-not-present share, terminals (0 online), a 12-level
  merchant category code whose distributions overlap between the 4 segments.
- Life stages on a curve: 6 segments of equal size placed along one curved latent path (age 20 to
  82) that drives 10 columns non-linearly, a second "affluence" factor spreading the money
  columns within segments; 2 % of rows have one money value multiplied by 1000 (a thousands
  separator typo), marked in ``outliers``.
- No segments: a t copula (4 degrees of freedom: extremes of several columns come together) over
  three factors with loadings of both signs, with skewed money marginals (log-normal, gamma) and
  discrete counts with few values (products held, branch visits 0-4, negative-binomial logins).

Money families carry ``scaled``: the numeric block with the money columns in cents and in
thousands (as ``generators.unequal``; ``run.py`` refits the same units itself with ``in_units``).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from segmentation.ml.kinds import FeatureData, FeatureSpec

from .generators import Case
from .heldout_d import _lean, _truth


def _scaled(data: FeatureData) -> dict:
    """The numeric block with the money columns in cents and in thousands (other kinds as they are)."""
    money = np.array([s.kind == "money" for s in data.numeric_specs])
    return {
        unit: np.where(money, data.num * f, data.num) for unit, f in (("cents", 100.0), ("thousands", 0.001))
    }


def _nb(mean: np.ndarray, shape: float, rng: np.random.Generator) -> np.ndarray:
    """Negative-binomial counts (Poisson with gamma heterogeneity of the given shape) as floats."""
    return rng.poisson(mean * rng.gamma(shape, 1 / shape, np.shape(mean))).astype(float)


def savings_deposits(n: int, seed: int) -> Case:
    """Savings and deposit customers, balances over 5 orders of magnitude: 4 segments, one of 2.5 %."""
    rng = np.random.default_rng(seed)
    # dormant small accounts, easy-access savers, fixed-term depositors, private clients
    truth = _truth(n, [0.33, 0.42, 0.225, 0.025], rng)
    low = np.array([20.0, 400.0, 8_000.0, 150_000.0])[truth]
    high = np.array([800.0, 40_000.0, 300_000.0, 4_000_000.0])[truth]
    balance = np.exp(rng.uniform(np.log(low), np.log(high)))  # log-uniform within the segment
    rate = np.array([0.0005, 0.015, 0.031, 0.022])[truth] * rng.lognormal(0, 0.15, n)
    average = balance * rng.lognormal(0, 0.25, n)  # the year's average balance, not today's
    fixed = np.zeros(n)
    some = (truth == 1) & (rng.random(n) < 0.15)
    fixed[some] = rng.beta(2, 5, int(some.sum()))
    fixed[truth == 2] = rng.beta(9, 1.5, int((truth == 2).sum()))
    fixed[truth == 3] = rng.beta(3, 3, int((truth == 3).sum()))
    idle = np.where(
        truth == 0,
        12 + rng.negative_binomial(2, 0.08, n),  # dormant: no activity for 12 months or more
        rng.poisson(np.array([0.0, 0.5, 4.0, 1.0])[truth]),
    )
    columns = {
        "balance": np.round(balance, 2),
        "interest_earned_12m": np.round(average * rate, 2),
        "products": (1 + rng.poisson(np.array([0.1, 1.2, 0.6, 3.5])[truth])).astype(float),
        "deposits_12m": _nb(np.array([0.3, 11.0, 1.2, 5.0])[truth], 3.0, rng),
        "fixed_term_share": np.round(fixed, 3),
        "months_since_activity": idle.astype(float),
        "age": np.clip(np.round(np.array([45.0, 38.0, 62.0, 58.0])[truth] + rng.normal(0, 11, n)), 18, 99),
    }
    specs = [
        FeatureSpec("balance", "money", unit="EUR"),
        FeatureSpec("interest_earned_12m", "money", unit="EUR/year"),
        FeatureSpec("products", "count"),
        FeatureSpec("deposits_12m", "count"),
        FeatureSpec("fixed_term_share", "ratio"),
        FeatureSpec("months_since_activity", "count", unit="months"),
        FeatureSpec("age", "score", unit="years"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out F: savings balances over 5 orders of magnitude, 4 segments (2.5 %)",
        data,
        truth,
        4,
        "balances log-uniform within segments (20-800, 400-40k, 8k-300k, 150k-4M; neighbours overlap), "
        "interest over 12 months at 0.05-3.1 % (dormant accounts earn cents or 0.00), products, "
        "deposits, fixed-term share, months since activity (12+ for dormant), age; 2.5 % private clients",
        scaled=_scaled(data),
    )


def digital_channels(n: int, seed: int) -> Case:
    """Digital-channel use with a preferred channel that agrees with the segment 70 % of the time: 5 segments."""
    rng = np.random.default_rng(seed)
    # mobile first, offline card users, inactive, web shoppers, heavy omnichannel
    truth = _truth(n, [0.38, 0.27, 0.17, 0.13, 0.05], rng)
    never = rng.random(n) < np.array([0.03, 0.45, 0.85, 0.08, 0.0])[truth]
    logins = np.where(never, 0.0, _nb(np.array([22.0, 2.5, 1.0, 9.0, 45.0])[truth], 2.0, rng))
    app_a = np.array([12.0, 3.0, 2.0, 1.5, 6.0])[truth]
    app_b = np.array([1.5, 3.0, 2.0, 8.0, 4.0])[truth]
    app_share = np.round(rng.beta(app_a, app_b), 3)
    app_share[logins == 0] = np.nan  # no login, no share
    own = np.array(["app", "branch", "branch", "web", "app"])[truth]
    others = {"app": ["web", "branch"], "branch": ["app", "web"], "web": ["app", "branch"]}
    second = np.array([others[v][i] for v, i in zip(own, rng.integers(0, 2, n))])
    columns = {
        "logins_month": logins,
        "app_share_of_logins": app_share,
        "card_present_tx": _nb(np.array([14.0, 28.0, 3.0, 5.0, 35.0])[truth], 2.5, rng),
        "card_not_present_tx": _nb(np.array([9.0, 1.5, 0.3, 16.0, 25.0])[truth], 2.5, rng),
        "preferred_channel": np.where(rng.random(n) < 0.7, own, second),
        "age": np.clip(
            np.round(np.array([33.0, 52.0, 64.0, 41.0, 36.0])[truth] + rng.normal(0, 12, n)), 18, 99
        ),
    }
    specs = [
        FeatureSpec("logins_month", "count", unit="logins/month"),
        FeatureSpec("app_share_of_logins", "ratio"),
        FeatureSpec("card_present_tx", "count", unit="transactions/month"),
        FeatureSpec("card_not_present_tx", "count", unit="transactions/month"),
        FeatureSpec("preferred_channel", "categorical"),
        FeatureSpec("age", "score", unit="years"),
    ]
    return Case(
        "held-out F: digital channels, 5 segments (38/27/17/13/5 %)",
        FeatureData.from_columns(columns, specs),
        truth,
        5,
        "logins a month with structural zeros (85 % of the inactive, 45 % of offline card users), the "
        "app's share of logins (missing without a login), card-present and card-not-present counts, "
        "a preferred channel of 3 that agrees with the segment for 70 %, age; no money",
    )


TERMS = np.array([120.0, 180.0, 240.0, 300.0, 360.0])


def mortgage_book(n: int, seed: int) -> Case:
    """A mortgage book: 3 overlapping segments (first-time buyers, movers, mature loans)."""
    rng = np.random.default_rng(seed)
    truth = _truth(n, [0.45, 0.35, 0.2], rng)
    term_lean = np.array(
        [[0.02, 0.05, 0.13, 0.35, 0.45], [0.05, 0.15, 0.35, 0.3, 0.15], [0.35, 0.35, 0.2, 0.07, 0.03]]
    )
    term = _lean(TERMS, term_lean[truth], rng)
    on_book = np.minimum(
        np.round(rng.gamma(3.0, np.array([30.0, 70.0, 170.0])[truth] / 3.0)), term - 12
    )  # months since the loan started
    rate = np.array([4.6, 4.1, 3.4])[truth] + rng.normal(0, np.array([0.5, 0.5, 0.7])[truth])
    rate = np.clip(np.round(rate * 20) / 20 - 0.01, 0.49, 9.99)  # product grid: 3.49 %, 3.94 %
    # original loan and loan-to-value at the start, an annuity, house prices up about 3 % a year
    original = np.array([190_000.0, 290_000.0, 170_000.0])[truth] * rng.lognormal(0, 0.4, n)
    start_ltv = rng.beta(np.array([30.0, 12.0, 10.0])[truth], np.array([4.0, 5.0, 5.0])[truth])
    r = rate / 1200
    payment = original * r / (1 - (1 + r) ** -term)
    left = original * ((1 + r) ** term - (1 + r) ** on_book) / ((1 + r) ** term - 1)
    value = original / start_ltv * np.exp((0.03 + rng.normal(0, 0.02, n)) * on_book / 12)
    ltv = np.minimum(left / value, 0.99)
    columns = {
        "outstanding_balance": np.round(left, 2),
        "loan_to_value": np.round(ltv, 3),
        "term_months": term,
        "interest_rate_pct": np.round(rate, 2),
        "months_on_book": on_book,
        "monthly_payment": np.round(payment, 2),
        "in_arrears": (rng.random(n) < np.array([0.04, 0.02, 0.025])[truth]).astype(float),
        "borrower_age": np.clip(np.round(np.array([31.0, 42.0, 55.0])[truth] + rng.normal(0, 6, n)), 18, 90),
    }
    specs = [
        FeatureSpec("outstanding_balance", "money", unit="EUR"),
        FeatureSpec("loan_to_value", "ratio"),
        FeatureSpec("term_months", "count", unit="months"),
        FeatureSpec("interest_rate_pct", "score", unit="%"),
        FeatureSpec("months_on_book", "count", unit="months"),
        FeatureSpec("monthly_payment", "money", unit="EUR/month"),
        FeatureSpec("in_arrears", "binary"),
        FeatureSpec("borrower_age", "score", unit="years"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out F: mortgage book, 3 overlapping segments",
        data,
        truth,
        3,
        "annuity loans: outstanding balance and loan-to-value after months on book (house prices up "
        "about 3 % a year), term on a 120-360 month grid, rate on a product grid (x.x4 / x.x9 %), the "
        "payment, a 3 % arrears flag, age; first-time buyers, movers and mature loans overlap",
        overlap=True,
        scaled=_scaled(data),
    )


MCC = np.array(
    [
        "4111_transport",
        "4722_travel_agency",
        "5045_computer_wholesale",
        "5172_fuel_wholesale",
        "5411_grocery",
        "5691_clothing",
        "5732_electronics",
        "5812_restaurant",
        "5814_fast_food",
        "5999_misc_retail",
        "7011_hotel",
        "7399_business_services",
    ]
)


def merchants(n: int, seed: int) -> Case:
    """Card-acquiring merchants: 4 segments, a 12-level category code that overlaps between them."""
    rng = np.random.default_rng(seed)
    # local shops and cafes, e-commerce, travel and hospitality, business-to-business
    truth = _truth(n, [0.45, 0.25, 0.18, 0.12], rng)
    mcc_lean = np.array(
        [  # MCC order as above; every segment uses every code a little
            [0.02, 0.01, 0.01, 0.01, 0.17, 0.1, 0.04, 0.22, 0.2, 0.18, 0.02, 0.02],
            [0.02, 0.08, 0.04, 0.01, 0.04, 0.25, 0.22, 0.02, 0.02, 0.24, 0.02, 0.04],
            [0.2, 0.2, 0.01, 0.01, 0.02, 0.02, 0.01, 0.14, 0.04, 0.03, 0.3, 0.02],
            [0.04, 0.02, 0.25, 0.2, 0.06, 0.02, 0.08, 0.02, 0.02, 0.04, 0.02, 0.23],
        ]
    )
    ticket = np.array([9.0, 55.0, 240.0, 1400.0])[truth] * rng.lognormal(0, 0.6, n)
    tx = np.maximum(1.0, np.round(np.array([900.0, 1500.0, 250.0, 120.0])[truth] * rng.lognormal(0, 0.8, n)))
    turnover = ticket * tx * rng.lognormal(0, 0.05, n)  # monthly average over 12 months
    p_chargeback = np.array([0.0003, 0.006, 0.003, 0.0008])[truth] * rng.lognormal(0, 0.6, n)
    chargebacks = rng.binomial((12 * tx).astype(np.int64), np.minimum(p_chargeback, 0.2))
    columns = {
        "monthly_turnover": np.round(turnover, 2),
        "average_ticket": np.round(ticket, 2),
        "transactions_month": tx,
        "chargeback_rate": np.round(chargebacks / (12 * tx), 5),
        "card_not_present_share": np.round(
            rng.beta(np.array([0.5, 40.0, 4.0, 3.0])[truth], np.array([25.0, 1.2, 5.0, 7.0])[truth]), 3
        ),
        "peak_to_average": np.round(
            1 + np.array([0.25, 0.5, 1.1, 0.1])[truth] * rng.lognormal(0, 0.3, n) + rng.gamma(2, 0.02, n), 2
        ),
        "terminals": np.where(truth == 1, 0, 1 + rng.poisson(np.array([0.5, 0.0, 3.0, 0.3])[truth])).astype(
            float
        ),
        "merchant_category": _lean(MCC, mcc_lean[truth], rng),
    }
    specs = [
        FeatureSpec("monthly_turnover", "money", unit="EUR/month"),
        FeatureSpec("average_ticket", "money", unit="EUR"),
        FeatureSpec("transactions_month", "count"),
        FeatureSpec("chargeback_rate", "ratio"),
        FeatureSpec("card_not_present_share", "ratio"),
        FeatureSpec("peak_to_average", "score", label="peak month to average month"),
        FeatureSpec("terminals", "count"),
        FeatureSpec("merchant_category", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out F: card-acquiring merchants, 12-level category code, 4 segments",
        data,
        truth,
        4,
        "monthly turnover (ticket x transactions, seasonality averaged), ticket size, chargeback rate "
        "(binomial over a year: 1e-4 to 1e-2, often 0), card-not-present share, peak-to-average month, "
        "terminals (0 online), a 12-level merchant category code whose distributions overlap",
        scaled=_scaled(data),
    )


def life_stages(n: int, seed: int) -> Case:
    """6 equal segments along a curved one-dimensional path in 10 columns; 2 % of rows with a x1000 typo."""
    rng = np.random.default_rng(seed)
    # students, young workers, young families, mid-career, empty nesters, retirees
    truth = _truth(n, [1.0] * 6, rng)
    s = truth / 5 + rng.normal(0, 0.035, n)  # position on the path
    affluence = rng.normal(0, 1, n)  # within-segment spread of the money columns
    hump = np.sin(np.pi * np.clip(1.15 * s, 0, 1))
    mortgage = 230_000 * np.exp(-(((s - 0.45) / 0.18) ** 2)) * rng.lognormal(0, 0.2, n)
    columns = {
        "age": np.clip(np.round(20 + 62 * s + rng.normal(0, 2.5, n)), 18, 99),
        "monthly_income": np.round(
            (1100 + 4200 * hump**1.2) * np.exp(0.25 * affluence + rng.normal(0, 0.15, n)), 2
        ),
        "savings": np.round(
            60_000 * (s.clip(0) ** 2 + 0.02) * np.exp(0.5 * affluence + rng.normal(0, 0.3, n)), 2
        ),
        "mortgage_balance": np.round(np.where(mortgage > 20_000, mortgage, 0.0), 2),
        "card_spend": np.round(
            (600 + 1400 * np.sin(np.pi * s.clip(0, 1))) * np.exp(0.3 * affluence + rng.normal(0, 0.2, n)), 2
        ),
        "family_spend": np.round(900 * np.exp(-(((s - 0.5) / 0.16) ** 2)) * rng.lognormal(0, 0.3, n), 2),
        "card_transactions": rng.poisson(15 + 50 * (1 - s.clip(0, 1)) ** 1.5).astype(float),
        "app_logins": rng.poisson(2 + 40 * (1 - s.clip(0, 1)) ** 2).astype(float),
        "branch_visits": rng.poisson(0.2 + 3 * s.clip(0) ** 3).astype(float),
        "digital_share": np.round(1 / (1 + np.exp(-(3 - 5 * s + rng.normal(0, 0.4, n)))), 3),
    }
    specs = [
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("monthly_income", "money", unit="EUR/month"),
        FeatureSpec("savings", "money", unit="EUR"),
        FeatureSpec("mortgage_balance", "money", unit="EUR"),
        FeatureSpec("card_spend", "money", unit="EUR/month"),
        FeatureSpec("family_spend", "money", unit="EUR/month"),
        FeatureSpec("card_transactions", "count"),
        FeatureSpec("app_logins", "count"),
        FeatureSpec("branch_visits", "count"),
        FeatureSpec("digital_share", "ratio"),
    ]
    money = [name for name, spec in zip(columns, specs) if spec.kind == "money"]
    planted = rng.random(n) < 0.02
    column = rng.integers(0, len(money), n)
    for j, name in enumerate(money):  # one money value per planted row, typed with a thousands slip
        rows = planted & (column == j)
        columns[name][rows] *= 1000
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out F: life stages on a curve, 6 equal segments, 2 % x1000 typos",
        data,
        truth,
        6,
        "6 equal segments at steps of 0.2 along a curved path (age 20-82) that drives 10 columns "
        "non-linearly (income hump, savings rising, mortgage and family spend mid-life, logins falling); "
        "an affluence factor spreads the money within segments; 2 % of rows have one money value x1000 "
        "(true label: their segment)",
        outliers=planted,
        scaled=_scaled(data),
    )


def t_copula(n: int, seed: int) -> Case:
    """No segments: a t copula (4 df) over three signed factors, skewed money and few-valued counts."""
    rng = np.random.default_rng(seed)
    # factors: spending, wealth, digital; loadings of both signs, the rest idiosyncratic
    load = np.array(
        [
            [0.5, 0.6, 0.1],  # salary
            [0.1, 0.8, -0.2],  # savings
            [0.7, 0.3, 0.2],  # card spend
            [0.75, 0.0, 0.3],  # card transactions
            [0.1, 0.5, -0.3],  # products held
            [-0.1, 0.2, -0.7],  # branch visits
            [0.2, 0.0, 0.8],  # logins
            [-0.2, 0.5, -0.5],  # age
            [0.1, -0.1, 0.75],  # online share
        ]
    )
    corr = load @ load.T
    np.fill_diagonal(corr, 1.0)
    df = 4.0
    z = rng.multivariate_normal(np.zeros(len(corr)), corr, size=n)
    u = stats.t.cdf(z / np.sqrt(rng.chisquare(df, (n, 1)) / df), df)
    u = np.clip(u, 1e-9, 1 - 1e-9)
    columns = {
        "salary": np.round(stats.lognorm.ppf(u[:, 0], 0.45, scale=2600), 2),
        "savings": np.round(stats.lognorm.ppf(u[:, 1], 1.2, scale=8000), 2),
        "card_spend": np.round(stats.gamma.ppf(u[:, 2], 2.0, scale=450), 2),
        "card_transactions": stats.nbinom.ppf(u[:, 3], 3, 3 / (3 + 25)),
        "products_held": 1 + stats.poisson.ppf(u[:, 4], 1.8),
        "branch_visits": np.minimum(stats.poisson.ppf(u[:, 5], 0.6), 4),
        "logins": stats.nbinom.ppf(u[:, 6], 1.5, 1.5 / (1.5 + 15)),
        "age": np.round(18 + 72 * stats.beta.ppf(u[:, 7], 2.2, 2.6)),
        "online_share": np.round(stats.beta.ppf(u[:, 8], 2.0, 1.5), 3),
    }
    specs = [
        FeatureSpec("salary", "money", unit="EUR/month"),
        FeatureSpec("savings", "money", unit="EUR"),
        FeatureSpec("card_spend", "money", unit="EUR/month"),
        FeatureSpec("card_transactions", "count"),
        FeatureSpec("products_held", "count"),
        FeatureSpec("branch_visits", "count"),
        FeatureSpec("logins", "count"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("online_share", "ratio"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out F: t copula with signed factors and few-valued counts, no segments",
        data,
        None,
        None,
        "a t copula (4 df: joint extremes) over spending, wealth and digital factors with loadings of "
        "both signs; log-normal salary and savings (sd 1.2), gamma spend, negative-binomial counts, "
        "products 1-7, branch visits 0-4, a beta online share, age; one population",
        scaled=_scaled(data),
    )


HELDOUT_F = [
    (savings_deposits, 30_000),
    (digital_channels, 25_000),
    (mortgage_book, 15_000),
    (merchants, 12_000),
    (life_stages, 24_000),
    (t_copula, 20_000),
]
