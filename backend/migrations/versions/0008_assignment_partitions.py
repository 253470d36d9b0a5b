"""assignment history partitioned by model version, per-segment summaries kept by a trigger

segment_assignments becomes LIST-partitioned by model_version_id (one partition per version,
``segment_assignments_v<id>``, plus a default partition that catches API writes for a version
whose partition is still being built). segment_summaries holds each version's segment sizes
(kept by statement triggers on the assignments) and members' RFM averages (written at
re-segmenting); they stay when a version's assignments are dropped by retention.

Revision ID: 0008
Revises: 0007m
"""

from alembic import op

revision = "0008"
down_revision = "0007m"
branch_labels = None
depends_on = None

COLUMNS = (
    "customer_id bigint NOT NULL, model_version_id integer NOT NULL, segment_id integer NOT NULL, "
    "assigned_at timestamptz NOT NULL DEFAULT now()"
)
FKS = (
    "CONSTRAINT fk_segment_assignments_customer_id_customers FOREIGN KEY (customer_id) "
    "REFERENCES customers (customer_id) ON DELETE CASCADE, "
    "CONSTRAINT fk_segment_assignments_model_version_id_model_versions FOREIGN KEY (model_version_id) "
    "REFERENCES model_versions (id) ON DELETE CASCADE"
)

# sizes follow every change of an assignment: inserts, segment changes, deletes (a customer
# deleted cascades here); statement triggers with transition tables add one count per segment
# per statement (a million-row INSERT updates each summary once). Dropping a version's
# partition fires nothing, so its sizes stay.
ADD = """
CREATE FUNCTION segment_summaries_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO segment_summaries AS s (model_version_id, segment_id, customers)
  SELECT model_version_id, segment_id, count(*) FROM new_rows GROUP BY 1, 2
  ON CONFLICT (model_version_id, segment_id) DO UPDATE SET customers = s.customers + EXCLUDED.customers;
  RETURN NULL;
END $$
"""
REMOVE = """
CREATE FUNCTION segment_summaries_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE segment_summaries s SET customers = s.customers - o.n
  FROM (SELECT model_version_id, segment_id, count(*) AS n FROM old_rows GROUP BY 1, 2) o
  WHERE s.model_version_id = o.model_version_id AND s.segment_id = o.segment_id;
  RETURN NULL;
END $$
"""
MOVE = """
CREATE FUNCTION segment_summaries_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE segment_summaries s SET customers = s.customers - o.n
  FROM (SELECT model_version_id, segment_id, count(*) AS n FROM old_rows GROUP BY 1, 2) o
  WHERE s.model_version_id = o.model_version_id AND s.segment_id = o.segment_id;
  INSERT INTO segment_summaries AS s (model_version_id, segment_id, customers)
  SELECT model_version_id, segment_id, count(*) FROM new_rows GROUP BY 1, 2
  ON CONFLICT (model_version_id, segment_id) DO UPDATE SET customers = s.customers + EXCLUDED.customers;
  RETURN NULL;
END $$
"""
TRIGGERS = (
    "CREATE TRIGGER segment_summaries_add AFTER INSERT ON segment_assignments "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION segment_summaries_add()",
    "CREATE TRIGGER segment_summaries_remove AFTER DELETE ON segment_assignments "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION segment_summaries_remove()",
    "CREATE TRIGGER segment_summaries_move AFTER UPDATE ON segment_assignments "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION segment_summaries_move()",
)


def upgrade():
    op.execute("ALTER TABLE segment_assignments RENAME TO segment_assignments_0007")
    op.execute("ALTER INDEX pk_segment_assignments RENAME TO pk_segment_assignments_0007")
    op.execute("ALTER INDEX ix_segment_assignments_model_segment RENAME TO ix_segment_assignments_0007")
    op.execute(
        f"CREATE TABLE segment_assignments ({COLUMNS}, "
        "CONSTRAINT pk_segment_assignments PRIMARY KEY (customer_id, model_version_id), "
        f"{FKS}) PARTITION BY LIST (model_version_id)"
    )
    op.execute(
        "CREATE INDEX ix_segment_assignments_model_segment ON segment_assignments (model_version_id, segment_id)"
    )
    op.execute("CREATE TABLE segment_assignments_default PARTITION OF segment_assignments DEFAULT")
    conn = op.get_bind()
    versions = [v for (v,) in conn.exec_driver_sql("SELECT DISTINCT model_version_id FROM segment_assignments_0007")]
    for v in sorted(versions):
        op.execute(f"CREATE TABLE segment_assignments_v{v} PARTITION OF segment_assignments FOR VALUES IN ({v})")
    op.execute("INSERT INTO segment_assignments SELECT * FROM segment_assignments_0007")
    op.execute("DROP TABLE segment_assignments_0007")
    op.execute(
        "CREATE TABLE segment_summaries (model_version_id integer NOT NULL "
        "REFERENCES model_versions (id) ON DELETE CASCADE, segment_id integer NOT NULL, "
        "customers bigint NOT NULL DEFAULT 0, rfm jsonb, computed_at timestamptz NOT NULL DEFAULT now(), "
        "CONSTRAINT pk_segment_summaries PRIMARY KEY (model_version_id, segment_id))"
    )
    op.execute(
        "INSERT INTO segment_summaries (model_version_id, segment_id, customers) "
        "SELECT model_version_id, segment_id, count(*) FROM segment_assignments GROUP BY 1, 2"
    )
    for statement in (ADD, REMOVE, MOVE, *TRIGGERS):
        op.execute(statement)


def downgrade():
    op.execute("ALTER TABLE segment_assignments RENAME TO segment_assignments_0008")
    op.execute("ALTER INDEX pk_segment_assignments RENAME TO pk_segment_assignments_0008")
    op.execute("ALTER INDEX ix_segment_assignments_model_segment RENAME TO ix_segment_assignments_0008")
    op.execute(
        f"CREATE TABLE segment_assignments ({COLUMNS}, "
        "CONSTRAINT pk_segment_assignments PRIMARY KEY (customer_id, model_version_id), "
        f"{FKS})"
    )
    op.execute(
        "INSERT INTO segment_assignments SELECT customer_id, model_version_id, segment_id, assigned_at "
        "FROM segment_assignments_0008"
    )
    op.execute(
        "CREATE INDEX ix_segment_assignments_model_segment ON segment_assignments (model_version_id, segment_id)"
    )
    op.execute("DROP TABLE segment_assignments_0008")  # its partitions go with it
    op.execute("DROP TABLE segment_summaries")
    for function in ("add", "remove", "move"):
        op.execute(f"DROP FUNCTION segment_summaries_{function}()")
