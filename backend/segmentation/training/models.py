"""Tables of training (SQLAlchemy 2.0, typed). Schemas serialise them; models don't."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import now_column, one_of
from ..core.extensions import db
from ..segmentations.models import segmentation_column
from ..segments.models import Segment

JOB_STATUSES = ("queued", "running", "succeeded", "failed", "rejected")

MODEL_STATUSES = ("candidate", "active", "retired", "rejected")


class TrainingRun(db.Model):
    """One training job: queued by the API, CLI or schedule, run by the worker."""

    __tablename__ = "training_runs"
    __table_args__ = (
        CheckConstraint(one_of("status", JOB_STATUSES), name="status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segmentation_id: Mapped[int] = segmentation_column()
    status: Mapped[str] = mapped_column(String(16), server_default=text("'queued'"))
    stage: Mapped[str | None] = mapped_column(String(32))
    progress: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    params: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    trigger: Mapped[str] = mapped_column(String(16), server_default=text("'api'"))
    created_at: Mapped[datetime] = now_column()
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
        CheckConstraint(one_of("status", MODEL_STATUSES), name="status"),
        # at most one active model per segmentation
        Index("uq_model_versions_active", "segmentation_id", unique=True, postgresql_where=text("is_active")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segmentation_id: Mapped[int] = segmentation_column()
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
    created_at: Mapped[datetime] = now_column()
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
