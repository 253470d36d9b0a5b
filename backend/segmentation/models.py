"""Database models (SQLAlchemy 2.0, typed). Schemas serialise them; models don't."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .ml.features import CATEGORY_COLUMNS
from .values import money_type

GENDERS = ("F", "M", "X")
EDUCATION_LEVELS = ("primary", "secondary", "bachelor", "master", "doctorate")
CHANNELS = ("pos", "online", "mobile", "atm", "branch", "transfer")
JOB_STATUSES = ("queued", "running", "succeeded", "failed", "rejected")
IMPORT_STATUSES = ("queued", "running", "succeeded", "failed")
COLUMN_TYPES = ("number", "boolean", "category", "date", "text")
MODEL_STATUSES = ("candidate", "active", "retired", "rejected")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _now_column(**kw) -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), **kw)


class Customer(db.Model):
    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint(_in("gender", GENDERS), name="gender"),
        CheckConstraint(_in("education_level", EDUCATION_LEVELS), name="education_level"),
        CheckConstraint("loyalty_score BETWEEN 1 AND 1000", name="loyalty_score"),
        CheckConstraint("age BETWEEN 16 AND 120", name="age"),
        CheckConstraint("monthly_income >= 0", name="monthly_income"),
        CheckConstraint(
            "online_interactions >= 0 AND branch_visits >= 0 AND call_center_calls >= 0",
            name="interactions",
        ),
    )

    # internal key (joins, COPY, assignments); the bank's own id is ``external_id``
    customer_id: Mapped[int] = mapped_column(
        BigInteger, Sequence("customers_customer_id_seq"), primary_key=True
    )
    external_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # every imported column that is not a built-in one, typed as ``customer_columns`` says
    attributes: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"), nullable=False)
    age: Mapped[int | None] = mapped_column(SmallInteger)
    gender: Mapped[str | None] = mapped_column(String(1))
    monthly_income: Mapped[Decimal | None] = mapped_column(money_type())
    account_balance: Mapped[Decimal | None] = mapped_column(money_type())
    loyalty_score: Mapped[int | None] = mapped_column(SmallInteger)
    education_level: Mapped[str | None] = mapped_column(String(16))
    has_loan: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    online_interactions: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    branch_visits: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    call_center_calls: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    # the demo generator's hidden truth, kept for evaluation only; never a feature
    latent_segment: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = _now_column()
    updated_at: Mapped[datetime] = _now_column(onupdate=func.now())
    # optimistic locking: concurrent updates of one customer never silently overwrite
    row_version: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"))

    spending: Mapped[SpendingProfile | None] = relationship(
        back_populates="customer", uselist=False, cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": row_version}


class SpendingProfile(db.Model):
    """Average monthly spend per category, declared or recomputed from transactions,
    plus recency / frequency / monetary figures when transactions exist."""

    __tablename__ = "spending_profiles"
    __table_args__ = tuple(
        CheckConstraint(f"{col} >= 0", name=f"{col}_non_negative") for col in CATEGORY_COLUMNS.values()
    ) + (CheckConstraint("source IN ('declared', 'transactions')", name="source"),)

    customer_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("customers.customer_id", ondelete="CASCADE"), primary_key=True
    )
    utilities: Mapped[Decimal] = mapped_column(money_type(), server_default=text("0"))
    groceries: Mapped[Decimal] = mapped_column(money_type(), server_default=text("0"))
    transport: Mapped[Decimal] = mapped_column(money_type(), server_default=text("0"))
    dining: Mapped[Decimal] = mapped_column(money_type(), server_default=text("0"))
    entertainment: Mapped[Decimal] = mapped_column(money_type(), server_default=text("0"))
    online_shopping: Mapped[Decimal] = mapped_column(money_type(), server_default=text("0"))
    travel: Mapped[Decimal] = mapped_column(money_type(), server_default=text("0"))
    healthcare: Mapped[Decimal] = mapped_column(money_type(), server_default=text("0"))
    recency_days: Mapped[int | None] = mapped_column(Integer)
    frequency: Mapped[int | None] = mapped_column(Integer)
    monetary: Mapped[Decimal | None] = mapped_column(money_type())
    source: Mapped[str] = mapped_column(String(16), server_default=text("'declared'"))
    updated_at: Mapped[datetime] = _now_column(onupdate=func.now())

    customer: Mapped[Customer] = relationship(back_populates="spending")


class Transaction(db.Model):
    __tablename__ = "transactions"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(_in("category", tuple(CATEGORY_COLUMNS)), name="category"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        Index("ix_transactions_customer_booked", "customer_id", "booked_at"),
        Index("ix_transactions_booked_at", "booked_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("customers.customer_id", ondelete="CASCADE"), nullable=False
    )
    booked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    amount: Mapped[Decimal] = mapped_column(money_type(), nullable=False)
    category: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(16))
    # the file's transaction id, or a hash of the row and its occurrence: never counted twice
    dedupe_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = _now_column()


class Segmentation(db.Model):
    """A named way of segmenting customers: where the data comes from and which features,
    each with a kind that decides how it is prepared. ``lifestyle`` is the default."""

    __tablename__ = "segmentations"
    __table_args__ = (
        CheckConstraint("name ~ '^[a-z0-9][a-z0-9_-]{0,63}$'", name="name"),
        CheckConstraint("source_database IN ('service', 'external')", name="source_database"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    preset: Mapped[str | None] = mapped_column(String(32))
    # NULL: the service's own customers; else a table, a view or a read-only SELECT
    source: Mapped[str | None] = mapped_column(Text)
    source_database: Mapped[str] = mapped_column(String(16), server_default=text("'service'"))
    id_column: Mapped[str] = mapped_column(String(128), server_default=text("'customer_id'"))
    # [{"name", "kind", "label", "unit"}], declared order
    features: Mapped[list] = mapped_column(JSONB, nullable=False)
    options: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    created_at: Mapped[datetime] = _now_column()
    updated_at: Mapped[datetime] = _now_column(onupdate=func.now())


def _segmentation_column() -> Mapped[int]:
    return mapped_column(
        Integer, ForeignKey("segmentations.id", ondelete="CASCADE"), server_default=text("1"), index=True
    )


class CustomerColumn(db.Model):
    """A column the bank imported, with its (inferred or chosen) type."""

    __tablename__ = "customer_columns"
    __table_args__ = (
        CheckConstraint(_in("type", COLUMN_TYPES), name="type"),
        Index("uq_customer_columns_lower", func.lower(text("name")), unique=True),
    )

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    categories: Mapped[list | None] = mapped_column(JSONB)
    n_values: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    n_missing: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    updated_at: Mapped[datetime] = _now_column(onupdate=func.now())


class Import(db.Model):
    """One bulk import of a customers file: queued by the API or run by the CLI."""

    __tablename__ = "imports"
    __table_args__ = (
        CheckConstraint(_in("status", IMPORT_STATUSES), name="status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), server_default=text("'queued'"))
    kind: Mapped[str] = mapped_column(String(16), server_default=text("'customers'"))
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    path: Mapped[str | None] = mapped_column(Text)
    id_column: Mapped[str] = mapped_column(String(128), server_default=text("'customer_id'"))
    types: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    stage: Mapped[str | None] = mapped_column(String(32))
    progress: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    rows_total: Mapped[int | None] = mapped_column(BigInteger)
    imported: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    updated: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    unchanged: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    rejected: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    columns: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    rejects_path: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(120))
    queue_job_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = _now_column()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Segment(db.Model):
    """A segment id that lives across model versions, with its staff-facing name."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segmentation_id: Mapped[int] = _segmentation_column()
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    strategy: Mapped[str] = mapped_column(Text, nullable=False)
    # 'auto' names follow the model; once staff edit them ('staff') retraining keeps them
    name_source: Mapped[str] = mapped_column(String(8), server_default=text("'auto'"))
    strategy_source: Mapped[str] = mapped_column(String(8), server_default=text("'auto'"))
    created_at: Mapped[datetime] = _now_column()
    updated_at: Mapped[datetime] = _now_column(onupdate=func.now())


class TrainingRun(db.Model):
    """One training job: queued by the API, CLI or schedule, run by the worker."""

    __tablename__ = "training_runs"
    __table_args__ = (
        CheckConstraint(_in("status", JOB_STATUSES), name="status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segmentation_id: Mapped[int] = _segmentation_column()
    status: Mapped[str] = mapped_column(String(16), server_default=text("'queued'"))
    stage: Mapped[str | None] = mapped_column(String(32))
    progress: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    params: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    trigger: Mapped[str] = mapped_column(String(16), server_default=text("'api'"))
    created_at: Mapped[datetime] = _now_column()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # written every few seconds while a worker runs it; a stale one means the worker died
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)
    stage_seconds: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    peak_rss_mb: Mapped[float | None] = mapped_column(Float)
    queue_job_id: Mapped[int | None] = mapped_column(BigInteger)
    model_version_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("model_versions.id", ondelete="SET NULL", use_alter=True)
    )


class ModelVersion(db.Model):
    """An immutable trained model: its artifact file, hash, metrics and segments."""

    __tablename__ = "model_versions"
    __table_args__ = (
        CheckConstraint(_in("status", MODEL_STATUSES), name="status"),
        # at most one active model per segmentation
        Index("uq_model_versions_active", "segmentation_id", unique=True, postgresql_where=text("is_active")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segmentation_id: Mapped[int] = _segmentation_column()
    status: Mapped[str] = mapped_column(String(16), server_default=text("'candidate'"))
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    artifact_path: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    k: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    feature_set: Mapped[str] = mapped_column(String(32), nullable=False)
    features: Mapped[list] = mapped_column(JSONB, nullable=False)
    # [{"name", "kind", "label", "unit", "categories"?}] as trained
    feature_specs: Mapped[list | None] = mapped_column(JSONB)
    k_reason: Mapped[str | None] = mapped_column(Text)
    # the training population's profile, in the shape of each segment's (members' averages)
    population: Mapped[dict | None] = mapped_column(JSONB)
    # what training noticed (outliers, rows left out for missing values, ...)
    notes: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    sklearn_version: Mapped[str] = mapped_column(String(32), nullable=False)
    n_train_rows: Mapped[int] = mapped_column(Integer, nullable=False)
    metrics: Mapped[dict] = mapped_column(JSONB, nullable=False)
    k_curve: Mapped[list] = mapped_column(JSONB, nullable=False)
    # per-feature population statistics of the training data (means, quantile bins for drift)
    training_stats: Mapped[dict] = mapped_column(JSONB, nullable=False)
    training_seconds: Mapped[float] = mapped_column(Float, nullable=False)
    previous_version_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("model_versions.id"))
    ari_vs_previous: Mapped[float | None] = mapped_column(Float)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _now_column()
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    training_run_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("training_runs.id", ondelete="SET NULL")
    )

    segments: Mapped[list[ModelSegment]] = relationship(
        back_populates="model_version", order_by="ModelSegment.segment_id", cascade="all, delete-orphan"
    )


class ModelSegment(db.Model):
    """A segment as one model version sees it: its cluster, centroid and size."""

    __tablename__ = "model_segments"

    model_version_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("model_versions.id", ondelete="CASCADE"), primary_key=True
    )
    segment_id: Mapped[int] = mapped_column(Integer, ForeignKey("segments.id"), primary_key=True)
    cluster_label: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    # the members' profile at training time, keyed by feature: {"mean", "median"} for numeric
    # features, {"mode", "shares"} for categorical ones (plain numbers in older versions)
    centroid: Mapped[dict] = mapped_column(JSONB, nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    share: Mapped[float] = mapped_column(Float, nullable=False)
    auto_name: Mapped[str] = mapped_column(String(80), nullable=False)
    auto_strategy: Mapped[str] = mapped_column(Text, nullable=False)

    model_version: Mapped[ModelVersion] = relationship(back_populates="segments")
    segment: Mapped[Segment] = relationship()


class SegmentAssignment(db.Model):
    """Which segment each customer was placed in by each model version (history kept)."""

    __tablename__ = "segment_assignments"
    __table_args__ = (Index("ix_segment_assignments_model_segment", "model_version_id", "segment_id"),)

    customer_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("customers.customer_id", ondelete="CASCADE"), primary_key=True
    )
    model_version_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("model_versions.id", ondelete="CASCADE"), primary_key=True
    )
    segment_id: Mapped[int] = mapped_column(Integer, nullable=False)
    assigned_at: Mapped[datetime] = _now_column()


ROLES = ("viewer", "analyst", "admin")


class User(db.Model):
    """A member of staff who signs in to the web app."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # werkzeug's salted scrypt hash
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    failed_logins: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # bumped by sign-out, password, role and disable changes: ends every session at once
    session_epoch: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("0"))
    created_at: Mapped[datetime] = _now_column()
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiKey(db.Model):
    """A key another system sends as ``Authorization: Bearer``; only its hash is stored."""

    __tablename__ = "api_keys"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    prefix: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = _now_column()
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEvent(db.Model):
    """Who did what, when: every write, sign-in, training and activation."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = _now_column()
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    request_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
