"""Customers: views, writes with immediate re-segmentation, transactions and profiles."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app, g, has_request_context
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from ..core.extensions import db
from ..data.dataset import session_cursor
from ..ml.features import CATEGORIES, CATEGORY_COLUMNS
from ..predict.serving import holder
from ..segmentations import service as segmentations
from ..segmentations.service import DEFAULT
from ..segments import partitions
from ..training.resegment import segments_of as segments_of_data
from . import counts
from .models import Customer, SpendingProfile

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

# the lifestyle segmentation's active model gives the customer's "segment" (kept for every
# existing caller); ``segments_of`` lists the current segment in every segmentation
LIFESTYLE_MODEL = (
    "mv.is_active AND mv.segmentation_id = (SELECT id FROM segmentations WHERE name = 'lifestyle')"
)

VIEW_SQL = f"""
SELECT c.*, {PROFILE_COLUMNS}, p.recency_days, p.frequency, p.monetary, p.source AS spending_source,
       cur.segment_id AS seg_id, cs.name AS seg_name, cs.strategy AS seg_strategy, mv.id AS seg_version,
       prev.segment_id AS prev_id, ps.name AS prev_name, ps.strategy AS prev_strategy,
       mv.previous_version_id AS prev_version
FROM customers c
LEFT JOIN spending_profiles p ON p.customer_id = c.customer_id
LEFT JOIN model_versions mv ON {LIFESTYLE_MODEL}
LEFT JOIN segment_assignments cur ON cur.customer_id = c.customer_id AND cur.model_version_id = mv.id
LEFT JOIN segments cs ON cs.id = cur.segment_id
LEFT JOIN segment_assignments prev ON prev.customer_id = c.customer_id
     AND prev.model_version_id = mv.previous_version_id
LEFT JOIN segments ps ON ps.id = prev.segment_id
"""


class Conflict(Exception):
    pass


def _view(row) -> dict:
    """The API's customer: the bank's id as ``customer_id``; the internal key stays inside."""
    data = {"customer_id": row.external_id, "created_at": row.created_at, "updated_at": row.updated_at}
    data.update({a: getattr(row, a) for a in ATTRIBUTES})
    data["attributes"] = row.attributes or {}
    # no profile: no spending figures (an unknown spend is not a zero spend)
    data["spending"] = (
        None
        if row.spending_source is None
        else {c: float(getattr(row, col)) for c, col in CATEGORY_COLUMNS.items()}
    )
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


def key_of(external_id: str) -> int | None:
    """The internal key of the customer with this bank id."""
    return db.session.scalar(
        text("SELECT customer_id FROM customers WHERE external_id = :e"), {"e": external_id}
    )


def get_view(external_id: str, version: int | None = None) -> dict | None:
    """The customer, with the lifestyle segment of ``version``; default: the model that
    segmented this request's write (``assign``), else the active model. During a model switch
    the new model's assignment may not exist yet: a write still answers with a segment."""
    if version is None and has_request_context():
        version = g.get("segmented_with", {}).get(DEFAULT)
    sql = VIEW_SQL if version is None else VIEW_SQL.replace(f"ON {LIFESTYLE_MODEL}", "ON mv.id = :v")
    row = db.session.execute(
        text(sql + " WHERE c.external_id = :e"), {"e": external_id, "v": version}
    ).first()
    if row is None:
        return None
    return {**_view(row), "segments": segments_of(row.customer_id)}


def segments_of(key: int) -> list[dict]:
    """The customer's current segment in every segmentation (None where its active model has
    not placed the customer, or no model is active)."""
    rows = db.session.execute(
        text(
            "SELECT sg.name AS segmentation, a.segment_id, s.name, s.strategy, mv.id AS version "
            "FROM segmentations sg LEFT JOIN model_versions mv ON mv.segmentation_id = sg.id AND mv.is_active "
            "LEFT JOIN segment_assignments a ON a.model_version_id = mv.id AND a.customer_id = :k "
            "LEFT JOIN segments s ON s.id = a.segment_id ORDER BY sg.id"
        ),
        {"k": key},
    ).all()
    return [
        {
            "segmentation": r.segmentation,
            "segment": None
            if r.segment_id is None
            else {"id": r.segment_id, "name": r.name, "strategy": r.strategy, "model_version": r.version},
        }
        for r in rows
    ]


def _like_prefix(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# the customers of a version in the same query as the filter: an activation between two
# statements cannot show one model's segments under another's filter
VIEW_OF_VERSION = VIEW_SQL.replace(f"ON {LIFESTYLE_MODEL}", "ON mv.id = :version")


def list_views(page: int, per_page: int, segment_id: int | None, q: str | None) -> tuple[list[dict], int]:
    """A page of customers in the order they were added, optionally by bank-id prefix and by
    segment (of the lifestyle segmentation's active model).

    The page's keys are found first (a walk over the customers' keys, or over the active
    version's assignments) and only those rows are joined to their profiles and segments, so
    a late page walks the keys it skips instead of joining every skipped customer (with a
    kept total, a page in the second half walks back from the last key). Totals are kept,
    not counted: everyone's by ``counts``; a segment's by its size in
    ``segment_summaries`` while the version's partition is attached (a version brought back
    after retention dropped its rows keeps its old sizes until it is re-segmented: its rows
    are counted meanwhile). Only a ``q`` prefix search counts its matches."""
    params = {"limit": per_page, "offset": (page - 1) * per_page}
    where = []
    if q:
        where.append("c.external_id LIKE :q")
        params["q"] = _like_prefix(q)
    view, key, matching = VIEW_SQL, "c.customer_id", "FROM customers c"
    if segment_id is not None:
        version = db.session.scalar(text(f"SELECT mv.id FROM model_versions mv WHERE {LIFESTYLE_MODEL}"))
        if version is None:
            return [], 0
        # the version as a value, not a join: the planner reads its partition alone; the
        # customers table only for a prefix (an assignment's customer exists: foreign key)
        view, key, matching = VIEW_OF_VERSION, "cur.customer_id", "FROM segment_assignments cur"
        if q:
            matching += " JOIN customers c ON c.customer_id = cur.customer_id"
        where[:0] = ["cur.model_version_id = :version", "cur.segment_id = :segment_id"]
        params |= {"version": version, "segment_id": segment_id}
    if where:
        matching += " WHERE " + " AND ".join(where)
    kept = None  # the query of a kept total (None: counted after the page)
    if segment_id is None and not q:
        kept = counts.TOTAL
    elif segment_id is not None and not q and _has_partition(params["version"]):
        kept = counts.SEGMENT_SIZE
    total = None if kept is None else int(db.session.scalar(text(kept), params))
    keys = f"SELECT {key} {matching} ORDER BY {key} LIMIT :limit OFFSET :offset"
    if total is not None and params["offset"] + per_page // 2 > total // 2:
        # a late page: walk back from the last key, the total read again in the walk's own
        # snapshot (no write since shifts the page); keys first (the planner cannot see the LIMIT)
        n = f"({kept})"
        end = f"least(:offset + :limit, {n})"
        back = f"SELECT {key} {matching} ORDER BY {key} DESC LIMIT greatest({end} - :offset, 0) OFFSET {n} - {end}"
        params["ids"] = db.session.scalars(text(back), params).all()
        keys = "SELECT unnest(CAST(:ids AS bigint[]))"
    rows = db.session.execute(
        text(f"{view} WHERE c.customer_id IN ({keys}) ORDER BY c.customer_id"), params
    ).all()
    if total is None:
        total = db.session.scalar(text(f"SELECT count(*) {matching}"), params)
    return [_view(r) for r in rows], int(total)


def _has_partition(version: int) -> bool:
    """Whether ``version``'s rows are in a partition of their own (their sizes are then kept)."""
    with session_cursor() as cur:
        return version in partitions.attached(cur)


def _apply_spending(profile: SpendingProfile, spending: dict) -> None:
    for category, amount in spending.items():
        setattr(profile, CATEGORY_COLUMNS[category], amount)
    profile.source = "declared"


def create(data: dict) -> dict:
    spending = data.pop("spending")
    external_id = data.pop("customer_id")
    customer = Customer(**data, external_id=external_id)
    profile = SpendingProfile(**{CATEGORY_COLUMNS[c]: v for c, v in spending.items()}, source="declared")
    customer.spending = profile
    db.session.add(customer)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(f"Customer {external_id} already exists.") from None
    assign([customer.customer_id])
    db.session.commit()
    return get_view(external_id)


def update(external_id: str, data: dict) -> dict | None:
    # the row lock serialises concurrent updates of one customer: none is lost
    customer = db.session.scalars(
        select(Customer).where(Customer.external_id == external_id).with_for_update()
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
    assign([customer.customer_id])
    db.session.commit()
    return get_view(external_id)


def delete(external_id: str) -> bool:
    deleted = db.session.execute(
        text("DELETE FROM customers WHERE external_id = :e RETURNING customer_id"), {"e": external_id}
    ).first()
    db.session.commit()
    return deleted is not None


def assign(customer_ids: list[int]) -> int | None:
    """Segment these customers now (in the current transaction) in every segmentation whose
    features live in the service's tables, with the model each worker serves. Returns the
    lifestyle model's version (None when it has none)."""
    models = holder(current_app._get_current_object())
    used: dict[str, int] = {}
    for seg in segmentations.all_segmentations():
        snapshot = models.current(seg.name)
        if snapshot is None or seg.source is not None:
            continue
        data = segmentations.load_customers(seg, customer_ids)
        ids, segments = segments_of_data(snapshot.predictor, data)
        if not len(ids):
            continue
        db.session.execute(
            text(
                "INSERT INTO segment_assignments (customer_id, model_version_id, segment_id) "
                "SELECT unnest(CAST(:ids AS bigint[])), :v, unnest(CAST(:segs AS int[])) "
                "ON CONFLICT (customer_id, model_version_id) DO UPDATE "
                "SET segment_id = EXCLUDED.segment_id, assigned_at = now()"
            ),
            {"ids": ids.tolist(), "segs": segments.tolist(), "v": snapshot.version},
        )
        used[seg.name] = snapshot.version
    if has_request_context():
        g.segmented_with = used
    return used.get(DEFAULT)
