"""customers counted by statement triggers: the customer list's total without counting every row

``customer_counts`` holds signed deltas: each statement that inserts customers adds one row
with how many it inserted, each that deletes one with minus how many (statement triggers with
transition tables: a million-row import adds one row), TRUNCATE empties it. The total is the
sum of a few rows. Writers only ever insert, so concurrent imports and API writes never wait
on each other here; ``customers.counts.compact`` folds the rows into one (the worker does it
after each job).

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

FUNCTIONS = (
    """
CREATE FUNCTION customer_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_counts (n) SELECT count(*) FROM new_rows HAVING count(*) > 0;
  RETURN NULL;
END $$
""",
    """
CREATE FUNCTION customer_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_counts (n) SELECT -count(*) FROM old_rows HAVING count(*) > 0;
  RETURN NULL;
END $$
""",
    """
CREATE FUNCTION customer_counts_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM customer_counts;
  RETURN NULL;
END $$
""",
)
TRIGGERS = (
    "CREATE TRIGGER customer_counts_add AFTER INSERT ON customers "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_counts_add()",
    "CREATE TRIGGER customer_counts_remove AFTER DELETE ON customers "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_counts_remove()",
    "CREATE TRIGGER customer_counts_reset AFTER TRUNCATE ON customers "
    "FOR EACH STATEMENT EXECUTE FUNCTION customer_counts_reset()",
)


def upgrade():
    op.execute("CREATE TABLE customer_counts (n bigint NOT NULL)")
    for statement in (*FUNCTIONS, *TRIGGERS):
        op.execute(statement)
    # after the triggers: CREATE TRIGGER holds off writers until this transaction ends
    op.execute("INSERT INTO customer_counts (n) SELECT count(*) FROM customers HAVING count(*) > 0")


def downgrade():
    for name in ("add", "remove", "reset"):
        op.execute(f"DROP TRIGGER customer_counts_{name} ON customers")
        op.execute(f"DROP FUNCTION customer_counts_{name}()")
    op.execute("DROP TABLE customer_counts")
