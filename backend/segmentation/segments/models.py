"""Tables of segments (SQLAlchemy 2.0, typed). Schemas serialise them; models don't."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..core.columns import now_column
from ..core.extensions import db
from ..segmentations.models import segmentation_column


class Segment(db.Model):
    """A segment id that lives across model versions, with its staff-facing name."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segmentation_id: Mapped[int] = segmentation_column()
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    strategy: Mapped[str] = mapped_column(Text, nullable=False)
    # 'auto' names follow the model; once staff edit them ('staff') retraining keeps them
    name_source: Mapped[str] = mapped_column(String(8), server_default=text("'auto'"))
    strategy_source: Mapped[str] = mapped_column(String(8), server_default=text("'auto'"))
    created_at: Mapped[datetime] = now_column()
    updated_at: Mapped[datetime] = now_column(onupdate=func.now())


class SegmentAssignment(db.Model):
    """Which segment each customer was placed in by each model version. LIST-partitioned by
    version (``partitions``); the last ASSIGNMENT_HISTORY_VERSIONS versions are kept."""

    __tablename__ = "segment_assignments"
    __table_args__ = (
        Index("ix_segment_assignments_model_segment", "model_version_id", "segment_id"),
        {"postgresql_partition_by": "LIST (model_version_id)"},
    )

    customer_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("customers.customer_id", ondelete="CASCADE"), primary_key=True
    )
    model_version_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("model_versions.id", ondelete="CASCADE"), primary_key=True
    )
    segment_id: Mapped[int] = mapped_column(Integer, nullable=False)
    assigned_at: Mapped[datetime] = now_column()


class SegmentSummary(db.Model):
    """One segment of one model version: its size (kept by a trigger on the assignments) and
    its members' RFM averages (computed when the version re-segments). Kept after retention
    drops the version's assignments."""

    __tablename__ = "segment_summaries"

    model_version_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("model_versions.id", ondelete="CASCADE"), primary_key=True
    )
    segment_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customers: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    rfm: Mapped[dict | None] = mapped_column(JSONB)
    computed_at: Mapped[datetime] = now_column()
