"""Customer segmentation service: ``create_app`` builds the Flask application.

Nothing heavy happens at import time; the database URL is resolved (starting the embedded
PostgreSQL if no DATABASE_URL is set) and the model is loaded only when an app is built.
"""

from __future__ import annotations

import logging
import time
from inspect import iscoroutinefunction

from flask import Flask, g, request

from .core import logs
from .core.config import Config
from .core.extensions import api, db, migrate
from .web import errors

log = logging.getLogger("segmentation.http")


class App(Flask):
    """Flask, remembering which functions are coroutine functions. Flask asks for every hook,
    view and decorator layer on every request, and ``inspect`` answers slowly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._is_async: dict = {}

    def ensure_sync(self, func):
        target = getattr(func, "__func__", func)  # a bound method: its function
        is_async = self._is_async.get(target)
        if is_async is None:
            is_async = self._is_async[target] = iscoroutinefunction(func)
        return self.async_to_sync(func) if is_async else func


def create_app(config: Config | dict | None = None) -> Flask:
    if config is None:
        config = Config.from_env()
    elif isinstance(config, dict):
        config = Config.from_env(**config)
    app = App(__name__)
    app.config.update(config.as_flask_config())
    logs.configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    if not app.config["DATABASE_URL"]:
        from .data.embedded_db import start

        app.config["DATABASE_URL"] = start(app.config["VAR_DIR"])
    app.config.update(
        SQLALCHEMY_DATABASE_URI=normalise_url(app.config["DATABASE_URL"]),
        SQLALCHEMY_ENGINE_OPTIONS={
            "pool_pre_ping": True,
            # failed statements never carry their parameters (customer data) into messages
            "hide_parameters": True,
            "pool_size": 5,
            "max_overflow": 5,
            "connect_args": {"connect_timeout": 5, "application_name": "segmentation"},
        },
        API_TITLE="Customer Segmentation API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/api/v1/docs/static/",
    )
    from .web.jsonprovider import OrjsonProvider

    app.json = OrjsonProvider(app)
    from .core import tables  # noqa: F401  (registers the tables on db.metadata)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    api.init_app(app)
    _register_blueprints(app)
    errors.register(app)
    _request_logging(app)
    _security(app)
    errors.register_input_checks(app)
    _docs_assets(app)

    from .jobs.worker import build_queue
    from .predict.serving import ModelHolder

    app.extensions["queue"] = build_queue(app)
    app.extensions["model_holder"] = ModelHolder(app)
    from .monitoring import init_app as init_monitoring

    init_monitoring(app)  # drift history API, request metrics, model-served gauges
    if app.config["MODEL_WATCH"]:  # after the gauges follow the holder: "serving model" is true
        app.extensions["model_holder"].start()

    from .cli import register as register_cli

    register_cli(app)
    return app


def normalise_url(url: str) -> str:
    """SQLAlchemy URL on psycopg2 for ``postgres://`` / ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _register_blueprints(app: Flask) -> None:
    from .auth.routes import blp as auth
    from .customers.routes import blp as customers
    from .health.routes import blp as health
    from .imports.routes import blp as imports
    from .predict.routes import blp as predict
    from .segmentations.routes import blp as segmentations
    from .segments.routes import blp as segments
    from .training.routes import blp as training

    for blp in (health, predict, training, segments, segmentations, customers, imports, auth):
        api.register_blueprint(blp)


def _request_logging(app: Flask) -> None:
    @app.before_request
    def start():
        g.request_id = rid = logs.request_id(request.headers.get("X-Request-ID", ""))
        g.started = time.perf_counter()
        logs.context_id.set(rid)

    @app.after_request
    def finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        started = g.get("started")
        if started is not None and log.isEnabledFor(logging.INFO):
            log.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
        return response

    @app.teardown_request
    def forget(exc):
        logs.context_id.set("-")


def _security(app: Flask) -> None:
    from . import auth

    auth.init_app(app)
    from .imports.routes import blp as imports_blueprint
    from .predict.fastpath import FastPredict

    # inside the proxies' and body limit's layers
    app.wsgi_app = app.extensions["fast_predict"] = FastPredict(app, app.wsgi_app)
    # file uploads have their own, larger limit (streamed to disk by the route)
    uploads = {imports_blueprint.url_prefix: "IMPORT_MAX_BYTES"}
    app.wsgi_app = errors.BodyLimit(proxies(app), app.config, uploads)

    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "API key: flask create-api-key"}
    )
    api.spec.components.security_scheme(
        "sessionCookie", {"type": "apiKey", "in": "cookie", "name": "seg_session"}
    )


def proxies(app: Flask):
    """The WSGI app behind TRUSTED_PROXIES proxies: the client address (rate limits,
    audit) is the one the nearest trusted proxy saw (X-Forwarded-For counted from the
    right), never a value the client wrote itself."""
    hops = app.config["TRUSTED_PROXIES"]
    if not hops:
        return app.wsgi_app
    from werkzeug.middleware.proxy_fix import ProxyFix

    return ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _docs_assets(app: Flask) -> None:
    """Serve Swagger UI from the installed package: no CDN needed."""
    from flask import send_from_directory
    from swagger_ui_bundle import swagger_ui_path

    @app.get("/api/v1/docs/static/<path:filename>")
    def swagger_static(filename):
        return send_from_directory(swagger_ui_path, filename, max_age=86400)
