"""Rate limits shared by every gunicorn worker: ``limits`` fixed windows on a PostgreSQL table.

Fixed-window counters live in the UNLOGGED table ``rate_limits`` (one upsert per limited
request), so no new infrastructure is needed. If the database is down the limits let
requests through (those requests then fail on the database anyway).

Only the views that declare a limit (``write_limit()`` for writes, ``login_limits()`` for
sign-in) do any bookkeeping; every other request, reads and the predict hot path, passes no
rate-limit code at all. The library's public API only: a ``Storage`` and a
``FixedWindowRateLimiter``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps

from flask import current_app, g, request
from flask_smorest import abort
from limits import parse_many
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..core.extensions import db


class PostgresStorage(Storage):
    STORAGE_SCHEME = ["segmentation+postgresql"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def _run(self, sql: str, **params):
        with db.engine.begin() as conn:
            return conn.execute(text(sql), params)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._run(
            "INSERT INTO rate_limits AS r (key, count, expires_at) "
            "VALUES (:key, :amount, now() + make_interval(secs => :expiry)) "
            "ON CONFLICT (key) DO UPDATE SET "
            "count = CASE WHEN r.expires_at <= now() THEN :amount ELSE r.count + :amount END, "
            "expires_at = CASE WHEN r.expires_at <= now() THEN now() + make_interval(secs => :expiry) "
            "ELSE r.expires_at END RETURNING count",
            key=key,
            amount=amount,
            expiry=expiry,
        ).scalar_one()

    def get(self, key: str) -> int:
        row = self._run(
            "SELECT count FROM rate_limits WHERE key = :key AND expires_at > now()", key=key
        ).first()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._run(
            "SELECT extract(epoch FROM expires_at) FROM rate_limits WHERE key = :key", key=key
        ).first()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._run("SELECT 1")
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        return self._run("DELETE FROM rate_limits").rowcount

    def clear(self, key: str) -> None:
        self._run("DELETE FROM rate_limits WHERE key = :key", key=key)


def client_key() -> str:
    """The client's address: with TRUSTED_PROXIES set, the one the nearest trusted proxy
    saw (ProxyFix in create_app), not the proxy's own and not a header the client wrote."""
    return f"ip:{request.remote_addr}"


def caller_key() -> str:
    """Limit per caller when known (API key or user), else per client address."""
    principal = g.get("principal")
    return principal.label if principal else client_key()


def account_key() -> str:
    """The account a sign-in attempt names (known or not: both are limited alike)."""
    body = request.get_json(silent=True)
    name = body.get("username") if isinstance(body, dict) else None
    return f"account:{name.strip().lower()[:64]}" if isinstance(name, str) else "account:-"


_windows = FixedWindowRateLimiter(PostgresStorage())


def limit(setting: str, key: Callable[[], str], methods: tuple[str, ...] | None = None):
    """A view decorator: at most ``app.config[setting]`` (e.g. "10 per minute") requests per
    ``key()`` to this endpoint, counted for ``methods`` (default: all). Over it: 429 with
    Retry-After; the database down: the request goes through."""

    def decorator(view):
        @wraps(view)
        def limited(*args, **kwargs):
            if methods is None or request.method in methods:
                _hit(setting, key(), request.endpoint or "")
            return view(*args, **kwargs)

        return limited

    return decorator


def _hit(setting: str, who: str, scope: str) -> None:
    for item in parse_many(current_app.config[setting]):
        try:
            if _windows.hit(item, scope, who):
                continue
            reset_at = _windows.get_window_stats(item, scope, who).reset_time
        except SQLAlchemyError:
            return
        abort(
            429,
            message=f"Too many requests: at most {item}. Try again later.",
            headers={"Retry-After": str(max(1, math.ceil(reset_at - time.time())))},
        )


def login_limits() -> list:
    """Sign-in is limited per client address and per account, whatever else the request
    carries (an API key header does not open a fresh bucket)."""
    return [limit("RATE_LIMIT_LOGIN", client_key), limit("RATE_LIMIT_LOGIN_ACCOUNT", account_key)]


def write_limit():
    """The per-caller limit on writes (RATE_LIMIT_WRITES), for a MethodView's ``decorators``."""
    return limit("RATE_LIMIT_WRITES", caller_key, methods=("POST", "PATCH", "DELETE"))
