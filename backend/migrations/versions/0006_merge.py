"""join the two 0005 branches (segmentations, hardening): they touch different columns

Revision ID: 0006
Revises: 0005, 0005h
"""

revision = "0006"
down_revision = ("0005", "0005h")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
