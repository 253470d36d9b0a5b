from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from segmentation.core.extensions import db

TABLES = {
    "customers",
    "spending_profiles",
    "transactions",
    "segments",
    "model_versions",
    "model_segments",
    "training_runs",
    "segment_assignments",
}


def test_head_creates_every_table(app):
    with app.app_context():
        assert TABLES <= set(inspect(db.engine).get_table_names())


def test_downgrade_to_base_and_back(app):
    with app.app_context():
        downgrade(revision="base")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        upgrade()
        assert TABLES <= set(inspect(db.engine).get_table_names())
