"""Rate limits shared by every gunicorn worker: Flask-Limiter on a PostgreSQL table.

Fixed-window counters live in the UNLOGGED table ``rate_limits`` (one upsert per limited
request), so no new infrastructure is needed. If the database is down the limiter lets
requests through (those requests then fail on the database anyway).
"""

from __future__ import annotations

import time

from flask import g, request
from flask_limiter import Limiter
from flask_limiter._extension import LimiterContext  # not re-exported (flask-limiter 4)
from limits.storage import Storage
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..core.extensions import db

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


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


def login_limits() -> list:
    """Sign-in is limited per client address and per account, whatever else the request
    carries (an API key header does not open a fresh bucket)."""
    from flask import current_app

    return [
        limiter.limit(lambda: current_app.config["RATE_LIMIT_LOGIN"], key_func=client_key),
        limiter.limit(lambda: current_app.config["RATE_LIMIT_LOGIN_ACCOUNT"], key_func=account_key),
    ]


def write_limit():
    """The per-caller limit on writes (RATE_LIMIT_WRITES), for a MethodView's ``decorators``."""
    from flask import current_app

    return limiter.limit(lambda: current_app.config["RATE_LIMIT_WRITES"], methods=["POST", "PATCH", "DELETE"])


class SkippingLimiter(Limiter):
    """Flask-Limiter that does no per-request bookkeeping where no limit applies
    (``_not_limited``: reads and predict). Flask-Limiter reaches the same answer through
    its request filter, but only after resolving the endpoint's limits and building a
    context for the request, which together cost more than serving a prediction."""

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if _not_limited():
            return
        super()._check_request_limit(callable_name, in_middleware)

    @property
    def context(self) -> LimiterContext:
        # unlimited requests never record anything: they share one context that stays empty
        return NO_LIMITS if _not_limited() else super().context


NO_LIMITS = LimiterContext()


limiter = SkippingLimiter(
    key_func=caller_key,
    storage_uri="segmentation+postgresql://",
    strategy="fixed-window",
    swallow_errors=True,
    headers_enabled=False,
)


@limiter.request_filter
def _not_limited() -> bool:
    """Only writes and sign-in carry limits: reads and the predict hot path (a POST that
    writes nothing) skip the bookkeeping."""
    return request.method not in WRITE_METHODS or (request.endpoint or "").startswith("predict.")
