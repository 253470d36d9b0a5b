"""Loading the demo population into PostgreSQL with binary COPY."""

from __future__ import annotations

import logging
import time

import numpy as np

from ..core.extensions import db
from ..ml.features import CATEGORIES, CATEGORY_COLUMNS
from . import bulk, demo

log = logging.getLogger(__name__)

STAGING = [
    "customer_id",
    "age",
    "gender_i",
    "monthly_income",
    "account_balance",
    "loyalty_score",
    "education_i",
    "has_loan",
    "online_interactions",
    "branch_visits",
    "call_center_calls",
    "latent_i",
] + [CATEGORY_COLUMNS[c] for c in CATEGORIES]


def _array_literal(values) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]::text[]"


def seed_demo(customers: int, seed: int, chunk: int = 250_000) -> dict:
    """Add ``customers`` demo customers (ids after the current maximum) with profiles."""
    started = time.perf_counter()
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute("SELECT coalesce(max(customer_id), 0) FROM customers")
            first_id = cur.fetchone()[0] + 1
            cur.execute(
                "CREATE TEMP TABLE _seed (customer_id int8, age int2, gender_i int2, monthly_income float8, "
                "account_balance float8, loyalty_score int2, education_i int2, has_loan bool, "
                "online_interactions int4, branch_visits int4, call_center_calls int4, latent_i int2, "
                + ", ".join(f"{CATEGORY_COLUMNS[c]} float8" for c in CATEGORIES)
                + ") ON COMMIT DROP"
            )
            for start in range(0, customers, chunk):
                n = min(chunk, customers - start)
                pop = demo.generate(n, seed + start, first_id=first_id + start)
                columns = [
                    pop.customer_id,
                    pop.age,
                    pop.gender,
                    pop.monthly_income,
                    pop.account_balance,
                    pop.loyalty_score,
                    pop.education,
                    pop.has_loan,
                    pop.online_interactions,
                    pop.branch_visits,
                    pop.call_center_calls,
                    pop.latent,
                ] + [np.ascontiguousarray(pop.spending[:, j]) for j in range(len(CATEGORIES))]
                bulk.copy_in(cur, "_seed", STAGING, columns)
            cur.execute(
                "INSERT INTO customers (customer_id, external_id, age, gender, monthly_income, account_balance, "
                "loyalty_score, education_level, has_loan, online_interactions, branch_visits, "
                "call_center_calls, latent_segment) "
                f"SELECT customer_id, customer_id::text, age, ({_array_literal(demo.GENDER)})[gender_i + 1], "
                "monthly_income::numeric(14,2), account_balance::numeric(16,2), loyalty_score, "
                f"({_array_literal(demo.EDUCATION)})[education_i + 1], has_loan, online_interactions, "
                f"branch_visits, call_center_calls, ({_array_literal(demo.LATENT_NAMES)})[latent_i + 1] "
                "FROM _seed"
            )
            cols = [CATEGORY_COLUMNS[c] for c in CATEGORIES]
            cur.execute(
                f"INSERT INTO spending_profiles (customer_id, {', '.join(cols)}, source) "
                f"SELECT customer_id, {', '.join(f'{c}::numeric(12,2)' for c in cols)}, 'declared' FROM _seed"
            )
            # customers created later (API, imports) take internal keys after these
            cur.execute(
                "SELECT setval('customers_customer_id_seq', (SELECT max(customer_id) FROM customers))"
            )
        raw.commit()
    finally:
        raw.close()
    seconds = time.perf_counter() - started
    log.info("seeded %s demo customers in %.1fs", customers, seconds)
    return {"customers": customers, "first_id": first_id, "seconds": round(seconds, 2)}
