"""a bank's own customers and features: text ids, attributes, imports, segmentations

Customers keep their internal bigint key (``customer_id``: joins, COPY and assignments stay
fixed-width and fast) and gain the bank's own id (``external_id``, text, unique) plus
``attributes`` (every imported column that is not a built-in one). Segmentations name a
source and a list of features; model versions, segments and training runs belong to one.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LIFESTYLE_FEATURES = (
    '[{"name": "Utilities", "kind": "money", "label": "utilities", "unit": "per month"},'
    ' {"name": "Groceries", "kind": "money", "label": "groceries", "unit": "per month"},'
    ' {"name": "Transport", "kind": "money", "label": "transport", "unit": "per month"},'
    ' {"name": "Dining", "kind": "money", "label": "dining out", "unit": "per month"},'
    ' {"name": "Entertainment", "kind": "money", "label": "entertainment", "unit": "per month"},'
    ' {"name": "OnlineShopping", "kind": "money", "label": "online shopping", "unit": "per month"},'
    ' {"name": "Travel", "kind": "money", "label": "travel", "unit": "per month"},'
    ' {"name": "Healthcare", "kind": "money", "label": "healthcare", "unit": "per month"}]'
)


def _now():
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def upgrade():
    op.create_table(
        "segmentations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("preset", sa.String(32)),
        # NULL: the service's own customers; else a table, a view or a read-only SELECT
        sa.Column("source", sa.Text()),
        # 'service' (this database) or 'external' (SOURCE_DATABASE_URL)
        sa.Column("source_database", sa.String(16), server_default=sa.text("'service'"), nullable=False),
        sa.Column("id_column", sa.String(128), server_default=sa.text("'customer_id'"), nullable=False),
        sa.Column("features", postgresql.JSONB(), nullable=False),
        sa.Column("options", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        _now(),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("name ~ '^[a-z0-9][a-z0-9_-]{0,63}$'", name=op.f("ck_segmentations_name")),
        sa.CheckConstraint(
            "source_database IN ('service', 'external')", name=op.f("ck_segmentations_source_database")
        ),
    )
    op.execute(
        "INSERT INTO segmentations (id, name, preset, features) "
        f"VALUES (1, 'lifestyle', 'lifestyle', '{LIFESTYLE_FEATURES}'::jsonb)"
    )
    op.execute("SELECT setval('segmentations_id_seq', 1)")

    for table in ("model_versions", "segments", "training_runs"):
        op.add_column(
            table,
            sa.Column(
                "segmentation_id",
                sa.Integer(),
                sa.ForeignKey("segmentations.id", ondelete="CASCADE"),
                server_default=sa.text("1"),
                nullable=False,
            ),
        )
        op.create_index(f"ix_{table}_segmentation_id", table, ["segmentation_id"])
    # what each version was trained on and why its k, for the Training page
    op.add_column("model_versions", sa.Column("feature_specs", postgresql.JSONB()))
    op.add_column("model_versions", sa.Column("k_reason", sa.Text()))
    op.add_column("model_versions", sa.Column("population", postgresql.JSONB()))
    op.add_column(
        "model_versions",
        sa.Column("notes", postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
    )
    op.drop_index("uq_model_versions_active", table_name="model_versions")
    op.create_index(
        "uq_model_versions_active",
        "model_versions",
        ["segmentation_id"],
        unique=True,
        postgresql_where=sa.text("is_active"),
    )

    # the bank's own ids and columns
    op.execute("CREATE SEQUENCE customers_customer_id_seq OWNED BY customers.customer_id")
    op.execute(
        "SELECT setval('customers_customer_id_seq', coalesce((SELECT max(customer_id) FROM customers), 0) + 1, false)"
    )
    op.alter_column(
        "customers", "customer_id", server_default=sa.text("nextval('customers_customer_id_seq')")
    )
    op.add_column("customers", sa.Column("external_id", sa.String(64)))
    op.execute("UPDATE customers SET external_id = customer_id::text")
    op.alter_column("customers", "external_id", nullable=False)
    op.create_unique_constraint("uq_customers_external_id", "customers", ["external_id"])
    op.execute(
        "CREATE INDEX ix_customers_external_id_pattern ON customers (external_id text_pattern_ops)"
    )
    op.drop_index("ix_customers_id_text", table_name="customers")
    op.add_column(
        "customers",
        sa.Column("attributes", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
    )

    op.create_table(
        "customer_columns",
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("categories", postgresql.JSONB()),
        sa.Column("n_values", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("n_missing", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "type IN ('number', 'boolean', 'category', 'date', 'text')", name=op.f("ck_customer_columns_type")
        ),
    )
    op.execute("CREATE UNIQUE INDEX uq_customer_columns_lower ON customer_columns (lower(name))")

    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(16), server_default=sa.text("'queued'"), nullable=False),
        sa.Column("kind", sa.String(16), server_default=sa.text("'customers'"), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("path", sa.Text()),
        sa.Column("id_column", sa.String(128), server_default=sa.text("'customer_id'"), nullable=False),
        sa.Column("types", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("stage", sa.String(32)),
        sa.Column("progress", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("rows_total", sa.BigInteger()),
        sa.Column("imported", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("updated", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("unchanged", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("rejected", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("columns", postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column("rejects_path", sa.Text()),
        sa.Column("error", sa.Text()),
        sa.Column("actor", sa.String(120)),
        sa.Column("queue_job_id", sa.BigInteger()),
        _now(),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed')", name=op.f("ck_imports_status")
        ),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_imports_progress")),
    )

    # transactions from any retail log: category and channel are optional; a dedupe key
    # (the file's transaction id, or a hash of the row and its occurrence) stops doubles
    op.alter_column("transactions", "category", nullable=True)
    op.alter_column("transactions", "channel", nullable=True)
    op.add_column("transactions", sa.Column("dedupe_key", sa.String(64)))
    # the RFM window ends at the latest transaction: found by an index, not a scan
    op.create_index("ix_transactions_booked_at", "transactions", ["booked_at"])
    op.create_index(
        "uq_transactions_dedupe",
        "transactions",
        ["customer_id", "dedupe_key"],
        unique=True,
        postgresql_where=sa.text("dedupe_key IS NOT NULL"),
    )


def downgrade():
    op.drop_index("ix_transactions_booked_at", table_name="transactions")
    op.drop_index("uq_transactions_dedupe", table_name="transactions")
    op.drop_column("transactions", "dedupe_key")
    op.execute("DELETE FROM transactions WHERE category IS NULL OR channel IS NULL")
    op.alter_column("transactions", "channel", nullable=False)
    op.alter_column("transactions", "category", nullable=False)
    op.drop_table("imports")
    op.drop_table("customer_columns")
    op.drop_column("customers", "attributes")
    op.execute("CREATE INDEX ix_customers_id_text ON customers ((customer_id::text) text_pattern_ops)")
    op.drop_index("ix_customers_external_id_pattern", table_name="customers")
    op.drop_constraint("uq_customers_external_id", "customers")
    op.drop_column("customers", "external_id")
    op.alter_column("customers", "customer_id", server_default=None)
    op.execute("DROP SEQUENCE customers_customer_id_seq")
    op.drop_index("uq_model_versions_active", table_name="model_versions")
    for column in ("notes", "population", "k_reason", "feature_specs"):
        op.drop_column("model_versions", column)
    for table in ("model_versions", "segments", "training_runs"):
        op.execute(f"DELETE FROM {table} WHERE segmentation_id <> 1")
        op.drop_index(f"ix_{table}_segmentation_id", table_name=table)
        op.drop_column(table, "segmentation_id")
    op.create_index(
        "uq_model_versions_active",
        "model_versions",
        ["is_active"],
        unique=True,
        postgresql_where=sa.text("is_active"),
    )
    op.drop_table("segmentations")
