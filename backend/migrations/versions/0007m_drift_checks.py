"""drift history: one row per segmentation per drift check (the worker's periodic job)

Revision ID: 0007m
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007m"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "drift_checks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "segmentation_id", sa.Integer(), sa.ForeignKey("segmentations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "model_version_id", sa.Integer(), sa.ForeignKey("model_versions.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("checked_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=True),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("n_customers", sa.Integer(), nullable=False),
        sa.Column("max_psi", sa.Float(), nullable=False),
        sa.Column("segment_psi", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("drifted", sa.Boolean(), nullable=False),
        sa.Column("features", postgresql.JSONB(), nullable=False),
        sa.Column("segments", postgresql.JSONB(), nullable=False),
        sa.Column(
            "training_run_id", sa.Integer(), sa.ForeignKey("training_runs.id", ondelete="SET NULL"), nullable=True
        ),
    )
    op.create_index("ix_drift_checks_segmentation_checked", "drift_checks", ["segmentation_id", "checked_at"])


def downgrade():
    op.drop_index("ix_drift_checks_segmentation_checked", table_name="drift_checks")
    op.drop_table("drift_checks")
