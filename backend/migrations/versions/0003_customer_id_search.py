"""search customers by id prefix

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE INDEX ix_customers_id_text ON customers ((customer_id::text) text_pattern_ops)")


def downgrade():
    op.execute("DROP INDEX ix_customers_id_text")
