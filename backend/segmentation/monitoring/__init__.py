"""Operating the service: Prometheus metrics, drift on a schedule and its history.

``init_app(app)`` is the one call the app factory makes: it registers the drift-history
table and API, the request hook that counts and times every request, and keeps the
per-worker "model served" gauges in step with the worker's model snapshots.
"""

from __future__ import annotations

from time import perf_counter

from flask import Flask, g, request


def init_app(app: Flask) -> None:
    from ..extensions import api
    from . import models  # noqa: F401  (registers drift_checks on db.metadata for Alembic)
    from .routes import blp

    api.register_blueprint(blp)
    instrument_requests(app)
    follow_models(app)


def instrument_requests(app: Flask) -> None:
    """Count and time every request by route template and status: one small hook pair.

    The start hook runs first of all before-request hooks, so requests refused by the
    rate limiter or the role check are timed and counted too."""
    from .metrics import observe_request

    def start_timer():
        g.metrics_t0 = perf_counter()

    def record(response):
        t0 = g.get("metrics_t0")
        rule = request.url_rule
        observe_request(
            request.method,
            rule.rule if rule is not None else "unmatched",
            response.status_code,
            perf_counter() - t0 if t0 is not None else 0.0,
        )
        return response

    app.before_request_funcs.setdefault(None, []).insert(0, start_timer)
    app.after_request(record)


def follow_models(app: Flask) -> None:
    """Set this worker's "model version served" gauges whenever its snapshots change.

    Wraps the model holder's ``refresh`` (serving.py stays untouched): the watcher thread
    and lazy refreshes both go through it."""
    from .metrics import models_served

    holder = app.extensions.get("model_holder")
    if holder is None:
        return
    refresh = holder.refresh

    def refresh_and_record() -> bool:
        before = holder.snapshots
        changed = refresh()
        if holder.snapshots is not before:
            models_served(before, holder.snapshots)
        return changed

    holder.refresh = refresh_and_record
    models_served({}, holder.snapshots)
