"""The drift history: one row per segmentation per drift check."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..core.extensions import db


class DriftCheck(db.Model):
    """PSI of every feature and of the segment shares, current data against the training
    data of the model active at the time."""

    __tablename__ = "drift_checks"
    __table_args__ = (Index("ix_drift_checks_segmentation_checked", "segmentation_id", "checked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segmentation_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("segmentations.id", ondelete="CASCADE"), nullable=False
    )
    model_version_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("model_versions.id", ondelete="CASCADE"), nullable=False
    )
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # schedule (the worker's periodic job), cli
    trigger: Mapped[str] = mapped_column(String(16), nullable=False)
    n_customers: Mapped[int] = mapped_column(Integer, nullable=False)
    # the largest PSI among the features and the segment shares
    max_psi: Mapped[float] = mapped_column(Float, nullable=False)
    segment_psi: Mapped[float] = mapped_column(Float, nullable=False)
    threshold: Mapped[float] = mapped_column(Float, nullable=False)
    drifted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # [{"feature", "psi", "status", "training_mean", "current_mean"}]
    features: Mapped[list] = mapped_column(JSONB, nullable=False)
    # [{"id", "name", "training_share", "current_share"}]
    segments: Mapped[list] = mapped_column(JSONB, nullable=False)
    # the retraining this check queued (DRIFT_RETRAIN), if any
    training_run_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("training_runs.id", ondelete="SET NULL")
    )
