"""Held-out set J, second part (month-end balances as 12 columns, person-to-person payments, a service
survey, a current-account book without segments); the set's docstring and ``HELDOUT_J`` are in
``heldout_j.py``."""

from __future__ import annotations

import numpy as np

from segmentation.ml.kinds import FeatureData, FeatureSpec

from .generators import Case
from .heldout_d import _lean, _truth
from .heldout_f import _nb, _scaled

MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
PRODUCT = np.array(["easy access", "notice account", "regular saver"])
RATE = {"easy access": 0.01, "notice account": 0.018, "regular saver": 0.03}


def monthly_balances(n: int, seed: int) -> Case:
    """Twelve month-end balances whose shape over the year (not level) is the segment: 5 segments."""
    rng = np.random.default_rng(seed)
    # steady, volatile (same mean, larger swings), seasonal earners, drawing down, building up
    truth = _truth(n, [0.34, 0.2, 0.16, 0.15, 0.15], rng)
    level = rng.lognormal(np.log(6_000), 0.9, n)
    t = np.arange(12)[None, :]
    vol = np.array([0.04, 0.45, 0.05, 0.05, 0.05])[truth][:, None]
    noise = np.exp(rng.normal(0, 1, (n, 12)) * vol - vol**2 / 2)
    summer = rng.uniform(0.8, 2.0, n)[:, None] * np.exp(-((t - 6.5) ** 2) / (2 * 1.3**2))
    rate = rng.uniform(0.5, 1.6, n)[:, None]  # a year's drawdown as a share of January's balance
    saved = rng.uniform(0.05, 0.15, n)[:, None]  # monthly saving as a share of January's balance
    shape = np.select(
        [truth[:, None] == 2, truth[:, None] == 3, truth[:, None] == 4],
        [1 + summer, np.maximum(1 - rate * t / 11, 0), 1 + saved * t],
        1 + 0.004 * t,
    )
    december = np.where(t == 11, 0.94, 1.0)  # Christmas for everyone
    balances = np.round(level[:, None] * shape * noise * december, 2)
    product = _lean(
        PRODUCT,
        np.array(
            [[0.6, 0.35, 0.05], [0.85, 0.1, 0.05], [0.8, 0.1, 0.1], [0.75, 0.25, 0.0], [0.25, 0.05, 0.7]]
        )[truth],
        rng,
    )
    rate_paid = np.vectorize(RATE.get)(product)
    columns = {f"balance_{m}": balances[:, j] for j, m in enumerate(MONTHS)} | {
        "interest_earned_12m": np.round(balances.mean(axis=1) * rate_paid, 2),
        "age": np.clip(
            np.round(np.array([47.0, 45.0, 38.0, 63.0, 32.0])[truth] + rng.normal(0, 12, n)), 18, 95
        ),
        "savings_product": product,
    }
    specs = [
        FeatureSpec(f"balance_{m}", "money", unit="EUR", label=f"balance at the end of {m}") for m in MONTHS
    ]
    specs += [
        FeatureSpec("interest_earned_12m", "money", unit="EUR"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("savings_product", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out J: twelve month-end balances, segments by the year's shape not level, 5 segments",
        data,
        truth,
        5,
        "12 month-end savings balances as columns: a level shared by all segments (log-normal, median 6,000, "
        "log sd 0.9) times a yearly shape: steady (+0.4 % a month, noise log sd 0.04), volatile (the "
        "same mean, each month log sd 0.45 around the level: the segments differ in variance, not mean), a "
        "summer bump of +80-200 % (seasonal earners), a straight drawdown of 50-160 % of January's balance "
        "over the year (those who reach 0 stay at exactly 0), a straight build-up of 5-15 % of January a "
        "month; a 6 % December dip for everyone; interest = average balance x the rate of a 3-level "
        "product; age",
        scaled=_scaled(data),
    )


def _payments(
    count: np.ndarray, pool: np.ndarray, offset: np.ndarray, median: np.ndarray, sigma: np.ndarray, rng
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-off payments: payer / payee row, counterparty (from the row's pool of contacts, close
    contacts more often) and log-normal amount."""
    who = np.repeat(np.arange(len(count)), count.astype(int))
    contact = offset[who] + np.floor(pool[who] * rng.random(len(who)) ** 1.5)
    return who, contact, median[who] * rng.lognormal(0, sigma[who])


def _standing(parties: np.ndarray, median: float, sd: float, step: float, rng) -> tuple:
    """Monthly payments of a fixed round amount per counterparty (rent, family support), 6 months."""
    who = np.repeat(np.arange(len(parties)), parties.astype(int))
    contact = np.arange(len(who)) - np.repeat(np.cumsum(parties) - parties, parties.astype(int))
    amount = np.maximum(np.round(median * rng.lognormal(0, sd, len(who)) / step) * step, step)
    months = rng.binomial(6, 0.95, len(who))
    return np.repeat(who, months), np.repeat(contact, months), np.repeat(amount, months)


def p2p_payments(n: int, seed: int) -> Case:
    """Six months of person-to-person payments from simulated transfers: 5 segments, one of 2.5 %."""
    rng = np.random.default_rng(seed)
    # occasional, friends splitting bills, landlords, small traders (a mixture of amounts), family supporters
    truth = _truth(n, [0.45, 0.25, 0.13, 0.145, 0.025], rng)

    def pick(values: list[float]) -> np.ndarray:
        return np.array(values, dtype=float)[truth]

    friends = 2 + rng.poisson(pick([4, 15, 3, 3, 3]))
    buyers = np.maximum(1, rng.poisson(pick([0, 0, 0, 45, 0]) * rng.uniform(0.5, 1.0, n)))
    # incoming one-off payments: from friends (offset 0) or, for traders, from a large pool of buyers
    k_in = _nb(pick([2.0, 16.0, 0.3, 60.0, 1.0]), 1.5, rng)
    inc = _payments(
        k_in,
        np.where(truth == 3, buyers, friends),
        pick([0, 0, 1_000, 0, 1_000]),
        pick([30.0, 22.0, 60.0, 25.0, 40.0]),
        pick([0.8, 0.6, 0.7, 0.5, 0.8]),
        rng,
    )
    big = (truth[inc[0]] == 3) & (rng.random(len(inc[0])) < 0.12)  # traders' occasional large orders
    inc = (inc[0], inc[1], np.where(big, 14 * inc[2] * rng.lognormal(0, 0.4, len(big)), inc[2]))
    # outgoing one-off payments: to the same friends, or to tradesmen / suppliers (offset 1,000)
    k_out = _nb(pick([2.5, 14.0, 1.5, 3.0, 0.5]), 1.5, rng)
    out = _payments(
        k_out,
        np.where(np.isin(truth, [2, 3]), 6, friends),
        pick([0, 0, 1_000, 1_000, 2_000]),
        pick([30.0, 22.0, 180.0, 400.0, 40.0]),
        pick([0.8, 0.6, 0.7, 0.8, 0.8]),
        rng,
    )
    # standing payments: tenants' rent to landlords (1-4 tenants), family support (1-2 relatives)
    rent = _standing(np.where(truth == 2, 1 + rng.binomial(3, 0.35, n), 0), 850.0, 0.3, 10.0, rng)
    family = _standing(np.where(truth == 4, 1 + rng.binomial(1, 0.35, n), 0), 300.0, 0.5, 50.0, rng)
    rent = (rent[0], rent[1] + 5_000, rent[2])
    family = (family[0], family[1] + 5_000, family[2])
    round_p = pick([0.55, 0.25, 0.6, 0.15, 0.5])
    both = []
    for parts in ((inc, rent), (out, family)):
        who, contact, amount = (np.concatenate(a) for a in zip(*parts, strict=True))
        fixed = np.arange(len(who)) >= len(parts[0][0])
        rounded = fixed | (rng.random(len(who)) < round_p[who])
        amount = np.where(
            fixed, amount, np.where(rounded, np.maximum(np.round(amount, -1), 10), np.round(amount, 2))
        )
        both.append((who.astype(np.int64), contact.astype(np.int64), amount))
    (wi, ci, ai), (wo, co, ao) = both
    keys_in, keys_out = np.unique(wi * 10_000 + ci), np.unique(wo * 10_000 + co)
    largest = np.zeros(n)
    np.maximum.at(largest, wi, ai)
    paid = np.bincount(wi, minlength=n) + np.bincount(wo, minlength=n)
    whole = np.bincount(wi, weights=ai % 10 == 0, minlength=n) + np.bincount(
        wo, weights=ao % 10 == 0, minlength=n
    )
    columns = {
        "p2p_in_count_6m": np.bincount(wi, minlength=n).astype(float),
        "p2p_out_count_6m": np.bincount(wo, minlength=n).astype(float),
        "p2p_in_total_6m": np.round(np.bincount(wi, weights=ai, minlength=n), 2),
        "p2p_out_total_6m": np.round(np.bincount(wo, weights=ao, minlength=n), 2),
        "largest_incoming": np.round(largest, 2),
        "distinct_payers": np.bincount(keys_in // 10_000, minlength=n).astype(float),
        "distinct_payees": np.bincount(keys_out // 10_000, minlength=n).astype(float),
        "two_way_contacts": np.bincount(np.intersect1d(keys_in, keys_out) // 10_000, minlength=n).astype(
            float
        ),
        "round_amount_share": np.where(paid > 0, np.round(whole / np.maximum(paid, 1), 3), np.nan),
        "age": np.clip(np.round(pick([41.0, 29.0, 52.0, 38.0, 40.0]) + rng.normal(0, 11, n)), 18, 90),
    }
    specs = [
        FeatureSpec("p2p_in_count_6m", "count", label="person-to-person payments received in 6 months"),
        FeatureSpec("p2p_out_count_6m", "count", label="person-to-person payments sent in 6 months"),
        FeatureSpec("p2p_in_total_6m", "money", unit="EUR"),
        FeatureSpec("p2p_out_total_6m", "money", unit="EUR"),
        FeatureSpec("largest_incoming", "money", unit="EUR", label="largest payment received"),
        FeatureSpec("distinct_payers", "count"),
        FeatureSpec("distinct_payees", "count"),
        FeatureSpec("two_way_contacts", "count", label="contacts both paid and paid by"),
        FeatureSpec("round_amount_share", "ratio", label="share of payments in whole tens"),
        FeatureSpec("age", "score", unit="years"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out J: person-to-person payments from a simulated 6-month log, 5 segments (2.5 %)",
        data,
        truth,
        5,
        "payments simulated one by one: one-off payments to and from a pool of contacts (close contacts more "
        "often; friends splitting bills pay and are paid by the same 10-25 people, so two-way contacts), "
        "landlords' monthly rent of a fixed amount from 1-4 tenants, small traders paid from a pool of "
        "20-45 buyers with amounts a mixture of small sales (median 25) and 12 % large orders (x14), "
        "family supporters' fixed round monthly transfers to 1-2 relatives; counts, totals, the largest "
        "payment received, distinct payers / payees (ties: at most the counts), two-way contacts, the share "
        "of amounts in whole tens (missing without payments), age; 2.5 % family supporters",
        scaled=_scaled(data),
    )


CUTS = np.array([-1.5, -0.6, 0.3, 1.2])  # a latent opinion cut into a 1-5 rating
SURVEY_CHANNEL = np.array(["app", "e-mail", "phone", "paper"])


def cx_survey(n: int, seed: int) -> Case:
    """A service survey (1-5 ratings, 0-10 recommend score, items not asked) with behaviour: 4 segments."""
    rng = np.random.default_rng(seed)
    # satisfied digital, branch-reliant, fee-sensitive detractors, customers with an unresolved complaint
    truth = _truth(n, [0.42, 0.28, 0.22, 0.08], rng)
    opinion = np.array([0.9, 0.6, -0.5, -1.4])[truth] + rng.normal(0, 0.6, n)
    offsets = np.array(
        [
            [0.5, 0.0, 0.3, 0.2],  # app, branch, fees, service: by segment
            [-0.6, 0.6, 0.2, 0.4],
            [0.0, 0.0, -1.6, 0.0],
            [-0.3, -0.3, -0.5, -1.7],
        ]
    )[truth]
    latent = opinion[:, None] + offsets + rng.normal(0, 0.7, (n, 4))
    ratings = 1.0 + (latent[:, :, None] > CUTS).sum(axis=2)
    uses_app = rng.random(n) < np.array([0.98, 0.25, 0.75, 0.7])[truth]
    visited = rng.random(n) < np.array([0.15, 0.95, 0.4, 0.55])[truth]
    skipped = rng.random((n, 4)) < 0.06  # items left blank
    ratings[~uses_app, 0] = np.nan  # only asked of app users
    ratings[~visited, 1] = np.nan  # only asked of those who visited a branch
    ratings[skipped] = np.nan
    nps = np.clip(np.round(7.4 + 2.0 * (opinion + rng.normal(0, 0.5, n))), 0, 10)
    charged = rng.random(n) < np.array([0.3, 0.55, 0.97, 0.7])[truth]
    fees = np.where(charged, np.array([25.0, 45.0, 230.0, 110.0])[truth] * rng.lognormal(0, 0.6, n), 0.0)
    columns = {
        "rating_app": ratings[:, 0],
        "rating_branch": ratings[:, 1],
        "rating_fees": ratings[:, 2],
        "rating_service": ratings[:, 3],
        "likelihood_to_recommend": nps,
        "complaints_12m": _nb(np.array([0.03, 0.08, 0.3, 2.2])[truth], 1.0, rng),
        "contact_centre_calls_12m": _nb(np.array([0.8, 3.0, 2.5, 7.0])[truth], 1.5, rng),
        "fees_charged_12m": np.round(fees, 2),
        "products_held": 1 + rng.poisson(np.array([1.6, 1.3, 0.5, 1.0])[truth]).astype(float),
        "age": np.clip(np.round(np.array([34.0, 64.0, 42.0, 48.0])[truth] + rng.normal(0, 11, n)), 18, 95),
        "survey_channel": _lean(
            SURVEY_CHANNEL,
            np.array(
                [
                    [0.75, 0.2, 0.04, 0.01],
                    [0.05, 0.25, 0.35, 0.35],
                    [0.4, 0.45, 0.1, 0.05],
                    [0.3, 0.4, 0.25, 0.05],
                ]
            )[truth],
            rng,
        ),
    }
    specs = [
        FeatureSpec("rating_app", "score", unit="1-5", label="rating of the app"),
        FeatureSpec("rating_branch", "score", unit="1-5", label="rating of the branch"),
        FeatureSpec("rating_fees", "score", unit="1-5", label="rating of fees and charges"),
        FeatureSpec("rating_service", "score", unit="1-5", label="rating of customer service"),
        FeatureSpec("likelihood_to_recommend", "score", unit="0-10"),
        FeatureSpec("complaints_12m", "count"),
        FeatureSpec("contact_centre_calls_12m", "count"),
        FeatureSpec("fees_charged_12m", "money", unit="EUR"),
        FeatureSpec("products_held", "count"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("survey_channel", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out J: a service survey (1-5 ratings, 0-10 recommend, items not asked), 4 segments",
        data,
        truth,
        4,
        "survey answers joined to 12 months of behaviour: four 1-5 ratings cut from a shared opinion plus an "
        "item offset by segment (app rating missing unless the app is used, branch rating unless a branch "
        "was visited, 6 % of items left blank), a 0-10 likelihood to recommend (piling at 10), complaints, "
        "contact-centre calls, fees charged (zero for 3-70 %), products held, age, the survey's channel",
        scaled=_scaled(data),
    )


REGIONS = np.array(["north", "south", "east", "west", "capital", "islands"])
PREFERRED = np.array(["app", "web", "branch", "phone"])


def everyday_blob(n: int, seed: int) -> Case:
    """No segments: a current-account book from a Gaussian copula, flags, categories, censored zeros."""
    rng = np.random.default_rng(seed)
    # affluence, digital affinity, credit appetite, age factor
    corr = np.array(
        [
            [1.0, 0.15, -0.2, 0.3],
            [0.15, 1.0, 0.1, -0.55],
            [-0.2, 0.1, 1.0, -0.3],
            [0.3, -0.55, -0.3, 1.0],
        ]
    )
    A, D, C, G = (rng.standard_normal((n, 4)) @ np.linalg.cholesky(corr).T).T
    age = np.round(18 + 72 * (1 / (1 + np.exp(-0.9 * G))) ** 1.3)
    income = np.exp(np.log(2_300) + 0.5 * A + 0.12 * G - 0.06 * G**2)
    spend = income * np.exp(-0.9 + 0.2 * D + 0.15 * C) * rng.gamma(6.0, 1 / 6.0, n)
    drawn = 450 * np.maximum(0, C - 0.3 * A + rng.normal(0, 0.6, n) - 0.6)  # zero for about 2 in 3
    opinion = 0.3 * A + rng.normal(0, 1, n)
    satisfaction = 1.0 + (opinion[:, None] > np.array([-1.6, -0.8, 0.2, 1.1])).sum(axis=1)
    satisfaction[rng.random(n) < 0.25] = np.nan  # not surveyed
    logit = np.column_stack([1.2 * D, 0.4 * D + 0.3 * A, -1.0 * D + 0.5 * G, -0.5 * D - 0.3])
    columns = {
        "monthly_income": np.round(income, 2),
        "card_spend": np.round(spend, 2),
        "savings_balance": np.round(
            np.exp(np.log(3_000) + 1.1 * A - 0.5 * C + 0.4 * G + rng.normal(0, 0.9, n)), 2
        ),
        "overdraft_drawn": np.round(drawn, 2),
        "logins_month": _nb(np.exp(1.8 + 0.9 * D), 2.0, rng),
        "branch_visits_12m": _nb(np.exp(0.2 - 0.7 * D + 0.2 * G), 1.5, rng),
        "card_transactions_month": _nb(spend / 35, 5.0, rng),
        "satisfaction": satisfaction,
        "age": age,
        "has_credit_card": (rng.random(n) < 1 / (1 + np.exp(0.6 - 0.8 * A - 0.9 * C))).astype(float),
        "paperless": (rng.random(n) < 1 / (1 + np.exp(-0.4 - 1.4 * D))).astype(float),
        "preferred_channel": PREFERRED[np.argmax(logit + rng.gumbel(0, 1, (n, 4)), axis=1)],
        "region": _lean(REGIONS, np.tile([0.22, 0.2, 0.17, 0.17, 0.18, 0.06], (n, 1)), rng),
    }
    specs = [
        FeatureSpec("monthly_income", "money", unit="EUR/month"),
        FeatureSpec("card_spend", "money", unit="EUR/month"),
        FeatureSpec("savings_balance", "money", unit="EUR"),
        FeatureSpec("overdraft_drawn", "money", unit="EUR"),
        FeatureSpec("logins_month", "count"),
        FeatureSpec("branch_visits_12m", "count"),
        FeatureSpec("card_transactions_month", "count"),
        FeatureSpec("satisfaction", "score", unit="1-5"),
        FeatureSpec("age", "score", unit="years"),
        FeatureSpec("has_credit_card", "binary"),
        FeatureSpec("paperless", "binary"),
        FeatureSpec("preferred_channel", "categorical"),
        FeatureSpec("region", "categorical"),
    ]
    data = FeatureData.from_columns(columns, specs)
    return Case(
        "held-out J: a current-account book from a Gaussian copula with flags and categories, no segments",
        data,
        None,
        None,
        "one population: four correlated normal factors (affluence, digital affinity, credit appetite, age) "
        "drive log-normal income, spend (gamma noise), heavy-tailed savings, an overdraft drawn that is a "
        "censored linear score (zero for about 2 in 3, densest next to zero), negative-binomial logins, "
        "branch visits and transactions, a 1-5 satisfaction (25 % not surveyed), age, two flags with "
        "logistic probabilities, a preferred channel from a multinomial logit of the factors and a "
        "6-level region that carries nothing",
        scaled=_scaled(data),
    )
