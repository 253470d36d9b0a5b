"""job queue: procrastinate's schema, and a heartbeat on training runs

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from procrastinate.schema import SchemaManager

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("training_runs", sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
    # procrastinate's own schema, as shipped with the pinned version (3.x)
    op.execute(SchemaManager.get_schema())


def downgrade():
    op.execute(
        """
        DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
            procrastinate_workers CASCADE;
        DO $$ DECLARE f record; BEGIN
          FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
                   JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'public' AND p.proname LIKE 'procrastinate%' LOOP
            EXECUTE 'DROP FUNCTION IF EXISTS ' || f.sig || ' CASCADE';
          END LOOP;
        END $$;
        DROP TYPE IF EXISTS procrastinate_job_status, procrastinate_job_event_type,
            procrastinate_job_to_defer_v1 CASCADE;
        """
    )
    op.drop_column("training_runs", "heartbeat_at")
