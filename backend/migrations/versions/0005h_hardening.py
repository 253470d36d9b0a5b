"""hardening: one money type (numeric(14,2)) in every money column; users.session_epoch

Money columns were numeric(12,2), (14,2) and (16,2) while the API accepted up to 1e12, so
valid-looking input could overflow a column (500). Every money column now stores what
segmentation.core.values.MONEY_MAX allows. Narrowing the (16,2) columns fails loudly if a stored
value does not fit (none can have come through the API, which capped amounts at 1e12).

Revision ID: 0005h
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005h"
down_revision = "0004"
branch_labels = None
depends_on = None

MONEY_COLUMNS = {
    "customers": {"monthly_income": (14, 2), "account_balance": (16, 2)},
    "spending_profiles": {
        **{
            c: (12, 2)
            for c in (
                "utilities",
                "groceries",
                "transport",
                "dining",
                "entertainment",
                "online_shopping",
                "travel",
                "healthcare",
            )
        },
        "monetary": (16, 2),
    },
    "transactions": {"amount": (12, 2)},
}


def upgrade():
    for table, columns in MONEY_COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.Numeric(14, 2), existing_type=sa.Numeric())
    op.add_column(
        "users", sa.Column("session_epoch", sa.Integer(), server_default=sa.text("0"), nullable=False)
    )


def downgrade():
    op.drop_column("users", "session_epoch")
    for table, columns in MONEY_COLUMNS.items():
        for column, (precision, scale) in columns.items():
            op.alter_column(table, column, type_=sa.Numeric(precision, scale), existing_type=sa.Numeric(14, 2))
