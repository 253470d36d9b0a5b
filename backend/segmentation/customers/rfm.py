"""Spending profiles and recency / frequency / monetary figures from transactions.

The window is ``TRANSACTION_WINDOW_DAYS`` long and ends at ``RFM_AS_OF`` or, when that is
unset, at the day of the latest transaction in the data (not today: a log that ended last
year still gives figures). Transactions after the end are ignored.

For a customer with transactions up to the end: monthly spend per category and frequency /
monetary count the window; recency is the days from the last purchase (at any time up to the
end) to the end. **No history** (a profile but no transaction up to the end): recency NULL
(never "bought today"), frequency 0, monetary 0; a declared spending profile is kept. A
customer with neither a profile nor transactions gets no profile (that would claim zero
spend). ``flask --app segmentation recompute-profiles`` recomputes everyone after the window
or the as-of date changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import insert, select, text

from ..core.extensions import db
from ..core.values import MONEY_MAX
from ..ml.features import CATEGORY_COLUMNS
from ..segmentations import service as segmentations
from ..segments import summaries
from .models import Customer, Transaction
from .service import assign


@dataclass
class Window:
    end: date | None
    days: int
    latest: date | None  # latest transaction day in the data

    @property
    def start(self) -> date | None:
        return None if self.end is None else self.end - timedelta(days=self.days - 1)


@dataclass
class Outcome:
    window: Window
    with_history: int = 0
    in_window: int = 0
    no_history: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        w = self.window
        if w.end is None:
            return "No transactions: no profile recomputed."
        return (
            f"RFM window {w.start}..{w.end} ({w.days} days): {self.with_history:,} customers with history "
            f"({self.in_window:,} with purchases in the window), {self.no_history:,} without history"
        )


def window() -> Window:
    cfg = current_app.config
    latest = db.session.scalar(text("SELECT max(booked_at)::date FROM transactions"))
    as_of = cfg.get("RFM_AS_OF")
    end = date.fromisoformat(as_of) if as_of else latest
    return Window(end, cfg["TRANSACTION_WINDOW_DAYS"], latest)


def recompute(customer_ids: list[int] | None, win: Window | None = None) -> Outcome:
    """Profiles of ``customer_ids`` (everyone when None) in the current transaction."""
    win = win or window()
    outcome = Outcome(win)
    if win.end is None:
        return outcome
    # sums are capped at what a money column stores (one limit per kind of value)
    params = {
        "end": win.end,
        "start": win.start,
        "months": win.days / 30.4375,
        "ids": customer_ids,
        "max": MONEY_MAX,
    }
    only = "AND customer_id = ANY(:ids)" if customer_ids is not None else ""
    in_window = "booked_at::date >= :start"
    cols = list(CATEGORY_COLUMNS.values())
    sums = ", ".join(
        f"LEAST(round(coalesce(sum(amount) FILTER (WHERE {in_window} AND category = '{c}'), 0) / :months, 2), :max)"
        for c in CATEGORY_COLUMNS
    )
    figures = cols + ["recency_days", "frequency", "monetary", "source"]
    db.session.execute(
        text(
            f"INSERT INTO spending_profiles AS p (customer_id, {', '.join(figures)}) "
            f"SELECT customer_id, {sums}, (CAST(:end AS date) - max(booked_at)::date), "
            f"count(*) FILTER (WHERE {in_window}), LEAST(coalesce(sum(amount) FILTER (WHERE {in_window}), 0), :max), "
            "'transactions' FROM transactions "
            f"WHERE booked_at::date <= :end {only} GROUP BY customer_id "
            f"ON CONFLICT (customer_id) DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in figures)}, "
            "updated_at = now() "
            f"WHERE ROW({', '.join(f'p.{c}' for c in figures)}) IS DISTINCT FROM "
            f"ROW({', '.join(f'EXCLUDED.{c}' for c in figures)})"
        ),
        params,
    )
    only_p = "AND p.customer_id = ANY(:ids)" if customer_ids is not None else ""
    db.session.execute(
        text(
            "UPDATE spending_profiles p SET recency_days = NULL, frequency = 0, monetary = 0, "
            + ", ".join(f"{c} = CASE WHEN p.source = 'transactions' THEN 0 ELSE {c} END" for c in cols)
            + ", updated_at = now() WHERE NOT EXISTS (SELECT 1 FROM transactions t "
            f"WHERE t.customer_id = p.customer_id AND t.booked_at::date <= :end) {only_p} "
            "AND ROW(p.recency_days, p.frequency, p.monetary) IS DISTINCT FROM ROW(NULL::int, 0, 0::numeric)"
        ),
        params,
    )
    counts = db.session.execute(
        text(
            "SELECT count(*) FILTER (WHERE recency_days IS NOT NULL), "
            "count(*) FILTER (WHERE frequency > 0), count(*) FILTER (WHERE recency_days IS NULL AND frequency = 0) "
            f"FROM spending_profiles WHERE true {only}"
        ),
        params,
    ).one()
    outcome.with_history, outcome.in_window, outcome.no_history = counts
    if customer_ids is None and outcome.in_window == 0:
        outcome.warnings.append(
            f"no customer has a transaction in the RFM window {win.start}..{win.end} "
            f"(latest transaction: {win.latest}); check RFM_AS_OF and TRANSACTION_WINDOW_DAYS"
        )
    return outcome


def add_transactions(external_id: str, transactions: list[dict]) -> int | None:
    customer = db.session.scalars(
        select(Customer).where(Customer.external_id == external_id).with_for_update()
    ).first()
    if customer is None:
        return None
    key = customer.customer_id
    db.session.execute(insert(Transaction), [{**t, "customer_id": key} for t in transactions])
    recompute([key])
    assign([key])
    db.session.commit()
    return len(transactions)


def recompute_all():
    """Every profile after a change of window or as-of date; re-segments and commits."""
    outcome = recompute(None)
    keys = list(db.session.scalars(text("SELECT customer_id FROM spending_profiles ORDER BY 1")))
    chunk = current_app.config["RESEGMENT_CHUNK"]
    for start in range(0, len(keys), chunk):
        assign(keys[start : start + chunk])
    for version in segmentations.active_versions().values():
        summaries.refresh_rfm(version)  # members' RFM averages shown by GET /segments
    db.session.commit()
    return outcome
