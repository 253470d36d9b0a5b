from sqlalchemy import func, select, text

from segmentation.core.extensions import db
from segmentation.customers.models import Customer, SpendingProfile
from segmentation.data.demo import LATENT_NAMES
from segmentation.ml.features import CATEGORY_COLUMNS


def test_seed_demo_loads_customers_and_profiles(app, runner):
    result = runner.invoke(args=["seed-demo", "--customers", "1500", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Loaded 1,500 customers" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Customer)) == 1500
        assert db.session.scalar(select(func.count()).select_from(SpendingProfile)) == 1500
        latent = {r[0] for r in db.session.execute(text("SELECT DISTINCT latent_segment FROM customers"))}
        assert latent == set(LATENT_NAMES)
        # every attribute is filled and valid; amounts are non-negative and heavy-tailed
        row = db.session.execute(
            text(
                "SELECT min(age), max(loyalty_score), count(*) FILTER (WHERE gender IS NULL), "
                "min(least(" + ", ".join(CATEGORY_COLUMNS.values()) + ")), "
                "max(online_shopping) / nullif(percentile_cont(0.5) WITHIN GROUP (ORDER BY online_shopping) "
                "FILTER (WHERE online_shopping > 0), 0) "
                "FROM customers JOIN spending_profiles USING (customer_id)"
            )
        ).one()
        assert row[0] >= 18 and row[1] <= 1000 and row[2] == 0 and row[3] >= 0
        assert row[4] > 5, "online shopping amounts should be heavy-tailed"


def test_seed_demo_appends_after_existing_ids(app, runner):
    assert runner.invoke(args=["seed-demo", "--customers", "100", "--seed", "1"]).exit_code == 0
    assert runner.invoke(args=["seed-demo", "--customers", "50", "--seed", "2"]).exit_code == 0
    with app.app_context():
        ids = db.session.execute(
            text("SELECT min(customer_id), max(customer_id), count(*) FROM customers")
        ).one()
    assert tuple(ids) == (1, 150, 150)


def test_seed_demo_is_deterministic(app, runner):
    runner.invoke(args=["seed-demo", "--customers", "200", "--seed", "9"])
    with app.app_context():
        first = db.session.execute(text("SELECT sum(travel), sum(groceries) FROM spending_profiles")).one()
        db.session.execute(text("DELETE FROM customers"))
        db.session.commit()
    runner.invoke(args=["seed-demo", "--customers", "200", "--seed", "9"])
    with app.app_context():
        second = db.session.execute(text("SELECT sum(travel), sum(groceries) FROM spending_profiles")).one()
    assert first == second


def test_seed_demo_rejects_bad_counts(app, runner):
    result = runner.invoke(args=["seed-demo", "--customers", "0"])
    assert result.exit_code != 0 and "--customers" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Customer)) == 0
