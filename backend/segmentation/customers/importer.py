"""Loading a large transactions CSV: bad rows are reported by line, the rest load with COPY."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from ..extensions import db
from ..ml.features import CATEGORIES
from ..models import CHANNELS
from ..values import CENT, CUSTOMER_ID_MAX, MONEY_MAX, MONEY_PRECISION, MONEY_SCALE, NUMERIC, ascii_int
from .service import assign, recompute_profiles

COLUMNS = ("customer_id", "booked_at", "amount", "category", "channel")
CATEGORY_BY_LOWER = {c.lower(): c for c in CATEGORIES}


class ImportError_(Exception):
    """The file as a whole cannot be read (missing columns, not CSV)."""


@dataclass
class ImportResult:
    imported: int = 0
    customers: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def parse_row(row: dict) -> tuple[tuple, str | None]:
    """The staged values of one CSV row, or the reason it is rejected."""
    raw_id = (row.get("customer_id") or "").strip()
    if not ascii_int(raw_id) or int(raw_id) < 1 or int(raw_id) > CUSTOMER_ID_MAX:
        return (), f"customer_id: not a positive integer ({raw_id!r})"
    try:
        booked = datetime.fromisoformat((row.get("booked_at") or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return (), f"booked_at: not an ISO-8601 date-time ({row.get('booked_at')!r})"
    if booked.tzinfo is None:
        booked = booked.replace(tzinfo=UTC)
    raw_amount = (row.get("amount") or "").strip()
    if not NUMERIC.fullmatch(raw_amount):
        return (), f"amount: not a number ({raw_amount!r})"
    try:
        amount = Decimal(raw_amount)
        amount = amount.quantize(CENT) if abs(amount) <= MONEY_MAX else amount
    except InvalidOperation:
        return (), f"amount: not a number ({raw_amount!r})"
    if amount <= 0 or amount > MONEY_MAX:
        return (), f"amount: must be greater than 0 and at most {MONEY_MAX} ({raw_amount})"
    category = CATEGORY_BY_LOWER.get((row.get("category") or "").strip().lower())
    if category is None:
        return (), f"category: must be one of {', '.join(CATEGORIES)} ({row.get('category')!r})"
    channel = (row.get("channel") or "").strip().lower()
    if channel not in CHANNELS:
        return (), f"channel: must be one of {', '.join(CHANNELS)} ({row.get('channel')!r})"
    return (int(raw_id), booked.isoformat(), str(amount), category, channel), None


def import_transactions(stream: io.TextIOBase, chunk_rows: int = 50_000) -> ImportResult:
    reader = csv.DictReader(stream)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportError_(f"the header lacks {', '.join(missing)} (needs {', '.join(COLUMNS)})")
    result = ImportResult()
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute(
                "CREATE TEMP TABLE _tx (line int8, customer_id int8, booked_at timestamptz, "
                f"amount numeric({MONEY_PRECISION},{MONEY_SCALE}), category text, channel text) ON COMMIT DROP"
            )
            buf, pending = io.StringIO(), 0
            writer = csv.writer(buf)
            for row in reader:
                line = reader.line_num
                if None in row or any(v is None for v in row.values()):
                    result.rejected.append((line, "wrong number of fields"))
                    continue
                values, reason = parse_row(row)
                if reason:
                    result.rejected.append((line, reason))
                    continue
                writer.writerow((line, *values))
                pending += 1
                if pending >= chunk_rows:
                    _flush(cur, buf)
                    pending = 0
            _flush(cur, buf)
            cur.execute(
                "SELECT s.line, s.customer_id FROM _tx s LEFT JOIN customers c USING (customer_id) "
                "WHERE c.customer_id IS NULL ORDER BY s.line"
            )
            result.rejected += [(line, f"customer_id: customer {cid} does not exist") for line, cid in cur]
            cur.execute(
                "INSERT INTO transactions (customer_id, booked_at, amount, category, channel) "
                "SELECT s.customer_id, s.booked_at, s.amount, s.category, s.channel FROM _tx s "
                "JOIN customers c USING (customer_id)"
            )
            result.imported = cur.rowcount
            cur.execute("SELECT DISTINCT s.customer_id FROM _tx s JOIN customers c USING (customer_id)")
            affected = [r[0] for r in cur]
        raw.commit()
    finally:
        raw.close()
    result.rejected.sort()
    result.customers = len(affected)
    for start in range(0, len(affected), chunk_rows):
        part = affected[start : start + chunk_rows]
        recompute_profiles(part)
        assign(part)
        db.session.commit()
    return result


def _flush(cur, buf: io.StringIO) -> None:
    if buf.tell():
        buf.seek(0)
        cur.copy_expert("COPY _tx FROM STDIN (FORMAT csv)", buf)
        buf.seek(0)
        buf.truncate()
