"""Loading a transactions CSV: bad rows are reported by line, the rest load with COPY.

Columns (case-insensitive): ``customer_id`` (the bank's id), ``booked_at`` (ISO date or
date-time, or YYYYMMDD), ``amount`` (> 0), and optionally ``category`` (one of the 8),
``channel`` and ``transaction_id``. A retail log with only customer, date and amount works.

* Unknown customer ids: a bare customer (just the bank's id) is created for each and
  counted, so a transaction log alone is enough for RFM; ``reject_unknown`` rejects those
  rows instead.
* Duplicates: every row gets a dedupe key, the file's ``transaction_id`` or else a hash of
  customer, booked_at, amount, category, channel and the row's occurrence number among
  identical rows of the file; a key already stored for the customer is skipped, so
  importing the same file twice adds nothing (two identical purchases in one file stay two).
* Profiles and RFM figures are recomputed for the customers concerned, or for everyone when
  the file moved the end of the RFM window; then they are re-segmented. One transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import text

from ..core.extensions import db
from ..core.values import CENT, MONEY_MAX, MONEY_PRECISION, MONEY_SCALE, NUMERIC
from ..data.dataset import session_cursor
from ..imports.reading import FileError, decode_utf8
from ..ml.features import CATEGORIES
from . import rfm
from .models import CHANNELS
from .service import assign

REQUIRED = ("customer_id", "booked_at", "amount")
OPTIONAL = ("category", "channel", "transaction_id")
CATEGORY_BY_LOWER = {c.lower(): c for c in CATEGORIES}
MAX_ID = 64


class ImportError_(Exception):
    """The file as a whole cannot be read (encoding, missing columns)."""


@dataclass
class ImportResult:
    imported: int = 0
    duplicates: int = 0
    customers: int = 0
    created: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    outcome: rfm.Outcome | None = None


def _booked(raw: str) -> datetime:
    raw = raw.strip().replace("Z", "+00:00")
    if len(raw) == 8 and raw.isdigit():  # 19970101 (CDNOW and many retail logs)
        return datetime.combine(date(int(raw[:4]), int(raw[4:6]), int(raw[6:])), datetime.min.time(), UTC)
    booked = datetime.fromisoformat(raw)
    return booked if booked.tzinfo else booked.replace(tzinfo=UTC)


def parse_row(row: dict) -> tuple[tuple, str | None]:
    """The staged values of one CSV row, or the reason it is rejected (no cell values)."""
    external_id = (row.get("customer_id") or "").strip()
    if not external_id or len(external_id) > MAX_ID:
        return (), f"customer_id: blank or longer than {MAX_ID} characters"
    try:
        booked = _booked(row.get("booked_at") or "")
    except ValueError:
        return (), "booked_at: not a date (YYYY-MM-DD, ISO date-time or YYYYMMDD)"
    raw_amount = (row.get("amount") or "").strip()
    try:
        if not NUMERIC.fullmatch(raw_amount):
            raise InvalidOperation
        amount = Decimal(raw_amount)
        amount = amount.quantize(CENT) if amount.copy_abs() <= MONEY_MAX else amount
    except InvalidOperation:
        return (), "amount: not a number"
    if amount <= 0 or amount > MONEY_MAX:
        return (), f"amount: must be greater than 0 and at most {MONEY_MAX}"
    raw_category = (row.get("category") or "").strip()
    category = CATEGORY_BY_LOWER.get(raw_category.lower()) if raw_category else None
    if raw_category and category is None:
        return (), f"category: must be one of {', '.join(CATEGORIES)} (or blank)"
    channel = (row.get("channel") or "").strip().lower() or None
    if channel is not None and channel not in CHANNELS:
        return (), f"channel: must be one of {', '.join(CHANNELS)} (or blank)"
    tx_id = (row.get("transaction_id") or "").strip() or None
    if tx_id is not None and len(tx_id) > MAX_ID:
        return (), f"transaction_id: longer than {MAX_ID} characters"
    return (external_id, booked.isoformat(), str(amount), category, channel, tx_id), None


def _reader(stream) -> csv.DictReader:
    text = stream.read()
    if isinstance(text, bytes):
        try:
            text = decode_utf8(text)
        except FileError as exc:
            raise ImportError_(str(exc)) from None
    elif text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    reader.fieldnames = [(f or "").strip().lower() for f in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in reader.fieldnames]
    if missing:
        raise ImportError_(
            f"the header lacks {', '.join(missing)} (needs {', '.join(REQUIRED)}; "
            f"optional {', '.join(OPTIONAL)})"
        )
    return reader


def import_transactions(stream, reject_unknown: bool = False, chunk_rows: int = 50_000) -> ImportResult:
    """``stream``: the file opened in binary (or text) mode."""
    reader = _reader(stream)
    result = ImportResult()
    before = rfm.window()
    seen: dict[tuple, int] = {}
    with session_cursor() as cur:
        cur.execute(
            f"CREATE TEMP TABLE _tx (line int8, external_id text, booked_at timestamptz, amount numeric({MONEY_PRECISION},{MONEY_SCALE}), "
            "category text, channel text, dedupe_key text) ON COMMIT DROP"
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
            *natural, tx_id = values
            occurrence = seen[tuple(natural)] = seen.get(tuple(natural), 0) + 1
            key = tx_id or hashlib.sha256(repr((*natural, occurrence)).encode()).hexdigest()
            writer.writerow((line, *natural, key))
            pending += 1
            if pending >= chunk_rows:
                _flush(cur, buf)
                pending = 0
        _flush(cur, buf)
        _customers(cur, result, reject_unknown)
        cur.execute(
            "INSERT INTO transactions (customer_id, booked_at, amount, category, channel, dedupe_key) "
            "SELECT c.customer_id, s.booked_at, s.amount, s.category, s.channel, s.dedupe_key FROM _tx s "
            "JOIN customers c ON c.external_id = s.external_id "
            "ON CONFLICT (customer_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING "
            "RETURNING customer_id"
        )
        inserted = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT count(*) FROM _tx")
        staged = cur.fetchone()[0]
    affected = sorted(set(inserted))
    result.imported, result.duplicates = len(inserted), staged - len(inserted)
    result.rejected.sort()
    result.customers = len(affected)
    after = rfm.window()
    moved = after.end != before.end
    result.outcome = rfm.recompute(None if moved else affected, after)
    keys = list(db.session.scalars(text("SELECT customer_id FROM spending_profiles"))) if moved else affected
    for start in range(0, len(keys), chunk_rows):
        assign(keys[start : start + chunk_rows])
    db.session.commit()
    return result


def _customers(cur, result: ImportResult, reject_unknown: bool) -> None:
    """Bare customers for unknown ids, or their rows rejected."""
    if reject_unknown:
        cur.execute(
            "DELETE FROM _tx s WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.external_id = s.external_id) "
            "RETURNING line"
        )
        result.rejected += [(line, "customer_id: no customer with this id") for (line,) in cur.fetchall()]
        return
    cur.execute(
        "INSERT INTO customers (external_id) SELECT DISTINCT s.external_id FROM _tx s "
        "WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.external_id = s.external_id)"
    )
    result.created = cur.rowcount


def _flush(cur, buf: io.StringIO) -> None:
    if buf.tell():
        buf.seek(0)
        cur.copy_expert("COPY _tx FROM STDIN (FORMAT csv)", buf)
        buf.seek(0)
        buf.truncate()
