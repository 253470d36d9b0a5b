"""Reading a segmentation's features in bulk, from wherever the bank keeps them.

Two kinds of source:

- the service's own customers (``source`` is NULL): each feature name resolves to a
  spending-profile column (the 8 categories, RFM figures), a built-in customer column, or an
  imported attribute (``customers.attributes``);
- the bank's own relation: a table, a view or a read-only ``SELECT``, in this database or in
  ``SOURCE_DATABASE_URL`` (connected read-only). Its ``id_column`` holds the bank's ids; rows
  are matched to customers by that id (customers not known yet are added, with no attributes).

Numeric-only feature sets travel as binary COPY straight into NumPy; sets with categorical
features as CSV COPY read by pandas. Values are never coerced to 0: a missing value is NaN
(numeric) or -1 (categorical code) and the trainer's recorded rule decides what to do.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
import psycopg2
from psycopg2 import sql

from ..data import bulk
from ..jobs import libpq_url
from ..ml.features import CATEGORY_COLUMNS, RFM_COLUMNS
from ..ml.kinds import FeatureData, FeatureSpec

PROFILE_COLUMNS = {
    **{k.lower(): v for k, v in CATEGORY_COLUMNS.items()},
    **{v: v for v in CATEGORY_COLUMNS.values()},
    **{k.lower(): v for k, v in RFM_COLUMNS.items()},
    **{v: v for v in RFM_COLUMNS.values()},
}
# built-in customer columns and whether they are numeric
CUSTOMER_COLUMNS = {
    "age": True,
    "monthly_income": True,
    "account_balance": True,
    "loyalty_score": True,
    "has_loan": True,
    "online_interactions": True,
    "branch_visits": True,
    "call_center_calls": True,
    "gender": False,
    "education_level": False,
}
TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$")
SELECT = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)


class SourceError(Exception):
    """The source cannot be read as declared (bad name, not read-only, missing column)."""


# -- the service's own customers ------------------------------------------------------


def _attr(name: str) -> sql.Composable:
    return sql.SQL("c.attributes -> {}").format(sql.Literal(name))


def _attr_text(name: str) -> sql.Composable:
    return sql.SQL("c.attributes ->> {}").format(sql.Literal(name))


def _attr_number(name: str) -> sql.Composable:
    return sql.SQL(
        "CASE jsonb_typeof({a}) WHEN 'number' THEN ({t})::float8 "
        "WHEN 'boolean' THEN ({t})::boolean::int::float8 END"
    ).format(a=_attr(name), t=_attr_text(name))


def service_expression(spec: FeatureSpec) -> sql.Composable:
    """SQL for one feature of the service's customers (``c`` customers, ``p`` profiles)."""
    key = spec.name.lower()
    if key in PROFILE_COLUMNS:
        if spec.kind == "categorical":
            raise SourceError(f"{spec.name} is an amount; it cannot be categorical")
        return sql.SQL("p.{}::float8").format(sql.Identifier(PROFILE_COLUMNS[key]))
    if key in CUSTOMER_COLUMNS:
        col = sql.Identifier(key)
        if spec.kind == "categorical":
            return sql.SQL("coalesce(c.{}::text, {})").format(col, _attr_text(spec.name))
        if not CUSTOMER_COLUMNS[key]:
            raise SourceError(f"{spec.name} holds text; only the categorical kind can use it")
        cast = sql.SQL("c.{}::int::float8" if key == "has_loan" else "c.{}::float8").format(col)
        return sql.SQL("coalesce({}, {})").format(cast, _attr_number(spec.name))
    return _attr_text(spec.name) if spec.kind == "categorical" else _attr_number(spec.name)


def _service_query(
    specs: Sequence[FeatureSpec],
    key_range: tuple[int, int] | None = None,
    sample: tuple[float, int] | None = None,
) -> tuple[sql.Composable, bool]:
    """The SELECT for the service's customers (those with a key in ``key_range`` = [lo, hi),
    or in a ``sample`` = (percent, seed) of a table's blocks), and whether it needs spending
    profiles only.

    The range is stated for both tables: PostgreSQL does not carry a range through the join's
    equality, and without it every range's query hashed all of ``spending_profiles`` (a parallel
    scan of 10M rows per range: loading 10M customers took 22-106 s). A sample of amounts only
    is a sample of the profiles (each has its customer); otherwise each sampled customer's profile
    is looked up by key (a lateral subquery is not merged into a join: joined, the sample was
    merge-joined with all profiles, 1.1-1.5 s at 10M for 75k-300k rows; looked up 0.17-0.69 s)."""
    exprs = sql.SQL(", ").join([service_expression(s) for s in specs])
    profile_only = all(s.name.lower() in PROFILE_COLUMNS for s in specs)
    join = "JOIN" if profile_only else "LEFT JOIN"
    if sample is not None:
        rows = sql.SQL("TABLESAMPLE SYSTEM ({}) REPEATABLE ({})").format(*map(sql.Literal, sample))
        if profile_only:
            return sql.SQL("SELECT p.customer_id, {} FROM spending_profiles p {}").format(exprs, rows), True
        lookup = " LATERAL (SELECT * FROM spending_profiles p WHERE p.customer_id = c.customer_id OFFSET 0) p ON true"
        query = sql.SQL("SELECT c.customer_id, {} FROM customers c {} " + join + lookup)
        return query.format(exprs, rows), False
    on = sql.SQL("p.customer_id = c.customer_id")
    where = sql.SQL("")
    if key_range is not None:
        lo, hi = (sql.Literal(int(x)) for x in key_range)
        on = sql.SQL("{} AND p.customer_id >= {} AND p.customer_id < {}").format(on, lo, hi)
        where = sql.SQL(" WHERE c.customer_id >= {} AND c.customer_id < {}").format(lo, hi)
    query = sql.SQL(
        "SELECT c.customer_id, {exprs} FROM customers c " + join + " spending_profiles p ON {on}{where}"
    ).format(exprs=exprs, on=on, where=where)
    return query, profile_only


# -- reading -----------------------------------------------------------------------------


def _ordered(specs: Sequence[FeatureSpec]) -> list[FeatureSpec]:
    """Numeric features first, then categorical (the column order of every query)."""
    return [s for s in specs if s.kind != "categorical"] + [s for s in specs if s.kind == "categorical"]


def _frame_to_data(ids: np.ndarray, frame: pd.DataFrame, specs: Sequence[FeatureSpec]) -> FeatureData:
    numeric = [s for s in specs if s.kind != "categorical"]
    categorical = [s for s in specs if s.kind == "categorical"]
    num = np.empty((len(ids), len(numeric)), dtype=np.float64)
    for j, s in enumerate(numeric):
        num[:, j] = pd.to_numeric(frame[s.name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    cat = np.empty((len(ids), len(categorical)), dtype=np.int32)
    categories: list[list[str]] = []
    for j, s in enumerate(categorical):
        values = frame[s.name].astype("string").str.strip()
        values = values.mask(values == "")
        uniques = sorted(values.dropna().unique().tolist())
        categories.append(uniques)
        cat[:, j] = pd.Categorical(values, categories=uniques).codes
    return FeatureData(ids=ids, num=num, cat=cat, categories=categories, specs=list(specs))


def _read_csv(cur, query: str, names: list[str]) -> pd.DataFrame:
    buf = io.BytesIO()
    cur.copy_expert(f"COPY ({query}) TO STDOUT (FORMAT csv)", buf)
    buf.seek(0)
    if not buf.getbuffer().nbytes:
        return pd.DataFrame({n: pd.Series(dtype="string") for n in names})
    return pd.read_csv(buf, header=None, names=names, dtype="string", keep_default_na=False, na_values=[""])


def load_service(
    cur,
    specs: Sequence[FeatureSpec],
    where: sql.Composable | None = None,
    more: Sequence = (),
    sample: tuple[float, int] | None = None,
) -> FeatureData:
    """Features of the service's customers (optionally ``where``, or a ``sample``: see
    :func:`_service_query`), ordered by internal key; cursors in ``more`` (other connections)
    help read everyone's numeric features."""
    specs = list(specs)
    ordered = _ordered(specs)
    base, _ = _service_query(ordered, sample=sample)
    query = base if where is None else sql.SQL("{} WHERE {}").format(base, where)
    query = sql.SQL("{} ORDER BY 1").format(query).as_string(cur)  # the customer's key
    if not any(s.kind == "categorical" for s in specs):
        # fixed-width binary rows: NaN stands for NULL
        names = [f"f{j}" for j in range(len(ordered))]
        values = ", ".join(f"coalesce({n}, 'NaN'::float8)" for n in names)

        def wrap(inner: str) -> str:
            return f"SELECT customer_id, {values} FROM ({inner}) AS q(customer_id, {', '.join(names)})"

        dtypes = [np.int64] + [np.float64] * len(ordered)
        if where is None and sample is None:  # everyone: one key range at a time, memory stays flat
            cur.execute(
                "SELECT coalesce(min(customer_id), 0), coalesce(max(customer_id), -1), count(*) FROM customers"
            )

            def in_range(lo: int, hi: int) -> str:
                ranged, _ = _service_query(ordered, (lo, hi))
                return wrap(sql.SQL("{} ORDER BY c.customer_id").format(ranged).as_string(cur))

            ids, num = bulk.copy_out_by_key(cur, in_range, dtypes, cur.fetchone(), more=more)
        else:
            columns = bulk.copy_out(cur, wrap(query), dtypes)
            ids = columns[0]
            num = np.column_stack(columns[1:]) if len(ids) else np.empty((0, len(ordered)))
        data = FeatureData(
            ids=ids, num=num, cat=np.empty((len(ids), 0), dtype=np.int32), categories=[], specs=specs
        )
        return _in_declared_order(data, specs)
    frame = _read_csv(cur, query, ["customer_id"] + [s.name for s in ordered])
    ids = frame["customer_id"].astype(np.int64).to_numpy()
    return _in_declared_order(_frame_to_data(ids, frame, ordered), specs)


def _in_declared_order(data: FeatureData, specs: list[FeatureSpec]) -> FeatureData:
    data.specs = list(specs)
    return data


# -- the bank's own relation ---------------------------------------------------------------


def relation(source: str) -> sql.Composable:
    """The source as a FROM item: a (schema-qualified) table or view name, or a SELECT."""
    text = source.strip()
    if SELECT.match(text):
        if ";" in text:
            raise SourceError("a source query must be a single SELECT, without ';'")
        return sql.SQL("({}) AS src").format(sql.SQL(text))
    if TABLE_NAME.match(text):
        return sql.SQL("{} AS src").format(sql.Identifier(*text.split(".")))
    raise SourceError(
        "a source is a table or view name (schema.table) or a read-only SELECT; got something else"
    )


@contextmanager
def source_cursor(database_url: str):
    """A cursor in a READ ONLY transaction: a source can never write, whatever it says."""
    conn = psycopg2.connect(libpq_url(database_url), options="-c default_transaction_read_only=on")
    try:
        conn.set_session(readonly=True)
        with conn.cursor() as cur:
            cur.execute("SET statement_timeout = '30min'")
            yield cur
        conn.rollback()
    finally:
        conn.close()


def source_columns(cur, source: str) -> list[str]:
    """The column names the source offers (reads no rows)."""
    try:
        cur.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(relation(source)))
    except psycopg2.Error as exc:
        raise SourceError(f"cannot read the source: {_first_line(exc)}") from None
    return [d.name for d in cur.description]


def _first_line(exc: psycopg2.Error) -> str:
    text = (exc.pgerror or str(exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def read_source(cur, source: str, id_column: str, specs: Sequence[FeatureSpec]) -> pd.DataFrame:
    """(external_id, feature columns) of every row of the source, as text."""
    ordered = _ordered(specs)
    exprs = [sql.SQL("src.{}::text").format(sql.Identifier(id_column))] + [
        sql.SQL("src.{}::text").format(sql.Identifier(s.name)) for s in ordered
    ]
    query = sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(exprs), relation(source)).as_string(cur)
    try:
        return _read_csv(cur, query, ["external_id"] + [s.name for s in ordered])
    except psycopg2.Error as exc:
        raise SourceError(f"cannot read the source: {_first_line(exc)}") from None


def attach_keys(cur, frame: pd.DataFrame, specs: Sequence[FeatureSpec]) -> FeatureData:
    """Internal keys for the source's rows (adding customers not known yet), as FeatureData
    ordered by key. Rows without an id, or repeating one, are dropped."""
    frame = frame[frame["external_id"].notna() & (frame["external_id"].str.len() <= 64)]
    frame = frame.drop_duplicates("external_id", keep="first")
    cur.execute("CREATE TEMP TABLE IF NOT EXISTS _source_ids (external_id text) ON COMMIT DROP")
    cur.execute("TRUNCATE _source_ids")
    buf = io.StringIO()
    frame[["external_id"]].to_csv(buf, index=False, header=False)
    buf.seek(0)
    cur.copy_expert("COPY _source_ids FROM STDIN (FORMAT csv)", buf)
    cur.execute(
        "INSERT INTO customers (external_id) SELECT external_id FROM _source_ids "
        "ON CONFLICT (external_id) DO NOTHING"
    )
    cur.execute("SELECT s.external_id, c.customer_id FROM _source_ids s JOIN customers c USING (external_id)")
    keys = dict(cur.fetchall())
    frame = frame.assign(customer_id=frame["external_id"].map(keys)).sort_values("customer_id")
    ids = frame["customer_id"].astype(np.int64).to_numpy()
    ordered = _ordered(specs)
    return _in_declared_order(_frame_to_data(ids, frame.reset_index(drop=True), ordered), list(specs))
