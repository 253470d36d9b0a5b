"""Segmentations: create, look up, and read their features.

Every ``/api/v1/segmentation/*`` endpoint, the CLI and the worker find a segmentation by
name through ``get``; an unknown name raises ``NoSuchSegmentation`` (404 in the API).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from flask import current_app
from psycopg2 import sql
from sqlalchemy import func, select

from ..core.extensions import db
from ..customers.models import CustomerColumn
from ..data.dataset import session_cursor
from ..ml.kinds import KINDS, FeatureData, FeatureSpec
from ..training.models import ModelVersion
from . import sources
from .models import Segmentation
from .presets import PRESETS

DEFAULT = "lifestyle"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
NUMERIC_TYPES = {"number", "boolean"}
CATEGORICAL_TYPES = {"category", "text", "boolean"}


class NoSuchSegmentation(LookupError):
    def __init__(self, name: str):
        super().__init__(f"No segmentation named {name!r}.")
        self.name = name


class InvalidSegmentation(ValueError):
    """Field-level problems, in marshmallow's error layout."""

    def __init__(self, errors: dict):
        super().__init__("The segmentation is not valid.")
        self.errors = errors


def get(name: str | None) -> Segmentation:
    name = name or DEFAULT
    seg = db.session.scalars(select(Segmentation).where(Segmentation.name == name)).first()
    if seg is None:
        raise NoSuchSegmentation(name)
    return seg


def all_segmentations() -> list[Segmentation]:
    return list(db.session.scalars(select(Segmentation).order_by(Segmentation.id)))


def specs_of(seg: Segmentation) -> list[FeatureSpec]:
    return [FeatureSpec.from_dict(f) for f in seg.features]


def method_of(seg: Segmentation) -> str:
    return "kprototypes" if any(f["kind"] == "categorical" for f in seg.features) else "kmeans"


def active_versions() -> dict[int, int]:
    """segmentation id -> its active model version."""
    rows = db.session.execute(
        select(ModelVersion.segmentation_id, ModelVersion.id).where(ModelVersion.is_active)
    )
    return {r[0]: r[1] for r in rows}


# -- creating ------------------------------------------------------------------------------


def create(
    name: str,
    features: Sequence[dict] | None = None,
    source: str | None = None,
    preset: str | None = None,
    id_column: str = "customer_id",
    external: bool = False,
) -> Segmentation:
    """A new segmentation; every feature is checked against the columns the source has."""
    errors: dict = {}
    if not NAME.match(name or ""):
        errors["name"] = ["Use 1-64 lower-case letters, digits, '-' or '_', starting with a letter or digit."]
    elif db.session.scalar(select(func.count()).where(Segmentation.name == name)):
        errors["name"] = [f"A segmentation named {name!r} exists already."]
    if preset is not None and preset not in PRESETS:
        errors["preset"] = [f"Unknown preset; choose one of {', '.join(PRESETS)}."]
    if not features and preset in PRESETS:
        features = PRESETS[preset]["features"]
    if not features:
        errors["features"] = ["Give at least one feature (column and kind), or a preset."]
    source = (source or "").strip() or None
    if external and source is None:
        errors["source"] = ["An external database needs a source table, view or SELECT."]
    if errors:
        raise InvalidSegmentation(errors)
    resolved = _check_features(list(features), source, id_column, external)
    seg = Segmentation(
        name=name,
        preset=preset,
        source=source,
        source_database="external" if external else "service",
        id_column=id_column,
        features=resolved,
    )
    db.session.add(seg)
    db.session.flush()
    return seg


def _check_features(features: list[dict], source: str | None, id_column: str, external: bool) -> list[dict]:
    available = _available_columns(source, id_column, external)
    out, errors, seen = [], {}, set()
    for i, f in enumerate(features):
        problems = {}
        name, kind = str(f.get("name", "")).strip(), f.get("kind")
        if kind not in KINDS:
            problems["kind"] = [f"Must be one of: {', '.join(KINDS)}."]
        column = available.get(name.lower())
        if column is None:
            problems["name"] = [f"No column named {name!r} in the source."]
        elif name.lower() in seen:
            problems["name"] = ["Given more than once (column names are case-insensitive)."]
        elif kind in KINDS:
            canonical, col_type = column
            if kind == "categorical" and col_type not in CATEGORICAL_TYPES | {None}:
                problems["kind"] = [
                    f"{canonical} holds {col_type} values; categorical needs text categories."
                ]
            if kind != "categorical" and col_type not in NUMERIC_TYPES | {None}:
                problems["kind"] = [f"{canonical} holds {col_type} values; {kind} needs numbers."]
        if problems:
            errors[str(i)] = problems
            continue
        seen.add(name.lower())
        spec = FeatureSpec(
            name=column[0], kind=kind, label=(f.get("label") or "").strip(), unit=(f.get("unit") or None)
        )
        out.append(spec.as_dict())
    if errors:
        raise InvalidSegmentation({"features": errors})
    return out


def _available_columns(
    source: str | None, id_column: str, external: bool
) -> dict[str, tuple[str, str | None]]:
    """lower-case name -> (name as stored, type or None when the source does not say)."""
    if source is None:
        cols: dict[str, tuple[str, str | None]] = {}
        for key in sources.PROFILE_COLUMNS:
            cols.setdefault(key, (_profile_name(key), "number"))
        for key, numeric in sources.CUSTOMER_COLUMNS.items():
            cols[key] = (key, "number" if numeric else "category")
        for c in db.session.scalars(select(CustomerColumn)):
            cols.setdefault(c.name.lower(), (c.name, c.type))
        return cols
    url = _external_url() if external else current_app.config["DATABASE_URL"]
    try:
        with sources.source_cursor(url) as cur:
            names = sources.source_columns(cur, source)
    except sources.SourceError as exc:
        raise InvalidSegmentation({"source": [str(exc)]}) from None
    if id_column not in names:
        raise InvalidSegmentation({"id_column": [f"The source has no column {id_column!r}."]})
    return {n.lower(): (n, None) for n in names if n != id_column}


def _profile_name(key: str) -> str:
    from ..ml.features import CATEGORY_COLUMNS, RFM_COLUMNS

    for name, col in {**CATEGORY_COLUMNS, **RFM_COLUMNS}.items():
        if key in (name.lower(), col):
            return name
    return key


def _external_url() -> str:
    url = current_app.config.get("SOURCE_DATABASE_URL")
    if not url:
        raise InvalidSegmentation({"source": ["SOURCE_DATABASE_URL is not set."]})
    return url


# -- reading features ----------------------------------------------------------------------


def load(seg: Segmentation) -> FeatureData:
    """Every customer's features for ``seg``, ordered by internal key (bulk COPY)."""
    specs = specs_of(seg)
    if seg.source is None:
        # two connections read key ranges side by side (the server's numeric-to-float
        # conversion is most of the time, one core per connection)
        raw, helper = db.engine.raw_connection(), db.engine.raw_connection()
        try:
            with raw.cursor() as cur, helper.cursor() as other:
                return sources.load_service(cur, specs, more=[other])
        finally:
            for conn in (raw, helper):
                conn.rollback()
                conn.close()
    url = _external_url() if seg.source_database == "external" else current_app.config["DATABASE_URL"]
    with sources.source_cursor(url) as cur:
        frame = sources.read_source(cur, seg.source, seg.id_column, specs)
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cur:
            data = sources.attach_keys(cur, frame, specs)
        raw.commit()
        return data
    finally:
        raw.close()


def load_sample(seg: Segmentation, percent: float, seed: int) -> FeatureData:
    """The features of a sample of the service's own customers: ``percent`` of a table's blocks,
    chosen by ``seed`` (see ``sources._service_query``), in the session's transaction."""
    with session_cursor() as cur:
        return sources.load_service(cur, specs_of(seg), sample=(percent, seed))


def load_customers(seg: Segmentation, customer_ids: Sequence[int]) -> FeatureData | None:
    """These customers' features in the session's transaction (None for a bank relation:
    the service does not write the bank's tables, so a write here changes nothing there)."""
    if seg.source is not None:
        return None
    with session_cursor() as cur:
        where = sql.SQL("c.customer_id = ANY({})").format(sql.Literal([int(i) for i in customer_ids]))
        return sources.load_service(cur, specs_of(seg), where=where)


def empty_like(specs: list[FeatureSpec]) -> FeatureData:
    numeric = [s for s in specs if s.kind != "categorical"]
    categorical = [s for s in specs if s.kind == "categorical"]
    return FeatureData(
        ids=np.empty(0, dtype=np.int64),
        num=np.empty((0, len(numeric))),
        cat=np.empty((0, len(categorical)), dtype=np.int32),
        categories=[[] for _ in categorical],
        specs=specs,
    )
