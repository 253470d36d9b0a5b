"""Operating the service: Prometheus metrics, drift on a schedule and its history.

``init_app(app)`` is the one call the app factory makes: it registers the drift-history
table and API, the request hook that counts and times every request, and keeps the
per-worker "model served" gauges in step with the worker's model snapshots.
"""

from __future__ import annotations

from time import perf_counter

from flask import Flask


def init_app(app: Flask) -> None:
    from ..core.extensions import api
    from . import models  # noqa: F401  (registers drift_checks on db.metadata for Alembic)
    from .routes import blp

    api.register_blueprint(blp)
    instrument_requests(app)
    follow_models(app)


def instrument_requests(app: Flask) -> None:
    """Count and time every request by route template and status: one WSGI wrapper.

    It is the outermost layer, so requests refused anywhere (body too large, rate limit,
    role check) are counted too. No Flask hook and no context-local lookup: when Flask
    starts the response, the request it matched is still in the WSGI environ (Flask clears
    it when the request ends), and its ``url_rule`` is the route template."""
    from ..predict.fastpath import ROUTE_KEY
    from .metrics import observe_request

    inner = app.wsgi_app

    def timed(environ, start_response):
        t0 = perf_counter()
        seen = [500, "unmatched"]

        def start(status, headers, exc_info=None):
            seen[0] = int(status[:3])
            rule = getattr(environ.get("werkzeug.request"), "url_rule", None)
            if rule is not None:
                seen[1] = rule.rule
            elif ROUTE_KEY in environ:  # answered before Flask (predict/fastpath.py)
                seen[1] = environ[ROUTE_KEY]
            return start_response(status, headers, exc_info)

        try:
            return inner(environ, start)
        finally:
            observe_request(environ.get("REQUEST_METHOD", ""), seen[1], seen[0], perf_counter() - t0)

    app.wsgi_app = timed


def follow_models(app: Flask) -> None:
    """Set this worker's "model version served" gauges now and whenever its snapshots are
    replaced (by the watcher thread or a lazy refresh)."""
    from .metrics import models_served

    holder = app.extensions.get("model_holder")
    if holder is None:
        return
    holder.listeners.append(models_served)
    models_served({}, holder.snapshots)
