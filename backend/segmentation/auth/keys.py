"""API keys for systems: minting (shown once, stored as prefix + SHA-256), revoking, and
the cache every web worker checks keys against without a database round trip."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from flask import Flask, current_app
from flask_smorest import abort
from sqlalchemy import select, text

from ..core.extensions import db
from .audit import record
from .models import ApiKey
from .principal import Principal

KEY_PREFIX = "seg"


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
    record("apikey.create", f"{name} ({prefix})", role=role)
    return row, key


def revoke_api_key(row: ApiKey) -> None:
    """Revoke a key (once) and record it; the caller commits."""
    if row.revoked_at is None:
        row.revoked_at = db.func.now()
        record("apikey.revoke", f"{row.name} ({row.prefix})")


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


def bearer_key(header: str) -> str | None:
    """The key of an ``Authorization: Bearer <key>`` header (None for any other header)."""
    scheme, _, key = header.partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


def key_caller(header: str) -> Principal:
    """The caller an ``Authorization`` header names (401 unless a valid Bearer key)."""
    key = bearer_key(header)
    if key is None:
        abort(401, message="Use 'Authorization: Bearer <API key>'.")
    principal = current_app.extensions["api_keys"].lookup(key)
    if principal is None:
        abort(401, message="The API key is not valid (unknown or revoked).")
    return principal


def forget_keys() -> None:
    """Reload the keys on the next check (after a revocation, in this worker at once)."""
    current_app.extensions["api_keys"].forget()


def init_app(app: Flask) -> None:
    app.extensions["api_keys"] = KeyCache(app)
