"""Tables of segmentations (SQLAlchemy 2.0, typed). Schemas serialise them; models don't."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
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
    created_at: Mapped[datetime] = now_column()
    updated_at: Mapped[datetime] = now_column(onupdate=func.now())


def segmentation_column() -> Mapped[int]:
    return mapped_column(
        Integer, ForeignKey("segmentations.id", ondelete="CASCADE"), server_default=text("1"), index=True
    )
