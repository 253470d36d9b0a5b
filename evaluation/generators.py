"""Generated populations with known segments (the families the method was developed on).

Every generator returns a :class:`Case`: the data as the service would load it
(:class:`FeatureData`), the true segment of each row (``None`` where there is none) and
what a good answer looks like. The held-out families live in ``heldout.py`` and are not
used while developing the method.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from segmentation.ml.features import CATEGORIES
from segmentation.ml.kinds import FeatureData, FeatureSpec

SPEND_SPECS = [FeatureSpec(c, "money", unit="EUR/month") for c in CATEGORIES]
UTIL, GROC, TRANS, DINE, FUN, ONLINE, TRAVEL, HEALTH = range(8)


@dataclass
class Case:
    family: str
    data: FeatureData
    truth: np.ndarray | None  # true segment per row; None = no structure
    true_k: int | None  # None = no clear segments (the run must be rejected)
    description: str
    overlap: bool = False  # overlapping segments: ARI target 0.8 instead of 0.85
    outliers: np.ndarray | None = None  # bool mask of planted outliers
    scaled: dict = field(default_factory=dict)  # the same data in other units

    @property
    def smallest(self) -> int | None:
        if self.truth is None:
            return None
        return int(np.argmin(np.bincount(self.truth)))


# share, {category: (probability of any spend in a month, typical amount)}
SEVEN = [
    (0.35, {UTIL: (1.0, 150), GROC: (0.95, 400)}),
    (0.22, {UTIL: (1.0, 140), DINE: (0.95, 250), FUN: (0.9, 180)}),
    (0.15, {UTIL: (1.0, 200), GROC: (0.95, 800), HEALTH: (0.9, 250)}),
    (0.12, {UTIL: (1.0, 130), ONLINE: (0.95, 700)}),
    (0.08, {UTIL: (1.0, 160), TRANS: (0.95, 500)}),
    (0.06, {UTIL: (1.0, 170), TRAVEL: (0.9, 1500), DINE: (0.9, 300)}),
    (0.02, {UTIL: (1.0, 300), HEALTH: (0.95, 1500), FUN: (0.9, 400)}),
]


def spending(
    n: int,
    segments: list,
    rng: np.random.Generator,
    sigma: float = 0.5,
    noise: float = 0.05,
    use_scale: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Monthly spend per category: log-normal amounts where a segment spends, occasional
    zero months, and small noise spends anywhere."""
    shares = np.array([s for s, _ in segments])
    truth = rng.choice(len(segments), size=n, p=shares / shares.sum())
    X = np.zeros((n, len(CATEGORIES)))
    for seg, (_, pattern) in enumerate(segments):
        members = np.flatnonzero(truth == seg)
        for cat, (p, typical) in pattern.items():
            active = members[rng.random(len(members)) < p * use_scale]
            X[active, cat] = typical * rng.lognormal(0.0, sigma, len(active))
    cells = rng.random(X.shape) < noise
    X[cells] += rng.lognormal(np.log(20.0), 0.6, int(cells.sum()))
    return np.round(X, 2), truth


def unequal(n: int, seed: int) -> Case:
    X, truth = spending(n, SEVEN, np.random.default_rng(seed))
    return Case(
        "unequal sizes (35..2 %)",
        FeatureData.numeric(X, SPEND_SPECS),
        truth,
        7,
        "7 spending segments of 35/22/15/12/8/6/2 %, log-normal amounts, zero months, noise spends",
        scaled={"cents": X * 100, "thousands": X / 1000},
    )


def zero_inflated(n: int, seed: int) -> Case:
    segments = [
        (0.30, {UTIL: (0.85, 150), GROC: (0.9, 450)}),
        (0.25, {UTIL: (0.85, 150), DINE: (0.9, 260), FUN: (0.85, 180)}),
        (0.20, {UTIL: (0.85, 200), TRANS: (0.9, 500), HEALTH: (0.85, 250)}),
        (0.15, {UTIL: (0.85, 130), ONLINE: (0.9, 700)}),
        (0.10, {UTIL: (0.85, 170), TRAVEL: (0.9, 1500)}),
    ]
    rng = np.random.default_rng(seed)
    X, truth = spending(n, segments, rng, noise=0.0)
    # every other category: used in 25 % of months, at a modest amount
    cells = (X == 0) & (rng.random(X.shape) < 0.2)
    X[cells] = np.round(rng.lognormal(np.log(50.0), 0.5, int(cells.sum())), 2)
    return Case(
        "zero-inflated categories",
        FeatureData.numeric(X, SPEND_SPECS),
        truth,
        5,
        "5 segments whose own categories are empty in 10-15 % of months; every other category "
        "is used in 20 % of months at about 50",
    )


def outliers(n: int, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    X, truth = spending(n, SEVEN, rng)
    planted = rng.random(n) < 0.01
    X[planted] *= 50
    return Case(
        "1 % extreme outliers (x50)",
        FeatureData.numeric(X, SPEND_SPECS),
        truth,
        7,
        "the 7-segment population with 1 % of customers' amounts multiplied by 50 "
        "(true label: their original segment)",
        outliers=planted,
    )


def overlapping(n: int, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    typical = np.array(
        [
            [150, 420, 120, 120, 100, 180, 200, 100],
            [150, 240, 120, 260, 220, 180, 200, 100],
            [150, 420, 260, 120, 100, 360, 200, 100],
        ]
    )
    truth = rng.choice(3, size=n, p=[0.45, 0.35, 0.20])
    X = typical[truth] * rng.lognormal(0.0, 0.28, size=(n, 8))
    return Case(
        "3 overlapping segments",
        FeatureData.numeric(np.round(X, 2), SPEND_SPECS),
        truth,
        3,
        "3 segments that differ by about 2x in two categories each, with overlapping tails",
        overlap=True,
    )


def blob(n: int, seed: int, zero_cells: float = 0.0) -> Case:
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=(n, 1))
    base = np.array([150, 400, 120, 200, 150, 300, 500, 120])
    X = base * np.exp(0.3 * factor + 0.45 * rng.normal(size=(n, 8)))
    if zero_cells:
        X[rng.random(X.shape) < zero_cells] = 0.0
    name = "no structure" + (f" ({zero_cells:.0%} zero cells)" if zero_cells else "")
    return Case(
        name,
        FeatureData.numeric(np.round(X, 2), SPEND_SPECS),
        None,
        None,
        "one correlated log-normal blob" + (f" with {zero_cells:.0%} of cells zero" if zero_cells else ""),
    )


def mixed(n: int, seed: int) -> Case:
    """Numeric columns without structure; the segments live in categorical columns."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(4, size=n, p=[0.4, 0.3, 0.2, 0.1])
    channel = np.array(["branch", "mobile", "web", "phone"])
    product = np.array(["current", "savings", "mortgage", "investment"])
    region = np.array(["north", "south", "east", "west", "centre"])

    def noisy(values, keep):
        own = values[truth % len(values)]
        other = values[rng.integers(0, len(values), n)]
        return np.where(rng.random(n) < keep, own, other)

    columns = {
        "balance": np.round(rng.lognormal(7.5, 0.8, n), 2),
        "channel": noisy(channel, 0.9),
        "age": np.clip(np.round(rng.normal(45, 14, n)), 18, 90),
        "product": noisy(product, 0.85),
        "transactions": rng.poisson(12, n).astype(float),
        "region": noisy(region[[0, 1, 2, 3]], 0.8),
    }
    specs = [
        FeatureSpec("balance", "money"),
        FeatureSpec("channel", "categorical"),
        FeatureSpec("age", "score"),
        FeatureSpec("product", "categorical"),
        FeatureSpec("transactions", "count"),
        FeatureSpec("region", "categorical"),
    ]
    return Case(
        "mixed: structure in categories",
        FeatureData.from_columns(columns, specs),
        truth,
        4,
        "3 numeric columns without structure, 3 categorical columns that carry 4 segments (80-90 % "
        "of customers take their segment's value, the others any value)",
    )


BANK_SPECS = [
    FeatureSpec("age", "score", unit="years"),
    FeatureSpec("gender", "categorical"),
    FeatureSpec("monthly_income", "money"),
    FeatureSpec("account_balance", "money"),
    FeatureSpec("loyalty_score", "score", unit="points"),
    FeatureSpec("education", "categorical"),
    FeatureSpec("social_media", "binary"),
    FeatureSpec("email_opened", "binary"),
    FeatureSpec("app_user", "binary"),
    FeatureSpec("newsletter", "binary"),
    FeatureSpec("total_withdrawals", "money"),
    FeatureSpec("total_deposits", "money"),
    FeatureSpec("transaction_count", "count"),
    FeatureSpec("has_loan", "binary"),
]


def bank_profile(n: int, seed: int) -> Case:
    """The 14-attribute bank profile: 4 segments (young digital, affluent, retired, stretched)."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(4, size=n, p=[0.35, 0.2, 0.25, 0.2])
    age_mu = np.array([29, 48, 70, 40])[truth]
    income_mu = np.array([2600, 7500, 2200, 1700])[truth]
    balance_mu = np.array([1500, 40000, 18000, -400])[truth]
    loyalty_mu = np.array([300, 750, 800, 350])[truth]
    digital = np.array([0.85, 0.5, 0.12, 0.45])[truth]
    tx_mu = np.array([60, 35, 12, 25])[truth]
    loan = np.array([0.25, 0.3, 0.1, 0.85])[truth]
    edu_p = np.array(
        [[0.05, 0.35, 0.45, 0.15], [0.02, 0.15, 0.38, 0.45], [0.25, 0.45, 0.2, 0.1], [0.15, 0.6, 0.2, 0.05]]
    )
    education = np.array(["primary", "secondary", "bachelor", "master"])
    u = rng.random(n)
    edu = (u[:, None] > np.cumsum(edu_p[truth], axis=1)).sum(axis=1).clip(0, 3)
    income = np.round(income_mu * rng.lognormal(0, 0.3, n), 2)
    columns = {
        "age": np.clip(np.round(age_mu + rng.normal(0, 5, n)), 18, 95),
        "gender": rng.choice(np.array(["F", "M"]), n),
        "monthly_income": income,
        "account_balance": np.round(balance_mu + np.abs(balance_mu) * 0.5 * rng.normal(size=n), 2),
        "loyalty_score": np.clip(np.round(loyalty_mu + rng.normal(0, 90, n)), 1, 1000),
        "education": education[edu],
        "social_media": (rng.random(n) < digital).astype(float),
        "email_opened": (rng.random(n) < 0.5 + 0.3 * (digital - 0.5)).astype(float),
        "app_user": (rng.random(n) < digital).astype(float),
        "newsletter": (rng.random(n) < 0.3).astype(float),
        "total_withdrawals": np.round(income * 0.8 * rng.lognormal(0, 0.25, n), 2),
        "total_deposits": np.round(income * rng.lognormal(0, 0.2, n), 2),
        "transaction_count": rng.poisson(tx_mu).astype(float),
        "has_loan": (rng.random(n) < loan).astype(float),
    }
    return Case(
        "bank profile (14 attributes)",
        FeatureData.from_columns(columns, BANK_SPECS),
        truth,
        4,
        "age, gender, income, balance (can be negative), loyalty 1-1000, education, 4 channel flags, "
        "withdrawals, deposits, transaction count, loan; 4 segments",
    )


def income_score(n: int, seed: int) -> Case:
    """Mall-customers shape: annual income (k) and a 1-100 spending score, 5 groups."""
    rng = np.random.default_rng(seed)
    centres = np.array([[26, 20], [26, 79], [55, 50], [87, 18], [86, 82]])
    truth = rng.choice(5, size=n, p=[0.11, 0.11, 0.40, 0.19, 0.19])
    income = np.round(centres[truth, 0] * rng.lognormal(0, 0.12, n), 1)
    score = np.clip(np.round(centres[truth, 1] + rng.normal(0, 6, n)), 1, 100)
    specs = [FeatureSpec("annual_income", "money", unit="k$"), FeatureSpec("spending_score", "score")]
    data = FeatureData.from_columns({"annual_income": income, "spending_score": score}, specs)
    return Case("income + score (mall-like)", data, truth, 5, "annual income and a 1-100 score, 5 groups")


def noise_columns(n: int, seed: int) -> Case:
    """3 spending segments next to columns that carry none: an integer tenure drawn uniformly
    from 6-12 and a gender-like category."""
    segments = [
        (0.5, {UTIL: (1.0, 150), GROC: (0.95, 450)}),
        (0.3, {UTIL: (1.0, 150), DINE: (0.95, 300), FUN: (0.9, 200)}),
        (0.2, {UTIL: (1.0, 180), TRAVEL: (0.9, 1200), ONLINE: (0.9, 400)}),
    ]
    rng = np.random.default_rng(seed)
    X, truth = spending(n, segments, rng)
    columns = {s.name: X[:, j] for j, s in enumerate(SPEND_SPECS)}
    columns["TENURE"] = rng.integers(6, 13, n).astype(float)
    columns["gender"] = rng.choice(np.array(["F", "M"]), n)
    specs = SPEND_SPECS + [FeatureSpec("TENURE", "count"), FeatureSpec("gender", "categorical")]
    return Case(
        "3 segments + uniform tenure and gender",
        FeatureData.from_columns(columns, specs),
        truth,
        3,
        "3 spending segments; an integer tenure uniform on 6-12 and a gender category carry no segments",
    )


def many_rows(n: int, seed: int) -> Case:
    case = unequal(n, seed)
    case.family = f"many rows ({n:,})"
    case.scaled = {}
    return case


FAMILIES = [
    (unequal, 10_000),
    (zero_inflated, 10_000),
    (outliers, 10_000),
    (overlapping, 10_000),
    (lambda n, seed: blob(n, seed), 10_000),
    (lambda n, seed: blob(n, seed, zero_cells=0.2), 10_000),
    (mixed, 10_000),
    (bank_profile, 10_000),
    (income_score, 5_000),
    (noise_columns, 10_000),
]
