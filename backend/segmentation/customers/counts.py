"""How many customers there are, read from the deltas the database keeps (migration 0009)
instead of counting every row: the customer list's total costs the same at 10M customers as
at 1,000."""

from __future__ import annotations

from sqlalchemy import text

from ..core.extensions import db

TOTAL = "SELECT coalesce(sum(n), 0) FROM customer_counts"
# a segment's customers, kept per model version by the assignments' triggers
SEGMENT_SIZE = (
    "SELECT coalesce(sum(customers), 0) FROM segment_summaries "
    "WHERE model_version_id = :version AND segment_id = :segment_id"
)


def total() -> int:
    """Every customer, exactly (the triggers run inside the writing transactions)."""
    return int(db.session.scalar(text(TOTAL)))


def compact() -> None:
    """Fold the deltas into one row (and commit). Rows another transaction adds meanwhile are
    not seen by the DELETE and stay, so the sum never changes. A TRUNCATE of the customers
    waits for the fold (or the fold for it): its reset must see the folded row."""
    db.session.execute(text("LOCK TABLE customers IN ACCESS SHARE MODE"))
    db.session.execute(
        text(
            "WITH gone AS (DELETE FROM customer_counts RETURNING n) "
            "INSERT INTO customer_counts (n) SELECT sum(n) FROM gone HAVING count(*) > 0"
        )
    )
    db.session.commit()
