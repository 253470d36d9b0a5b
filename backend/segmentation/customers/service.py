"""Customers: views, writes with immediate re-segmentation, transactions and profiles."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app, g, has_request_context
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from ..dataset import features_of
from ..extensions import db
from ..ml.features import CATEGORIES, CATEGORY_COLUMNS
from ..models import Customer, SpendingProfile, Transaction
from ..serving import holder
from ..values import MONEY_MAX

ATTRIBUTES = (
    "age",
    "gender",
    "monthly_income",
    "account_balance",
    "loyalty_score",
    "education_level",
    "has_loan",
    "online_interactions",
    "branch_visits",
    "call_center_calls",
)
PROFILE_COLUMNS = ", ".join(f"p.{c}" for c in CATEGORY_COLUMNS.values())

VIEW_SQL = f"""
SELECT c.*, {PROFILE_COLUMNS}, p.recency_days, p.frequency, p.monetary, p.source AS spending_source,
       cur.segment_id AS seg_id, cs.name AS seg_name, cs.strategy AS seg_strategy, mv.id AS seg_version,
       prev.segment_id AS prev_id, ps.name AS prev_name, ps.strategy AS prev_strategy,
       mv.previous_version_id AS prev_version
FROM customers c
LEFT JOIN spending_profiles p ON p.customer_id = c.customer_id
LEFT JOIN model_versions mv ON mv.is_active
LEFT JOIN segment_assignments cur ON cur.customer_id = c.customer_id AND cur.model_version_id = mv.id
LEFT JOIN segments cs ON cs.id = cur.segment_id
LEFT JOIN segment_assignments prev ON prev.customer_id = c.customer_id
     AND prev.model_version_id = mv.previous_version_id
LEFT JOIN segments ps ON ps.id = prev.segment_id
"""


class Conflict(Exception):
    pass


def _view(row) -> dict:
    data = {"customer_id": row.customer_id, "created_at": row.created_at, "updated_at": row.updated_at}
    data.update({a: getattr(row, a) for a in ATTRIBUTES})
    data["spending"] = {c: float(getattr(row, col) or 0) for c, col in CATEGORY_COLUMNS.items()}
    data["spending_source"] = row.spending_source
    data["rfm"] = (
        None
        if row.frequency is None
        else {
            "recency_days": row.recency_days,
            "frequency": row.frequency,
            "monetary": float(row.monetary) if row.monetary is not None else None,
        }
    )
    data["segment"] = (
        None
        if row.seg_id is None
        else {
            "id": row.seg_id,
            "name": row.seg_name,
            "strategy": row.seg_strategy,
            "model_version": row.seg_version,
        }
    )
    changed = row.prev_id is not None and row.prev_id != row.seg_id
    data["previous_segment"] = (
        {
            "id": row.prev_id,
            "name": row.prev_name,
            "strategy": row.prev_strategy,
            "model_version": row.prev_version,
        }
        if changed
        else None
    )
    return data


def get_view(customer_id: int, version: int | None = None) -> dict | None:
    """The customer, with the segment of ``version``; default: the model that segmented
    this request's write (``assign``), else the active model. During a model switch the
    active model's assignment may not exist yet: a write still answers with a segment."""
    if version is None and has_request_context():
        version = g.get("segmented_with")
    sql = VIEW_SQL if version is None else VIEW_SQL.replace("ON mv.is_active", "ON mv.id = :v")
    row = db.session.execute(
        text(sql + " WHERE c.customer_id = :id"), {"id": customer_id, "v": version}
    ).first()
    return _view(row) if row else None


def list_views(page: int, per_page: int, segment_id: int | None, q: str | None) -> tuple[list[dict], int]:
    where, params = [], {"limit": per_page, "offset": (page - 1) * per_page}
    if q:
        where.append("c.customer_id::text LIKE :q")
        params["q"] = f"{q}%"
    if segment_id is not None:
        where.append("cur.segment_id = :segment_id")
        params["segment_id"] = segment_id
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    rows = db.session.execute(
        text(VIEW_SQL + clause + " ORDER BY c.customer_id LIMIT :limit OFFSET :offset"), params
    ).all()
    count_sql = (
        "SELECT count(*) FROM customers c LEFT JOIN model_versions mv ON mv.is_active "
        "LEFT JOIN segment_assignments cur ON cur.customer_id = c.customer_id AND cur.model_version_id = mv.id"
    )
    total = db.session.scalar(text(count_sql + clause), params)
    return [_view(r) for r in rows], total


def _apply_spending(profile: SpendingProfile, spending: dict) -> None:
    for category, amount in spending.items():
        setattr(profile, CATEGORY_COLUMNS[category], amount)
    profile.source = "declared"


def create(data: dict) -> dict:
    spending = data.pop("spending")
    customer = Customer(**data)
    profile = SpendingProfile(**{CATEGORY_COLUMNS[c]: v for c, v in spending.items()}, source="declared")
    customer.spending = profile
    db.session.add(customer)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(f"Customer {data['customer_id']} already exists.") from None
    assign([customer.customer_id])
    db.session.commit()
    return get_view(customer.customer_id)


def update(customer_id: int, data: dict) -> dict | None:
    # the row lock serialises concurrent updates of one customer: none is lost
    customer = db.session.scalars(
        select(Customer).where(Customer.customer_id == customer_id).with_for_update()
    ).first()
    if customer is None:
        return None
    spending = data.pop("spending", None)
    for key, value in data.items():
        setattr(customer, key, value)
    if spending:
        if customer.spending is None:
            customer.spending = SpendingProfile(**{CATEGORY_COLUMNS[c]: Decimal(0) for c in CATEGORIES})
        _apply_spending(customer.spending, spending)
    db.session.flush()
    assign([customer_id])
    db.session.commit()
    return get_view(customer_id)


def delete(customer_id: int) -> bool:
    deleted = db.session.execute(
        text("DELETE FROM customers WHERE customer_id = :id RETURNING customer_id"), {"id": customer_id}
    ).first()
    db.session.commit()
    return deleted is not None


def assign(customer_ids: list[int]) -> int | None:
    """Segment these customers with the served model now (in the current transaction)."""
    snapshot = holder(current_app._get_current_object()).current()
    if snapshot is None:
        return None
    ids, X = features_of(customer_ids, snapshot.predictor.features)
    if not len(ids):
        return None
    segments = snapshot.predictor.predict(X)
    db.session.execute(
        text(
            "INSERT INTO segment_assignments (customer_id, model_version_id, segment_id) "
            "SELECT unnest(CAST(:ids AS bigint[])), :v, unnest(CAST(:segs AS int[])) "
            "ON CONFLICT (customer_id, model_version_id) DO UPDATE "
            "SET segment_id = EXCLUDED.segment_id, assigned_at = now()"
        ),
        {"ids": ids.tolist(), "segs": segments.tolist(), "v": snapshot.version},
    )
    if has_request_context():
        g.segmented_with = snapshot.version
    return snapshot.version


def add_transactions(customer_id: int, transactions: list[dict]) -> int | None:
    if db.session.get(Customer, customer_id, with_for_update=True) is None:
        return None
    db.session.execute(insert(Transaction), [{**t, "customer_id": customer_id} for t in transactions])
    recompute_profiles([customer_id])
    assign([customer_id])
    db.session.commit()
    return len(transactions)


def recompute_profiles(customer_ids: list[int] | None) -> int:
    """Spending profiles and RFM figures from the trailing window of transactions, for
    ``customer_ids`` (all customers with transactions when None)."""
    window = current_app.config["TRANSACTION_WINDOW_DAYS"]
    months = window / 30.4375
    sums = ", ".join(
        f"LEAST(round(coalesce(sum(amount) FILTER (WHERE category = '{c}'), 0) / :months, 2), :max) AS {col}"
        for c, col in CATEGORY_COLUMNS.items()
    )
    cols = ", ".join(CATEGORY_COLUMNS.values())
    updates = ", ".join(
        f"{c} = EXCLUDED.{c}"
        for c in list(CATEGORY_COLUMNS.values()) + ["recency_days", "frequency", "monetary", "source"]
    )
    only = "AND customer_id = ANY(:ids)" if customer_ids is not None else ""
    result = db.session.execute(
        text(
            f"INSERT INTO spending_profiles (customer_id, {cols}, recency_days, frequency, monetary, source) "
            f"SELECT customer_id, {sums}, (current_date - max(booked_at)::date), count(*), LEAST(sum(amount), :max), "
            "'transactions' FROM transactions "
            f"WHERE booked_at >= now() - make_interval(days => :window) {only} GROUP BY customer_id "
            f"ON CONFLICT (customer_id) DO UPDATE SET {updates}, updated_at = now()"
        ),
        {"months": months, "window": window, "ids": customer_ids, "max": MONEY_MAX},
    )
    return result.rowcount
