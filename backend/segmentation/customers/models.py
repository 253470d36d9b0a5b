"""Tables of customers (SQLAlchemy 2.0, typed). Schemas serialise them; models don't."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    SmallInteger,
    String,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import now_column, one_of
from ..core.extensions import db
from ..core.values import money_type
from ..ml.features import CATEGORY_COLUMNS

GENDERS = ("F", "M", "X")

EDUCATION_LEVELS = ("primary", "secondary", "bachelor", "master", "doctorate")

CHANNELS = ("pos", "online", "mobile", "atm", "branch", "transfer")

COLUMN_TYPES = ("number", "boolean", "category", "date", "text")


class Customer(db.Model):
    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint(one_of("gender", GENDERS), name="gender"),
        CheckConstraint(one_of("education_level", EDUCATION_LEVELS), name="education_level"),
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
    created_at: Mapped[datetime] = now_column()
    updated_at: Mapped[datetime] = now_column(onupdate=func.now())
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
    updated_at: Mapped[datetime] = now_column(onupdate=func.now())

    customer: Mapped[Customer] = relationship(back_populates="spending")


class Transaction(db.Model):
    __tablename__ = "transactions"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(one_of("category", tuple(CATEGORY_COLUMNS)), name="category"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
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
    created_at: Mapped[datetime] = now_column()


class CustomerColumn(db.Model):
    """A column the bank imported, with its (inferred or chosen) type."""

    __tablename__ = "customer_columns"
    __table_args__ = (
        CheckConstraint(one_of("type", COLUMN_TYPES), name="type"),
        Index("uq_customer_columns_lower", func.lower(text("name")), unique=True),
    )

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    categories: Mapped[list | None] = mapped_column(JSONB)
    n_values: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    n_missing: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    updated_at: Mapped[datetime] = now_column(onupdate=func.now())
