"""Fixtures: a throwaway real PostgreSQL, one fresh database per test.

The server is the embedded pgserver one (or TEST_DATABASE_URL's). Migrations run once
into a template database; every test gets its own copy (CREATE DATABASE ... TEMPLATE),
so tests are isolated and fast. ``trained_app`` copies a template that already holds
demo customers and an active model (trained once per session).
"""

from __future__ import annotations

import os
import shutil
import uuid
import warnings
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from segmentation import create_app
from segmentation.core.extensions import db

DEMO_CUSTOMERS = 6000
# one API key per role, created in the template database (so in every test database)
KEYS: dict[str, str] = {}


def _admin_execute(url: str, query) -> None:
    conn = psycopg2.connect(url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(query)
    finally:
        conn.close()


def _db_url(admin_url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _create_db(admin_url: str, name: str, template: str | None = None) -> str:
    query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    _admin_execute(admin_url, query)
    return _db_url(admin_url, name)


def _drop_db(admin_url: str, name: str) -> None:
    _admin_execute(admin_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def pg_admin_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url.replace("postgresql+psycopg2://", "postgresql://")
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
    # short path: the unix socket lives in the data folder (108-byte limit)
    base = Path(f"/tmp/segtest-{os.getpid()}")
    base.mkdir(exist_ok=True)
    server = pgserver.get_server(base / "pg", cleanup_mode="delete")
    yield server.get_uri()
    server.cleanup()
    shutil.rmtree(base, ignore_errors=True)


def make_app(database_url: str, tmp_path: Path, **overrides):
    config = {
        "DATABASE_URL": database_url,
        "VAR_DIR": str(tmp_path),
        "MODEL_DIR": str(tmp_path / "models"),
        "MIN_CLUSTERS": 2,
        "MAX_CLUSTERS": 8,
        "KSELECT_SAMPLE": 6000,
        "SILHOUETTE_SAMPLE": 2000,
        "MODEL_POLL_SECONDS": 0.0,
        "RESEGMENT_CHUNK": 2500,
        **overrides,
    }
    return create_app(config)


def close(app) -> None:
    """Return every connection of ``app`` so its database can be copied or dropped."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
    close(app)


@pytest.fixture(scope="session")
def template_db(pg_admin_url, tmp_path_factory):
    name = "seg_template"
    _drop_db(pg_admin_url, name)
    url = _create_db(pg_admin_url, name)
    app = make_app(url, tmp_path_factory.mktemp("template"))
    migrate(app)
    with app.app_context():
        from segmentation.auth import create_api_key

        for role in ("viewer", "analyst", "admin"):
            KEYS[role] = create_api_key(f"tests-{role}", role)[1]
        db.session.commit()
    close(app)
    return name


@pytest.fixture(scope="session")
def trained_template(pg_admin_url, template_db, tmp_path_factory):
    """A database with demo customers and an active model, plus its model folder."""
    name = "seg_trained"
    _drop_db(pg_admin_url, name)
    url = _create_db(pg_admin_url, name, template=template_db)
    tmp = tmp_path_factory.mktemp("trained")
    app = make_app(url, tmp)
    with app.app_context():
        from segmentation.data.seeding import seed_demo
        from segmentation.training.service import create_run, execute_run

        seed_demo(DEMO_CUSTOMERS, seed=7)
        run = execute_run(create_run({}, trigger="cli").id)
        assert run.status == "succeeded", run.error
    close(app)
    return name, tmp / "models"


@pytest.fixture
def database_url(pg_admin_url, template_db):
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = _create_db(pg_admin_url, name, template=template_db)
    yield url
    _drop_db(pg_admin_url, name)


@pytest.fixture
def app(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    yield app
    close(app)


@pytest.fixture
def trained_database_url(pg_admin_url, trained_template):
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = _create_db(pg_admin_url, name, template=trained_template[0])
    yield url
    _drop_db(pg_admin_url, name)


@pytest.fixture
def trained_app(trained_database_url, trained_template, tmp_path):
    shutil.copytree(trained_template[1], tmp_path / "models")
    app = make_app(trained_database_url, tmp_path)
    yield app
    close(app)


def authorized(app, role: str = "admin"):
    """A test client that sends the ``role`` API key on every request."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {KEYS[role]}"
    return client


@pytest.fixture
def client(app):
    return authorized(app)


@pytest.fixture
def trained_client(trained_app):
    return authorized(trained_app)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Api:
    """Small helper for frequent calls."""

    def __init__(self, client):
        self.client = client

    def predict(self, body, expect=200):
        response = self.client.post("/api/v1/segmentation/predict-segment", json=body)
        assert response.status_code == expect, response.get_json()
        return response.get_json()


@pytest.fixture
def api(trained_client):
    return Api(trained_client)
