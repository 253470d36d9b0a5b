"""Writing checked rows: COPY into a temporary staging table, then one upsert per table.

Everything runs on the caller's connection inside its transaction: the caller commits once
at the end, so an interrupted import leaves nothing behind. Identifiers that come from the
file never reach SQL as text: attribute keys are literals, staging columns are ``c0..cN``.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg2 import sql

from ..ml.features import CATEGORY_COLUMNS
from .columns import Column

STAGING = "_import"
BATCH_ROWS = 200_000


def stage(cur, columns: list[Column], keep, lines, on_progress: Callable[[float], None]) -> None:
    """Create the staging table and COPY the kept rows into it."""
    defs = [sql.SQL("line int8")] + [
        sql.SQL("{} {}").format(sql.Identifier(f"c{i}"), sql.SQL(c.sql_type)) for i, c in enumerate(columns)
    ]
    cur.execute(
        sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(
            sql.Identifier(STAGING), sql.SQL(", ").join(defs)
        )
    )
    names = ["line"] + [f"c{i}" for i in range(len(columns))]
    copy = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier(STAGING), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    options = pacsv.WriteOptions(include_header=False)
    for start in range(0, len(keep), BATCH_ROWS):
        idx = pa.array(keep[start : start + BATCH_ROWS])
        table = pa.table(
            [pa.array(lines[keep[start : start + BATCH_ROWS]])] + [c.values.take(idx) for c in columns],
            names=names,
        )
        buf = io.BytesIO()
        pacsv.write_csv(table, buf, options)
        buf.seek(0)
        cur.copy_expert(copy, buf)
        on_progress(min(1.0, (start + BATCH_ROWS) / max(len(keep), 1)))
    cur.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(STAGING)))


def _staged(columns: list[Column], target: str) -> list[tuple[int, Column]]:
    return [(i, c) for i, c in enumerate(columns) if c.target == target]


def upsert_customers(cur, columns: list[Column]) -> None:
    """Insert new customers and update changed ones; their keys go to ``_changed``.

    The table is locked against other writers (readers go on) for the rest of the
    transaction, so the staged rows can be split without a race: a hash join compares each
    row with the stored customer (attributes contained in the stored ones and built-in
    columns equal = unchanged, never written, ``updated_at`` kept) and updates the changed
    ones; an anti-join inserts the new ids. Measured on 1M rows this is about twice as
    fast as one INSERT ... ON CONFLICT DO UPDATE, whose speculative insertion costs per row.
    """
    id_idx = _id_index(columns)
    builtins = _staged(columns, "builtin")
    attrs = _staged(columns, "attribute")
    comma = sql.SQL(", ")
    attributes = sql.SQL("jsonb_build_object({})").format(
        comma.join(sql.SQL("{}, s.{}").format(sql.Literal(c.key), sql.Identifier(f"c{i}")) for i, c in attrs)
    )
    b_cols = [sql.Identifier(c.key) for _, c in builtins]
    b_src = sql.SQL("").join(
        sql.SQL(", s.{} AS {}").format(sql.Identifier(f"c{i}"), b)
        for (i, _), b in zip(builtins, b_cols, strict=True)
    )
    b_list = sql.SQL("").join(sql.SQL(", {}").format(b) for b in b_cols)
    differs = sql.SQL("NOT (k.attributes @> src.attributes)")
    if builtins:
        differs = sql.SQL("{} OR ROW({}) IS DISTINCT FROM ROW({})").format(
            differs,
            comma.join(sql.SQL("k.{}").format(b) for b in b_cols),
            comma.join(sql.SQL("src.{}").format(b) for b in b_cols),
        )
    src = sql.SQL(
        "(SELECT s.{id} AS external_id, {attributes} AS attributes{b_src} FROM {staging} s)"
    ).format(
        id=sql.Identifier(f"c{id_idx}"), attributes=attributes, b_src=b_src, staging=sql.Identifier(STAGING)
    )
    sets = [sql.SQL("attributes = k.attributes || src.attributes")] + [
        sql.SQL("{0} = src.{0}").format(b) for b in b_cols
    ]
    cur.execute("LOCK TABLE customers IN SHARE ROW EXCLUSIVE MODE")
    cur.execute("CREATE TEMP TABLE _changed (customer_id int8, inserted bool) ON COMMIT DROP")
    cur.execute(
        sql.SQL(
            "WITH upd AS (UPDATE customers k SET {sets}, updated_at = now(), row_version = k.row_version + 1 "
            "FROM {src} src WHERE k.external_id = src.external_id AND ({differs}) RETURNING k.customer_id) "
            "INSERT INTO _changed SELECT customer_id, false FROM upd"
        ).format(sets=comma.join(sets), src=src, differs=differs)
    )
    cur.execute(
        sql.SQL(
            "WITH ins AS (INSERT INTO customers (external_id, attributes{b}) "
            "SELECT external_id, attributes{b} FROM {src} src "
            "WHERE NOT EXISTS (SELECT 1 FROM customers k WHERE k.external_id = src.external_id) "
            "RETURNING customer_id) INSERT INTO _changed SELECT customer_id, true FROM ins"
        ).format(b=b_list, src=src)
    )


def _id_index(columns: list[Column]) -> int:
    return next(i for i, c in enumerate(columns) if c.target == "id")


def upsert_profiles(cur, columns: list[Column]) -> list[int]:
    """Declared spending profiles: written for rows with all 8 categories, removed (when
    declared) for rows with a blank one. Returns the customers whose profile changed."""
    profile = _staged(columns, "profile")
    if not profile:
        return []
    by_key = {c.key: i for i, c in profile}
    id_col = sql.Identifier(f"c{_id_index(columns)}")
    staged = sql.Identifier(STAGING)
    all_given = len(by_key) == len(CATEGORY_COLUMNS)
    complete = (
        sql.SQL(" AND ").join(
            sql.SQL("s.{} IS NOT NULL").format(sql.Identifier(f"c{i}")) for i in by_key.values()
        )
        if all_given
        else sql.SQL("false")
    )
    changed: list[int] = []
    if all_given:
        cols = list(CATEGORY_COLUMNS.values())
        comma = sql.SQL(", ")
        cur.execute(
            sql.SQL(
                "INSERT INTO spending_profiles AS p (customer_id, {cols}, source) "
                "SELECT k.customer_id, {vals}, 'declared' FROM {staged} s "
                "JOIN customers k ON k.external_id = s.{id} WHERE {complete} "
                "ON CONFLICT (customer_id) DO UPDATE SET {sets}, source = 'declared', updated_at = now() "
                "WHERE ROW({old}, p.source) IS DISTINCT FROM ROW({new}, 'declared') RETURNING p.customer_id"
            ).format(
                cols=comma.join(map(sql.Identifier, cols)),
                vals=comma.join(sql.SQL("s.{}").format(sql.Identifier(f"c{by_key[c]}")) for c in cols),
                staged=staged,
                id=id_col,
                complete=complete,
                sets=comma.join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in cols),
                old=comma.join(sql.SQL("p.{}").format(sql.Identifier(c)) for c in cols),
                new=comma.join(sql.SQL("EXCLUDED.{}").format(sql.Identifier(c)) for c in cols),
            )
        )
        changed += [r[0] for r in cur.fetchall()]
    cur.execute(
        sql.SQL(
            "DELETE FROM spending_profiles p USING {staged} s JOIN customers k ON k.external_id = s.{id} "
            "WHERE p.customer_id = k.customer_id AND p.source = 'declared' AND NOT ({complete}) "
            "RETURNING p.customer_id"
        ).format(staged=staged, id=id_col, complete=complete)
    )
    changed += [r[0] for r in cur.fetchall()]
    return changed


def incomplete_profiles(cur, columns: list[Column]) -> int:
    profile = _staged(columns, "profile")
    if not profile:
        return 0
    if len(profile) < len(CATEGORY_COLUMNS):
        cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(STAGING)))
        return cur.fetchone()[0]
    blank = sql.SQL(" OR ").join(sql.SQL("{} IS NULL").format(sql.Identifier(f"c{i}")) for i, _ in profile)
    cur.execute(sql.SQL("SELECT count(*) FROM {} WHERE {}").format(sql.Identifier(STAGING), blank))
    return cur.fetchone()[0]


def changed_counts(cur, profile_changed: list[int]) -> tuple[int, int]:
    """(inserted, updated): a customer whose row or profile changed counts once."""
    cur.execute("SELECT count(*) FILTER (WHERE inserted) FROM _changed")
    inserted = cur.fetchone()[0]
    cur.execute(
        "SELECT count(*) FROM (SELECT customer_id FROM _changed WHERE NOT inserted "
        "UNION SELECT unnest(%s::int8[]) EXCEPT SELECT customer_id FROM _changed WHERE inserted) u",
        (profile_changed,),
    )
    return inserted, cur.fetchone()[0]


def record_columns(cur, columns: list[Column]) -> None:
    """customer_columns: each attribute's type, categories and counts over all customers."""
    attrs = [c for c in columns if c.target == "attribute"]
    if not attrs:
        return
    counts = sql.SQL(", ").join(
        sql.SQL("count(*) FILTER (WHERE coalesce(jsonb_typeof(attributes -> {}), 'null') <> 'null')").format(
            sql.Literal(c.key)
        )
        for c in attrs
    )
    cur.execute(sql.SQL("SELECT count(*), {} FROM customers").format(counts))
    total, *present = cur.fetchone()
    for c, n in zip(attrs, present, strict=True):
        categories = None
        if c.type == "category":
            cur.execute(
                "SELECT DISTINCT attributes ->> %s FROM customers WHERE jsonb_typeof(attributes -> %s) = 'string'",
                (c.key, c.key),
            )
            categories = sorted(r[0] for r in cur.fetchall())
        cur.execute(
            "INSERT INTO customer_columns AS k (name, type, categories, n_values, n_missing) "
            "VALUES (%(name)s, %(type)s, %(cats)s::jsonb, %(n)s, %(missing)s) "
            "ON CONFLICT (name) DO UPDATE SET type = EXCLUDED.type, categories = EXCLUDED.categories, "
            "n_values = EXCLUDED.n_values, n_missing = EXCLUDED.n_missing, updated_at = now() "
            "WHERE ROW(k.type, k.categories, k.n_values, k.n_missing) IS DISTINCT FROM "
            "ROW(EXCLUDED.type, EXCLUDED.categories, EXCLUDED.n_values, EXCLUDED.n_missing)",
            {
                "name": c.key,
                "type": c.type,
                "cats": None if categories is None else _json(categories),
                "n": n,
                "missing": total - n,
            },
        )


def _json(value) -> str:
    import json

    return json.dumps(value)
