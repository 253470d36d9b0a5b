"""Who is calling, and may they: sessions for staff, API keys for systems, three roles.

Every view declares the role it needs with ``@requires(role)`` (or ``public``); a
``before_request`` hook resolves the caller and refuses anything that is not declared
(deny by default). The role is also written into the OpenAPI document.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_smorest import abort
from sqlalchemy import select, text

from ..core.extensions import db
from . import audit
from .models import ROLES, ApiKey, User

RANK = {role: i for i, role in enumerate(ROLES, 1)}
PUBLIC = "public"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
XSRF_EXEMPT = {"/api/v1/auth/login"}
KEY_PREFIX = "seg"


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" or "key"
    id: int
    name: str
    role: str

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}"


def requires(role: str, *, unless_off: str | None = None):
    """Declare the role a view method needs (``public`` for none). With ``unless_off``,
    the role applies only while that boolean setting is true (public otherwise)."""
    if role != PUBLIC and role not in RANK:
        raise ValueError(role)

    def decorator(func):
        func._required_role = role
        func._role_setting = unless_off
        doc = getattr(func, "_apidoc", {})
        manual = doc.setdefault("manual_doc", {})
        manual["x-required-role"] = role
        if role != PUBLIC:
            manual["security"] = [{"bearerAuth": []}, {"sessionCookie": []}]
        func._apidoc = doc
        return func

    return decorator


# -- API keys ---------------------------------------------------------------
def new_key() -> tuple[str, str, str]:
    """(full key shown once, prefix stored in clear, SHA-256 stored)."""
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, hashlib.sha256(key.encode()).hexdigest()


def create_api_key(name: str, role: str) -> tuple[ApiKey, str]:
    """A new key (returned once, in clear) and its audit event; the caller commits."""
    key, prefix, digest = new_key()
    row = ApiKey(name=name, role=role, prefix=prefix, key_hash=digest)
    db.session.add(row)
    db.session.flush()
    audit.record("apikey.create", f"{name} ({prefix})", role=role)
    return row, key


def revoke_api_key(row: ApiKey) -> None:
    """Revoke a key (once) and record it; the caller commits."""
    if row.revoked_at is None:
        row.revoked_at = db.func.now()
        audit.record("apikey.revoke", f"{row.name} ({row.prefix})")


def list_api_keys() -> list[ApiKey]:
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.id)))


def get_api_key(key_id: int) -> ApiKey | None:
    return db.session.get(ApiKey, key_id)


# changes whenever a key is created, revoked or deleted: one index-only look at a tiny table
KEYS_STAMP = text("SELECT count(*), max(id), max(revoked_at) FROM api_keys")


class KeyCache:
    """Every active API key's hash, held in memory, so checking a key needs no database
    round trip and keeps working while the database is down. The model watcher thread
    of each web worker calls ``poll`` every MODEL_POLL_SECONDS (0.5 s): a cheap stamp of
    the api_keys table, and a reload when it changed, so a revoked key stops working in
    every worker within about a second (at once in the worker that revoked it). The
    whole cache is also reloaded every API_KEY_CACHE_SECONDS. A key created since the
    last reload triggers one early reload."""

    def __init__(self, app: Flask):
        self.app = app
        self.keys: dict[str, tuple[str, Principal]] = {}
        self.loaded_at = float("-inf")
        self.polled_at = float("-inf")
        self.stamp: tuple | None = None
        self.used: set[int] = set()
        self.background = False

    def poll(self) -> None:
        """Reload when a key was created or revoked since the last look (or the cache is
        older than API_KEY_CACHE_SECONDS); keep what we know if the database is down."""
        self.polled_at = time.monotonic()
        try:
            with self.app.app_context():
                try:
                    stamp = tuple(db.session.execute(KEYS_STAMP).one())
                finally:
                    db.session.remove()
        except Exception:
            return
        stale = time.monotonic() - self.loaded_at > self.app.config["API_KEY_CACHE_SECONDS"]
        if stamp != self.stamp or stale:
            self._refresh_quietly()
            self.stamp = stamp

    def refresh(self) -> None:
        with self.app.app_context():
            try:
                used, self.used = self.used, set()
                if used:
                    db.session.execute(
                        text("UPDATE api_keys SET last_used_at = now() WHERE id = ANY(:ids)"),
                        {"ids": sorted(used)},
                    )
                    db.session.commit()
                rows = db.session.execute(
                    text("SELECT id, name, prefix, key_hash, role FROM api_keys WHERE revoked_at IS NULL")
                ).all()
            finally:
                db.session.remove()
        self.keys = {r.prefix: (r.key_hash, Principal("key", r.id, r.name, r.role)) for r in rows}
        self.loaded_at = time.monotonic()

    def _refresh_quietly(self) -> None:
        try:
            self.refresh()
        except Exception:  # database down: keep the keys we know
            self.loaded_at = time.monotonic()

    def lookup(self, key: str) -> Principal | None:
        parts = key.split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX:
            return None
        if not self.background and time.monotonic() - self.polled_at > self.app.config["MODEL_POLL_SECONDS"]:
            self.poll()
        entry = self.keys.get(parts[1])
        if entry is None and time.monotonic() - self.loaded_at > 1.0:
            self._refresh_quietly()  # perhaps created a moment ago
            entry = self.keys.get(parts[1])
        if entry is None or not hmac.compare_digest(entry[0], hashlib.sha256(key.encode()).hexdigest()):
            return None
        self.used.add(entry[1].id)
        return entry[1]

    def forget(self) -> None:
        self.loaded_at = float("-inf")
        self.polled_at = float("-inf")
        self.stamp = None
        self.keys = {}


# -- resolving the caller ----------------------------------------------------
def _caller() -> Principal | None:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            abort(401, message="Use 'Authorization: Bearer <API key>'.")
        principal = current_app.extensions["api_keys"].lookup(key.strip())
        if principal is None:
            abort(401, message="The API key is not valid (unknown or revoked).")
        return principal
    uid = session.get("uid")
    if uid is None:
        return None
    user = db.session.get(User, uid)
    if user is None or user.disabled or session.get("epoch") != user.session_epoch:
        session.clear()
        return None
    if request.method in UNSAFE_METHODS and request.path not in XSRF_EXEMPT:
        token = request.headers.get("X-XSRF-TOKEN", "")
        if not token or not hmac.compare_digest(token, session.get("xsrf", "")):
            abort(403, message="Missing or wrong X-XSRF-TOKEN header (send the XSRF-TOKEN cookie's value).")
    return Principal("user", user.id, user.username, user.role)


def _declared(app: Flask, endpoint: str, method: str) -> tuple[str | None, str | None]:
    """(role, setting) a view method declares; looked up once per endpoint and method."""
    declared = app.extensions["declared_roles"]
    key = (endpoint, method)
    if key not in declared:
        view = app.view_functions.get(endpoint)
        cls = getattr(view, "view_class", None)
        func = getattr(cls, method.lower(), None) if cls else view
        declared[key] = (getattr(func, "_required_role", None), getattr(func, "_role_setting", None))
    return declared[key]


def _required_role(app: Flask, endpoint: str, method: str) -> str | None:
    role, setting = _declared(app, endpoint, method)
    if setting and not app.config[setting]:
        return PUBLIC
    return role


def authorize() -> None:
    req = request._get_current_object()
    endpoint = req.endpoint
    if req.method == "OPTIONS" or endpoint is None:
        return
    role = _required_role(current_app._get_current_object(), endpoint, req.method)
    if role is None:
        if endpoint in ("static", "swagger_static") or endpoint.startswith("api-docs."):
            return
        abort(403, message="This endpoint declares no role; access is denied.")
    if role == PUBLIC and not req.headers.get("Authorization"):
        g.principal = None
        return
    g.principal = principal = _caller()
    if role == PUBLIC:
        return
    if principal is None:
        abort(
            401,
            message="Sign in first (or send 'Authorization: Bearer <API key>').",
            headers={"WWW-Authenticate": 'Bearer realm="segmentation"'},
        )
    if RANK[principal.role] < RANK[role]:
        abort(
            403,
            message=f"This needs the {role} role; you are {'an' if principal.role[0] in 'aeiou' else 'a'} "
            f"{principal.role}.",
        )


def secret_key(app: Flask) -> str:
    """SECRET_KEY, or one generated once into VAR_DIR/secret_key and shared by every
    process on this machine (created atomically: concurrent workers agree on one key)."""
    if app.config.get("SECRET_KEY"):
        return app.config["SECRET_KEY"]
    path = Path(app.config["VAR_DIR"]) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)  # fails if another process won the race; then use theirs
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


def cors(response):
    origin = request.headers.get("Origin")
    if origin and origin in current_app.config["CORS_ORIGINS"]:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, X-Request-ID"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PATCH, DELETE, OPTIONS"
        response.headers["Access-Control-Max-Age"] = "600"
        response.headers.add("Vary", "Origin")
    return response


class LazySessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building a signer for requests that carry
    no session cookie (API-key callers: the predict hot path)."""

    def open_session(self, app, request):
        if app.config["SESSION_COOKIE_NAME"] not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.secret_key = secret_key(app)
    app.session_interface = LazySessionInterface()
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=app.config["SESSION_COOKIE_SECURE"],
        SESSION_COOKIE_NAME="seg_session",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
    )
    app.extensions["api_keys"] = KeyCache(app)
    app.extensions["declared_roles"] = {}
    from .cli import register

    register(app)
    app.before_request(authorize)
    app.after_request(cors)
