"""A realistic demo population with known (latent) lifestyle segments.

Each latent segment has its own spending pattern: which categories its customers use at
all, and how much they typically spend there. Amounts are log-normal (heavy-tailed), a
few customers are big spenders in everything, and every customer has some random noise
spending. The latent label is kept for evaluation only; it is never a feature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ml.features import CATEGORIES

# (share of customers, {category: (probability of any spend, typical monthly amount)})
LATENT_SEGMENTS: dict[str, tuple[float, dict[str, tuple[float, float]]]] = {
    "utilities_only": (0.14, {"Utilities": (1.0, 180.0)}),
    "online_shopper": (
        0.24,
        {
            "Utilities": (1.0, 140.0),
            "Groceries": (1.0, 260.0),
            "Dining": (1.0, 90.0),
            "Entertainment": (1.0, 110.0),
            "OnlineShopping": (1.0, 850.0),
        },
    ),
    "family_essentials": (
        0.26,
        {
            "Utilities": (1.0, 240.0),
            "Groceries": (1.0, 900.0),
            "Transport": (1.0, 150.0),
            "Healthcare": (1.0, 180.0),
        },
    ),
    "traveller": (
        0.12,
        {
            "Utilities": (1.0, 150.0),
            "Groceries": (1.0, 280.0),
            "Dining": (1.0, 380.0),
            "Entertainment": (1.0, 160.0),
            "Travel": (1.0, 1500.0),
        },
    ),
    "commuter": (
        0.24,
        {
            "Utilities": (1.0, 160.0),
            "Groceries": (1.0, 320.0),
            "Transport": (1.0, 520.0),
        },
    ),
}
EDUCATION = np.array(["primary", "secondary", "bachelor", "master", "doctorate"])
GENDER = np.array(["F", "M", "X"])
LATENT_NAMES = np.array(list(LATENT_SEGMENTS))


@dataclass
class Population:
    customer_id: np.ndarray
    latent: np.ndarray  # index into LATENT_NAMES
    spending: np.ndarray  # (n, len(CATEGORIES)) money units, 2 decimals
    age: np.ndarray
    gender: np.ndarray  # index into GENDER
    monthly_income: np.ndarray
    account_balance: np.ndarray
    loyalty_score: np.ndarray
    education: np.ndarray  # index into EDUCATION
    has_loan: np.ndarray
    online_interactions: np.ndarray
    branch_visits: np.ndarray
    call_center_calls: np.ndarray

    def __len__(self) -> int:
        return len(self.customer_id)


def generate(n: int, seed: int, first_id: int = 1) -> Population:
    rng = np.random.default_rng(seed)
    shares = np.array([s for s, _ in LATENT_SEGMENTS.values()])
    latent = rng.choice(len(LATENT_SEGMENTS), size=n, p=shares / shares.sum())
    spending = np.zeros((n, len(CATEGORIES)))
    for seg_index, (_, pattern) in enumerate(LATENT_SEGMENTS.values()):
        members = np.flatnonzero(latent == seg_index)
        for c_index, category in enumerate(CATEGORIES):
            p, typical = pattern.get(category, (0.0, 0.0))
            if p == 0:
                continue
            active = members[rng.random(len(members)) < p]
            spending[active, c_index] = typical * rng.lognormal(0.0, 0.45, size=len(active))
    # noise: occasional small spend anywhere
    noise = rng.random(spending.shape) < 0.04
    spending[noise] += rng.lognormal(np.log(25.0), 0.6, size=int(noise.sum()))
    # heavy tail: a few customers spend several times more across the board
    big = rng.random(n) < 0.03
    spending[big] *= rng.lognormal(np.log(3.0), 0.3, size=(int(big.sum()), 1))
    spending = np.round(spending, 2)

    total = spending.sum(axis=1)
    age = np.clip(rng.normal(42, 13, n) + np.where(latent == 2, 4, 0) - np.where(latent == 1, 8, 0), 18, 95)
    income = np.round(np.maximum(total * rng.uniform(1.6, 3.2, n), 900 * rng.lognormal(0, 0.3, n)), 2)
    return Population(
        customer_id=np.arange(first_id, first_id + n, dtype=np.int64),
        latent=latent.astype(np.int16),
        spending=spending,
        age=age.astype(np.int16),
        gender=rng.choice(3, size=n, p=[0.49, 0.49, 0.02]).astype(np.int16),
        monthly_income=income,
        account_balance=np.round(income * rng.lognormal(0.8, 0.9, n) - 500, 2),
        loyalty_score=rng.integers(1, 1001, n).astype(np.int16),
        education=rng.choice(5, size=n, p=[0.08, 0.37, 0.33, 0.18, 0.04]).astype(np.int16),
        has_loan=rng.random(n) < 0.35,
        online_interactions=(rng.poisson(6, n) + np.where(latent == 1, rng.poisson(20, n), 0)).astype(
            np.int32
        ),
        branch_visits=rng.poisson(np.where(latent == 0, 2.0, 0.6)).astype(np.int32),
        call_center_calls=rng.poisson(0.4, n).astype(np.int32),
    )
