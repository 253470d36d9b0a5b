"""Tables of imports (SQLAlchemy 2.0, typed). Schemas serialise them; models don't."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..core.columns import now_column, one_of
from ..core.extensions import db

IMPORT_STATUSES = ("queued", "running", "succeeded", "failed")


class Import(db.Model):
    """One bulk import of a customers file: queued by the API or run by the CLI."""

    __tablename__ = "imports"
    __table_args__ = (
        CheckConstraint(one_of("status", IMPORT_STATUSES), name="status"),
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
    created_at: Mapped[datetime] = now_column()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
