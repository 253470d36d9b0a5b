"""Held-out generator families, seventh set (2026-11-24; issue 12). Written and committed before the
next method change was run on them: set F has been run once, so this set checks the next change.
No code in ``segmentation/`` knows these families, none was run through the trainer before commit;
only the generators' supervised separability was checked (3-fold CV accuracy of
``HistGradientBoostingClassifier``, categories as codes, seed 1, full size): bancassurance 0.990,
international payments 0.997, young adults 0.966 (budgeters against spenders: income alone 0.653,
spend alone 0.627, both 0.997, every other column 0.502), pensioners 0.988, branch network 0.973
(``PYTHONPATH=backend .venv/bin/python -m evaluation.separability heldout_g`` from the repository
root, 11 s on 2 cores; the pair figures with the same ``accuracy`` on those rows and columns).

Shapes none of sets A-F has:

- Bancassurance: annual premiums per product line on tariff grids (motor: a base x 12 bonus-malus
  classes x 4 vehicle classes x cars, about 80 distinct amounts; home: sum insured on a 10k / 50k / 250k
  grid x a zone rate per mille; term life: a sum-assured grid x a rate rising with age; health,
  liability and travel: a handful of fixed tariffs), an exact zero for every line not held (9 % of
  rows hold none), rare claims over 3 years, policies, tenure, age; 5 segments, one of 3 %.
- International payments: transfers abroad converted into EUR at the day's rate of a simulated
  year (16 currencies, TRY and NGN losing 30-40 %); remitters and commuters mostly send the same
  round amount in the foreign currency, so their EUR amounts are a level times a noisy rate; 13 CHF
  salaries for cross-border commuters, card spend abroad, the share of payments abroad, and a
  20-level main destination with a long tail (12 % to 0.4 %), missing without transfers (40 %);
  4 segments.
- Young adults: two of 4 segments (budgeters and spenders, 28 % each) are alike in every column but
  the ratio of spend to income (0.52 against 0.95, log sd 0.09); their levels differ by only 0.7-0.8
  of a within-segment log sd in either column, in opposite directions.
- Pensioners: income as a sum of parts (a state pension = pension points x 39.32, an occupational
  pension zero for most of two segments), savings and securities on a log scale (medians 2.5k to
  320k), a 1.5 % private-banking top at 2.5M x (1 + Lomax 1.3) reaching tens of millions,
  withdrawals of 3-6 % a year for the asset-rich and income-poor, and ages 60-99 of which 30 % are
  recorded at a multiple of 5 (heaping); 5 segments.
- Branch network: customers nested in 30 branches of very unequal size (1 / (rank + 3)) within 5
  regions; every branch has the same segment shares but shifts the money columns by up to +-20 %
  (plus +-5 % per column), visits by up to +-20 % and logins the other way, age by up to 1.6 years;
  the branch code (30 levels) and the region carry no segment signal; 3 segments.
- No segments: payroll customers of a public employer, net salary from a 10-grade x 4-step pay
  table (40 cells, neighbours 1.4-3.5 % apart) with 6 % allowance noise, so the bumps merge into one smooth hump;
  four budget shares uniform on the simplex (Dirichlet 1, 1, 1, 1); tenure, age, card transactions.

Money families carry ``scaled``: the numeric block with the money columns in cents and in
thousands (as ``generators.unequal``; ``run.py`` refits the same units itself with ``in_units``).
"""

from __future__ import annotations

import numpy as np

from segmentation.ml.kinds import FeatureData, FeatureSpec

from .generators import Case
from .heldout_d import _lean, _truth
from .heldout_f import _nb, _scaled

# motor tariff: bonus-malus classes (share of the base premium) and vehicle classes
BONUS_MALUS = np.array([2.30, 1.40, 1.00, 0.85, 0.70, 0.60, 0.55, 0.50, 0.45, 0.40, 0.35, 0.30])
VEHICLE = np.array([0.8, 1.0, 1.25, 1.6])
ZONE_PER_MILLE = np.array([0.9, 1.1, 1.4, 2.0])  # buildings cover, per 1,000 insured a year
HEALTH_MONTHLY = np.array([14.90, 24.90, 39.90, 59.90, 89.90, 189.90])
LIABILITY = np.array([49.90, 69.90, 89.90])  # single, family, premium
TRAVEL = np.array([29.0, 59.0, 119.0])
SUM_ASSURED = np.array([50, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 2000]) * 1000.0


def bancassurance(n: int, seed: int) -> Case:
    """Insurance premiums per product line on tariff grids, many exact zeros: 5 segments, one of 3 %."""
    rng = np.random.default_rng(seed)
    # young drivers, home-owning families, retirees, bank-only customers, wealthy households
    truth = _truth(n, [0.28, 0.34, 0.2, 0.15, 0.03], rng)
    age = np.clip(np.round(np.array([24.0, 43.0, 71.0, 36.0, 56.0])[truth] + rng.normal(0, 5, n)), 18, 95)
    # motor: base 520 x bonus-malus class x vehicle class x cars, to 10 cents
    has_motor = rng.random(n) < np.array([0.97, 0.92, 0.6, 0.03, 0.96])[truth]
    bm_lean = np.array(
        [
            [0.25, 0.3, 0.25, 0.12, 0.05, 0.03, 0, 0, 0, 0, 0, 0],
            [0, 0, 0.02, 0.05, 0.15, 0.2, 0.2, 0.15, 0.1, 0.08, 0.05, 0],
            [0, 0, 0, 0, 0, 0, 0.02, 0.03, 0.1, 0.2, 0.3, 0.35],
            [0.1, 0.1, 0.2, 0.2, 0.2, 0.1, 0.05, 0.05, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0.03, 0.07, 0.1, 0.15, 0.2, 0.25, 0.2],
        ]
    )
    vehicle_lean = np.array(
        [
            [0.5, 0.35, 0.1, 0.05],
            [0.1, 0.45, 0.35, 0.1],
            [0.2, 0.5, 0.25, 0.05],
            [0.3, 0.4, 0.2, 0.1],
            [0, 0.1, 0.3, 0.6],
        ]
    )
    cars = (
        1
        + (rng.random(n) < np.array([0.02, 0.35, 0.1, 0.0, 0.7])[truth])
        + (truth == 4) * rng.integers(0, 2, n)
    )
    motor = 520 * _lean(BONUS_MALUS, bm_lean[truth], rng) * _lean(VEHICLE, vehicle_lean[truth], rng) * cars
    motor = np.where(has_motor, np.round(motor, 1), 0.0)
    # home: renters insure contents (10k steps), owners buildings (50k steps, 250k for the wealthy)
    has_home = rng.random(n) < np.array([0.2, 0.95, 0.85, 0.02, 0.98])[truth]
    owner = rng.random(n) < np.array([0.05, 0.9, 0.8, 0.3, 1.0])[truth]
    contents = 10_000 * rng.integers(2, 7, n) * 2.5 / 1000  # 2.5 per mille
    step = np.where(truth == 4, 250_000, 50_000)
    insured = step * np.round(
        np.array([150_000.0, 400_000.0, 320_000.0, 250_000.0, 2_000_000.0])[truth]
        * rng.lognormal(0, 0.3, n)
        / step
    ).clip(1)
    zone = _lean(ZONE_PER_MILLE, np.tile([0.35, 0.35, 0.2, 0.1], (n, 1)), rng)
    home = np.where(has_home, np.round(np.where(owner, insured * zone / 1000, contents), 2), 0.0)
    # term life: a sum assured on a grid, the rate per 1,000 rising with age
    has_life = rng.random(n) < np.array([0.03, 0.7, 0.05, 0.01, 0.8])[truth]
    life_lean = np.zeros((5, len(SUM_ASSURED)))
    life_lean[:4, :8] = [0.2, 0.3, 0.2, 0.15, 0.08, 0.05, 0.01, 0.01]
    life_lean[4, 5:] = [0.05, 0.1, 0.2, 0.2, 0.25, 0.2]
    assured = _lean(SUM_ASSURED, life_lean[truth], rng)
    life = np.where(has_life, np.round(assured / 1000 * 0.4 * np.exp(0.085 * (age - 30)), 2), 0.0)
    # supplementary health: a monthly tariff by age band (the wealthy take the top tier)
    has_health = rng.random(n) < np.array([0.05, 0.2, 0.6, 0.02, 0.9])[truth]
    band = np.where(truth == 4, 5, np.digitize(age, [30, 45, 60, 70]))
    health = np.where(has_health, 12 * HEALTH_MONTHLY[band], 0.0)
    liability_lean = np.array(
        [[0.8, 0.15, 0.05], [0.1, 0.8, 0.1], [0.5, 0.45, 0.05], [0.7, 0.25, 0.05], [0, 0.2, 0.8]]
    )
    has_liability = rng.random(n) < np.array([0.5, 0.9, 0.7, 0.25, 0.95])[truth]
    liability = np.where(has_liability, _lean(LIABILITY, liability_lean[truth], rng), 0.0)
    travel_lean = np.array(
        [[0.7, 0.25, 0.05], [0.3, 0.6, 0.1], [0.4, 0.5, 0.1], [0.8, 0.2, 0.0], [0, 0.1, 0.9]]
    )
    has_travel = rng.random(n) < np.array([0.3, 0.4, 0.25, 0.2, 0.9])[truth]
    travel = np.where(has_travel, _lean(TRAVEL, travel_lean[truth], rng), 0.0)
    # claims over 3 years: rare, from the lines held (young drivers crash more)
    motor_rate = np.array([0.25, 0.08, 0.07, 0.1, 0.1])[truth] * cars
    claim_rate = has_motor * motor_rate + has_home * 0.05 + has_health * 0.3 + has_liability * 0.03
    held = np.column_stack([has_motor, has_home, has_life, has_health, has_liability, has_travel])
    tenure = np.round(rng.gamma(3.0, np.array([1.5, 11.0, 24.0, 3.0, 15.0])[truth] / 3.0), 1)
    columns = {
        "motor_premium": motor,
        "home_premium": home,
        "life_premium": life,
        "health_premium": health,
        "liability_premium": liability,
        "travel_premium": travel,
        "claims_3y": rng.poisson(3 * claim_rate).astype(float),
        "policies": held.sum(axis=1).astype(float),
        "years_since_first_policy": np.where(held.any(axis=1), np.minimum(tenure, age - 17), 0.0),
        "age": age,
    }
    specs = [FeatureSpec(name, "money", unit="EUR/year") for name in list(columns)[:6]] + [
        FeatureSpec("claims_3y", "count", label="claims in 3 years"),
        FeatureSpec("policies", "count"),
        FeatureSpec("years_since_first_policy", "score", unit="years"),
        FeatureSpec("age", "score", unit="years"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out G: bancassurance premiums on tariff grids, 5 segments (3 %)",
        data,
        truth,
        5,
        "annual premiums per line (motor: base x 12 bonus-malus classes x 4 vehicle classes x cars; home: "
        "sum insured on a 10k / 50k / 250k grid x zone rate; term life: sum assured grid x age rate; "
        "health, liability, travel: fixed tariffs), exact zeros where a line is not held (bank-only "
        "customers mostly all zero), rare claims, policies, tenure, age; 3 % wealthy households",
        scaled=_scaled(data),
    )


# destinations of payments abroad, their currencies and a long tail of frequency
DEST = np.array("ES IT FR PT NL CH GB US PL TR RO IN UA RS MA PH VN BR NG CN".split())
RATES = {  # currency: units per EUR on day 0, drift over the year (log), daily sd (log)
    "EUR": (1.0, 0.0, 0.0),
    "CHF": (0.95, 0.02, 0.003),
    "GBP": (0.85, -0.01, 0.004),
    "USD": (1.08, 0.03, 0.005),
    "PLN": (4.3, -0.02, 0.004),
    "TRY": (35.0, 0.35, 0.007),
    "RON": (4.97, 0.0, 0.002),
    "INR": (90.0, 0.03, 0.004),
    "UAH": (44.0, 0.1, 0.006),
    "RSD": (117.0, 0.0, 0.002),
    "MAD": (10.8, 0.01, 0.003),
    "PHP": (62.0, 0.02, 0.004),
    "VND": (27_000.0, 0.04, 0.003),
    "BRL": (5.9, 0.08, 0.008),
    "NGN": (1_600.0, 0.5, 0.012),
    "CNY": (7.8, 0.02, 0.003),
}
CCY = np.array(list(RATES))
UNITS_PER_EUR, DRIFT_YEAR, DAILY_SD = np.array(list(RATES.values())).T
DEST_CCY = np.array([0, 0, 0, 0, 0] + list(range(1, 16)))  # the euro countries, then one currency each


def _nice(x: np.ndarray) -> np.ndarray:
    """Round to two significant digits (the round amount a person sends: 450, 12,000, 9,500,000)."""
    e = 10.0 ** (np.floor(np.log10(np.maximum(x, 1e-9))) - 1)
    return np.round(x / e) * e


def fx_payments(n: int, seed: int) -> Case:
    """International payments converted at the day's rate, a 20-level destination with a long tail: 4 segments."""
    rng = np.random.default_rng(seed)
    # domestic (holidays), migrant remitters, cross-border commuters paid in CHF, internationally active
    truth = _truth(n, [0.58, 0.2, 0.12, 0.1], rng)
    steps = rng.normal(DRIFT_YEAR[:, None] / 365, DAILY_SD[:, None], (len(CCY), 365))
    units = UNITS_PER_EUR[:, None] * np.exp(np.cumsum(steps, axis=1) - steps[:, :1])  # units per EUR, by day
    dest_lean = np.zeros((4, len(DEST)))
    dest_lean[0, :8] = [0.3, 0.2, 0.2, 0.1, 0.1, 0.04, 0.03, 0.03]
    dest_lean[1, 8:] = [0.22, 0.18, 0.14, 0.1, 0.09, 0.07, 0.06, 0.05, 0.04, 0.02, 0.02, 0.01]
    dest_lean[2, [5, 1, 2]] = [0.9, 0.05, 0.05]
    dest_lean[3, :8] = [0.05, 0.03, 0.05, 0.01, 0.07, 0.1, 0.25, 0.3]
    dest_lean[3, [8, 9, 11, 16, 17, 19]] = [0.01, 0.01, 0.04, 0.01, 0.03, 0.04]
    dest_lean /= dest_lean.sum(axis=1, keepdims=True)
    home = _lean(np.arange(len(DEST)), dest_lean[truth], rng)  # the usual destination
    # outgoing transfers over 12 months: 85 % to the usual destination, the rest drawn like it again
    count = rng.poisson(np.array([0.4, 14.0, 12.0, 10.0])[truth] * rng.gamma(3.0, 1 / 3.0, n))
    who = np.repeat(np.arange(n), count)
    other = _lean(np.arange(len(DEST)), dest_lean[truth[who]], rng)
    dest = np.where(rng.random(len(who)) < 0.85, home[who], other)
    day = rng.integers(0, 365, len(who))
    ccy = DEST_CCY[dest]
    level = np.array([700.0, 320.0, 450.0, 3000.0])[truth] * rng.lognormal(0, 0.5, n)  # EUR a transfer
    sigma = np.array([0.8, 0.1, 0.2, 1.0])[truth]
    # remitters and commuters mostly send the same round amount in the foreign currency each time
    fixed_foreign = (rng.random(n) < np.array([0.1, 0.6, 0.8, 0.2])[truth])[who] & (ccy > 0)
    foreign = _nice(level[who] * UNITS_PER_EUR[ccy])
    fixed_eur = np.where(truth[who] == 1, np.maximum(50.0, np.round(level[who] / 50) * 50), level[who])
    eur = np.where(
        fixed_foreign,
        foreign / units[ccy, day],
        fixed_eur * np.where(truth[who] == 1, 1.0, rng.lognormal(0, sigma[who])),
    )
    out = np.zeros((n, 5))  # EUR destinations, CHF, GBP, USD, other currencies
    np.add.at(out, (who, np.minimum(ccy, 4)), eur)
    by_dest = np.bincount(who * len(DEST) + dest, minlength=n * len(DEST)).reshape(n, len(DEST))
    main = np.where(count > 0, DEST[by_dest.argmax(axis=1)], None)
    # incoming from abroad: commuters' 13 CHF salaries (a round amount), occasional others
    salary_chf = np.round(rng.lognormal(np.log(7000), 0.2, n) / 50) * 50
    paydays = np.minimum(30 * np.arange(13) + 24, 364)
    paid = np.where(truth == 2, (salary_chf[:, None] / units[1, paydays]).sum(axis=1), 0.0)
    other_in = _nb(np.array([0.2, 0.3, 0.5, 4.0])[truth], 1.5, rng)
    incoming = paid + other_in * np.array([250.0, 300.0, 400.0, 2500.0])[truth] * rng.lognormal(0, 0.7, n)
    # card spending abroad (holidays, shopping across the border), tickets of about 45 EUR
    has_card = rng.random(n) < np.array([0.4, 0.6, 1.0, 0.95])[truth]
    card = np.where(has_card, np.array([120.0, 200.0, 700.0, 900.0])[truth] * rng.lognormal(0, 0.6, n), 0.0)
    card_count = rng.poisson(12 * card / 45)
    domestic = _nb(np.array([480.0, 380.0, 260.0, 420.0])[truth], 4.0, rng)
    abroad = count + card_count
    columns = {
        "out_euro_countries_eur": np.round(out[:, 0] / 12, 2),
        "out_chf_eur": np.round(out[:, 1] / 12, 2),
        "out_gbp_eur": np.round(out[:, 2] / 12, 2),
        "out_usd_eur": np.round(out[:, 3] / 12, 2),
        "out_other_currencies_eur": np.round(out[:, 4] / 12, 2),
        "in_from_abroad_eur": np.round(incoming / 12, 2),
        "card_spend_abroad_eur": np.round(card, 2),
        "transfers_abroad_12m": count.astype(float),
        "share_of_payments_abroad": np.round(abroad / np.maximum(abroad + domestic, 1), 3),
        "main_destination": main,
    }
    specs = [FeatureSpec(name, "money", unit="EUR/month") for name in list(columns)[:7]] + [
        FeatureSpec("transfers_abroad_12m", "count", label="transfers abroad in 12 months"),
        FeatureSpec("share_of_payments_abroad", "ratio"),
        FeatureSpec("main_destination", "categorical", label="main destination country"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out G: international payments at the day's rate, 20 destinations, 4 segments",
        data,
        truth,
        4,
        "monthly averages in EUR of transfers abroad by currency (euro countries, CHF, GBP, USD, 12 other "
        "currencies) converted at the day's rate of a simulated year (TRY and NGN losing 30-40 %), round "
        "foreign amounts for remitters, 13 CHF salaries for commuters, card spend abroad, transfer count, "
        "share of payments abroad, a 20-level main destination (missing without transfers, long tail)",
        scaled=_scaled(data),
    )


def young_adults(n: int, seed: int) -> Case:
    """Young adults: two of 4 segments differ only in spend / income, hardly in either level."""
    rng = np.random.default_rng(seed)
    # students, budgeters, spenders, young professionals
    truth = _truth(n, [0.3, 0.28, 0.28, 0.14], rng)
    income = np.array([750.0, 2400.0, 1750.0, 4300.0])[truth] * rng.lognormal(
        0, np.array([0.5, 0.4, 0.4, 0.3])[truth]
    )
    ratio = np.array([1.05, 0.52, 0.95, 0.7])[truth] * rng.lognormal(
        0, np.array([0.12, 0.09, 0.09, 0.1])[truth]
    )
    account = np.array(["basic", "premium", "standard", "student", "youth"])
    account_lean = np.array(
        [
            [0.02, 0.0, 0.05, 0.85, 0.08],
            [0.08, 0.05, 0.77, 0.02, 0.08],
            [0.08, 0.05, 0.77, 0.02, 0.08],
            [0.02, 0.45, 0.5, 0.0, 0.03],
        ]
    )
    columns = {
        "monthly_income": np.round(income, 2),
        "monthly_spend": np.round(income * ratio, 2),
        "age": np.clip(
            np.round(
                np.array([21.0, 26.0, 26.0, 30.0])[truth]
                + rng.normal(0, np.array([2.0, 3.0, 3.0, 2.5])[truth])
            ),
            18,
            40,
        ),
        "card_transactions": _nb(np.array([48.0, 38.0, 38.0, 52.0])[truth], 3.0, rng),
        "app_logins": _nb(np.array([32.0, 20.0, 20.0, 14.0])[truth], 2.0, rng),
        "account_type": _lean(account, account_lean[truth], rng),
    }
    specs = [
        FeatureSpec("monthly_income", "money", unit="EUR/month"),
        FeatureSpec("monthly_spend", "money", unit="EUR/month"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("card_transactions", "count"),
        FeatureSpec("app_logins", "count"),
        FeatureSpec("account_type", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out G: young adults, two segments apart only in spend / income, 4 segments",
        data,
        truth,
        4,
        "students, young professionals and two groups of young employees alike in every column but the "
        "ratio of spend to income (0.52 against 0.95, log sd 0.09): budgeters earn 1.37x the spenders "
        "and spenders spend 1.33x the budgeters (0.7-0.8 log sd apart in either column alone); age, card "
        "transactions, app logins and a 5-level account type",
        scaled=_scaled(data),
    )


PENSION_VALUE = 39.32  # euros a month per pension point


def pensioners(n: int, seed: int) -> Case:
    """Retired customers, wealth over 5 orders of magnitude with a 1.5 % Pareto top; ages heaped at 5s."""
    rng = np.random.default_rng(seed)
    # state pension only, occupational pension, asset rich and income poor, affluent, private banking
    truth = _truth(n, [0.4, 0.3, 0.18, 0.105, 0.015], rng)
    points = np.round(
        np.clip(
            rng.normal(np.array([29.0, 44.0, 17.0, 50.0, 34.0])[truth], np.array([6, 6, 5, 6, 12])[truth]),
            3,
            80,
        ),
        4,
    )
    has_occupational = rng.random(n) < np.array([0.08, 0.95, 0.2, 0.92, 0.6])[truth]
    occupational = np.array([250.0, 750.0, 400.0, 2400.0, 4000.0])[truth] * rng.lognormal(0, 0.5, n)
    savings = np.array([2500.0, 28_000.0, 110_000.0, 320_000.0, 0.0])[truth] * rng.lognormal(
        0, np.array([1.0, 0.8, 0.6, 0.6, 0.6])[truth]
    )
    has_securities = rng.random(n) < np.array([0.03, 0.3, 0.45, 0.9, 1.0])[truth]
    securities = np.where(
        has_securities, savings * rng.lognormal(np.log([0.5, 1.0, 1.2, 2.0, 1.0])[truth], 0.6), 0.0
    )
    top = truth == 4
    wealth = 2_500_000 * (1 + rng.pareto(1.3, n))  # private banking: a power tail of 1.3
    invested = rng.beta(6, 3, n)
    savings[top], securities[top] = (wealth * (1 - invested))[top], (wealth * invested)[top]
    # withdrawals: the asset-rich draw 3-6 % of their savings a year, others now and then a little
    draw = np.where(truth == 2, rng.uniform(0.03, 0.06, n), rng.uniform(0, 0.01, n) * (rng.random(n) < 0.3))
    pension = np.round(points * PENSION_VALUE, 2) + np.where(has_occupational, np.round(occupational, 2), 0.0)
    true_age = np.array([77.0, 73.0, 74.0, 71.0, 72.0])[truth] + rng.normal(0, 7, n)
    heaped = rng.random(n) < 0.3  # legacy records with a declared age
    age = np.clip(np.where(heaped, 5 * np.round(true_age / 5), np.round(true_age)), 60, 99)
    columns = {
        "state_pension": np.round(points * PENSION_VALUE, 2),
        "occupational_pension": np.where(has_occupational, np.round(occupational, 2), 0.0),
        "savings": np.round(savings, 2),
        "securities": np.round(securities, 2),
        "withdrawals_month": np.round(savings * draw / 12, 2),
        "card_spend": np.round(np.where(top, 6000.0, 0.35 * pension) * rng.lognormal(0, 0.5, n), 2),
        "advisor_meetings_year": rng.poisson(np.array([0.05, 0.3, 1.0, 2.5, 7.0])[truth]).astype(float),
        "age": age,
    }
    specs = [
        FeatureSpec("state_pension", "money", unit="EUR/month"),
        FeatureSpec("occupational_pension", "money", unit="EUR/month"),
        FeatureSpec("savings", "money", unit="EUR"),
        FeatureSpec("securities", "money", unit="EUR"),
        FeatureSpec("withdrawals_month", "money", unit="EUR/month"),
        FeatureSpec("card_spend", "money", unit="EUR/month"),
        FeatureSpec("advisor_meetings_year", "count"),
        FeatureSpec("age", "score", unit="years"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out G: pensioners, log-scale wealth with a 1.5 % Pareto top, ages heaped, 5 segments",
        data,
        truth,
        5,
        "state pension = pension points x 39.32, occupational pension (zero for most of two segments), "
        "savings and securities log-normal with medians 2.5k to 320k, the 1.5 % private-banking top "
        "2.5M x (1 + Lomax 1.3), withdrawals (3-6 % a year for the asset rich), card spend, advisor "
        "meetings, age 60-99 with 30 % of ages recorded at a multiple of 5",
        scaled=_scaled(data),
    )


def branch_network(n: int, seed: int) -> Case:
    """Customers nested in 30 branches of 5 regions; branch effects of up to 20 %, no segment signal: 3 segments."""
    rng = np.random.default_rng(seed)
    # everyday retail, young digital, affluent; the same shares in every branch
    truth = _truth(n, [0.55, 0.3, 0.15], rng)
    n_branch = 30
    codes = np.array([f"BR{c:04d}" for c in rng.choice(np.arange(100, 10_000), n_branch, replace=False)])
    regions = np.array(["north", "east", "south", "west", "capital"])[
        rng.permutation(np.arange(n_branch) % 5)
    ]
    size = 1 / (np.arange(n_branch) + 3.0)  # a few big city branches, many small ones
    branch = rng.choice(n_branch, n, p=size / size.sum())
    money_effect = 1 + rng.uniform(-0.2, 0.2, n_branch)  # regional wages and prices
    visit_effect = 1 + rng.uniform(-0.2, 0.2, n_branch)  # how near and busy the branch is
    login_effect = 2 - visit_effect
    column_effect = 1 + rng.uniform(-0.05, 0.05, (3, n_branch))
    t = np.array(
        [  # salary, card spend, balance, visits a year, logins a month, products, age
            [2600.0, 1100.0, 4000.0, 6.0, 6.0, 2.5, 52.0],
            [2300.0, 1400.0, 1500.0, 0.5, 28.0, 1.8, 31.0],
            [6500.0, 3000.0, 45_000.0, 3.0, 14.0, 4.5, 50.0],
        ]
    )[truth]
    m = money_effect[branch]
    columns = {
        "salary_in": np.round(t[:, 0] * m * column_effect[0, branch] * rng.lognormal(0, 0.35, n), 2),
        "card_spend": np.round(t[:, 1] * m * column_effect[1, branch] * rng.lognormal(0, 0.4, n), 2),
        "average_balance": np.round(t[:, 2] * m * column_effect[2, branch] * rng.lognormal(0, 0.8, n), 2),
        "branch_visits_year": _nb(t[:, 3] * visit_effect[branch], 2.0, rng),
        "app_logins_month": _nb(t[:, 4] * login_effect[branch], 2.0, rng),
        "products": (1 + rng.poisson(t[:, 5] - 1)).astype(float),
        "age": np.clip(
            np.round(
                t[:, 6] + 8 * (visit_effect[branch] - 1) + rng.normal(0, np.array([12.0, 6.0, 10.0])[truth])
            ),
            18,
            99,
        ),
        "branch": codes[branch],
        "region": regions[branch],
    }
    specs = [
        FeatureSpec("salary_in", "money", unit="EUR/month"),
        FeatureSpec("card_spend", "money", unit="EUR/month"),
        FeatureSpec("average_balance", "money", unit="EUR"),
        FeatureSpec("branch_visits_year", "count"),
        FeatureSpec("app_logins_month", "count"),
        FeatureSpec("products", "count"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("branch", "categorical"),
        FeatureSpec("region", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out G: customers nested in 30 branches (branch effects up to 20 %), 3 segments",
        data,
        truth,
        3,
        "salary, card spend, balance, branch visits, app logins, products, age; every branch has the same "
        "segment shares, but shifts money by up to +-20 % (with +-5 % per column), visits by +-20 % and "
        "logins the other way, age by up to 1.6 years; a 30-level branch code (sizes 1/(rank+3)) nested "
        "in a 5-level region, neither carrying segments",
        scaled=_scaled(data),
    )


def payroll_blob(n: int, seed: int) -> Case:
    """No segments: salaries from 40 pay-table cells dense enough to merge, budget shares uniform on a simplex."""
    rng = np.random.default_rng(seed)
    # public-sector pay table: 10 grades (12.4 % apart) x 4 seniority steps (3.5 % apart)
    grade = rng.binomial(9, 0.45, n)
    tenure = np.round(np.minimum(rng.gamma(2.0, 6.0, n), 44.0), 1)
    step = np.minimum(tenure // 6, 3)
    salary = 2300 * 1.124**grade * 1.035**step * rng.lognormal(0, 0.06, n)  # allowances, overtime
    shares = rng.dirichlet(np.ones(4), n)  # housing, everyday, leisure, saving: uniform on the simplex
    age = np.minimum(np.round(21 + tenure + rng.gamma(2.0, 2.5, n)), 67)  # retirement at 67
    columns = {
        "net_salary": np.round(salary, 2),
        "tenure_years": tenure,
        "age": age,
        "share_housing": np.round(shares[:, 0], 3),
        "share_everyday": np.round(shares[:, 1], 3),
        "share_leisure": np.round(shares[:, 2], 3),
        "share_saving": np.round(shares[:, 3], 3),
        "card_transactions": _nb(10 + 60 * shares[:, 1], 4.0, rng),
    }
    specs = [
        FeatureSpec("net_salary", "money", unit="EUR/month"),
        FeatureSpec("tenure_years", "score", unit="years"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("share_housing", "ratio"),
        FeatureSpec("share_everyday", "ratio"),
        FeatureSpec("share_leisure", "ratio"),
        FeatureSpec("share_saving", "ratio"),
        FeatureSpec("card_transactions", "count"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out G: payroll customers, 40 merged pay-table bumps and uniform budget shares, no segments",
        data,
        None,
        None,
        "net salary from a 10-grade x 4-step pay table (binomial grades, steps by tenure) with 6 % "
        "allowance noise, wider than the 3.5 % between neighbouring cells, so 40 bumps merge into one "
        "hump; 4 budget shares uniform on the simplex (Dirichlet 1,1,1,1); tenure, age, card "
        "transactions rising with the everyday share; one population",
        scaled=_scaled(data),
    )


HELDOUT_G = [
    (bancassurance, 30_000),
    (fx_payments, 25_000),
    (young_adults, 20_000),
    (pensioners, 20_000),
    (branch_network, 36_000),
    (payroll_blob, 15_000),
]
