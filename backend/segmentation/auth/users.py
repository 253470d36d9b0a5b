"""Staff accounts: salted password hashes, lock-out, and their lifecycle (role, disable,
password, delete), each audited and each ending the user's sessions at once.

Lock-out counts failed sign-ins per *name*, whether or not an account has that name, in
the shared ``rate_limits`` table: an unknown name and a real one get the same answers
(401, then 429 after LOGIN_MAX_FAILURES), in the same time, so neither tells an attacker
which accounts exist.
"""

from __future__ import annotations

import math
import secrets
import time
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.extensions import db
from . import audit
from .models import User
from .ratelimit import PostgresStorage

# checked when the user name is unknown, so both paths cost the same
_DUMMY_HASH = generate_password_hash("not-a-password")
_counters = PostgresStorage()


class Locked(Exception):
    def __init__(self, minutes: int):
        super().__init__(minutes)
        self.minutes = minutes


class Exists(Exception):
    pass


class Refused(Exception):
    """A change that would lock the admins out (self, or the last active admin)."""


def normalise(username: str) -> str:
    return username.strip().lower()


def create_user(username: str, password: str, role: str) -> User:
    username = normalise(username)
    if db.session.scalar(select(User).where(User.username == username)):
        raise Exists(f"User {username} already exists.")
    user = User(username=username, password_hash=generate_password_hash(password), role=role)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", username, role=role)
    return user


# -- sign-in and lock-out ----------------------------------------------------------
def _fail_key(name: str) -> str:
    return f"signin-failures/{name}"


def _lock_key(name: str) -> str:
    return f"signin-locked/{name}"


def _locked_minutes(name: str) -> int:
    if _counters.get(_lock_key(name)) <= 0:
        return 0
    return max(1, math.ceil((_counters.get_expiry(_lock_key(name)) - time.time()) / 60))


def authenticate(username: str, password: str) -> User | None:
    """The user for these credentials, None if wrong; raises Locked while the name is
    locked out (the same for every name, known or not)."""
    name = normalise(username)
    minutes = _locked_minutes(name)
    if minutes:
        check_password_hash(_DUMMY_HASH, password)
        raise Locked(minutes)
    user = db.session.scalars(select(User).where(User.username == name)).first()
    if user is None or user.disabled:
        check_password_hash(_DUMMY_HASH, password)
        user = None
    elif not check_password_hash(user.password_hash, password):
        user = None
    if user is None:
        lock_seconds = current_app.config["LOGIN_LOCK_MINUTES"] * 60
        if _counters.incr(_fail_key(name), lock_seconds) >= current_app.config["LOGIN_MAX_FAILURES"]:
            _counters.incr(_lock_key(name), lock_seconds)
            _counters.clear(_fail_key(name))
            raise Locked(current_app.config["LOGIN_LOCK_MINUTES"])
        return None
    _counters.clear(_fail_key(name))
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, datetime.now(UTC)
    db.session.commit()
    return user


def unlock(name: str) -> None:
    _counters.clear(_fail_key(name))
    _counters.clear(_lock_key(name))


# -- lifecycle ------------------------------------------------------------------------
def end_sessions(user: User) -> None:
    """Every session cookie issued to ``user`` stops working at its next request."""
    db.session.execute(update(User).where(User.id == user.id).values(session_epoch=User.session_epoch + 1))
    db.session.expire(user, ["session_epoch"])


def _other_active_admins(user: User) -> int:
    # lock the admins' rows: two admins disabling each other cannot both succeed
    admins = db.session.scalars(
        select(User).where(User.role == "admin", User.disabled.is_(False)).with_for_update()
    ).all()
    return sum(1 for a in admins if a.id != user.id)


def _guard(user: User, actor_id: int | None, *, removing_admin: bool, what: str) -> None:
    if actor_id is not None and user.id == actor_id:
        raise Refused(f"You cannot {what} your own account.")
    if removing_admin and user.role == "admin" and not user.disabled and _other_active_admins(user) == 0:
        raise Refused(f"{user.username} is the last active admin; add another admin first.")


def change_user(
    user: User,
    *,
    role: str | None = None,
    disabled: bool | None = None,
    password: str | None = None,
    actor_id: int | None = None,
) -> User:
    """Change role, disabled state and/or password; each change is audited and ends the
    user's sessions. The caller commits."""
    if disabled is True and not user.disabled:
        _guard(user, actor_id, removing_admin=True, what="disable")
    if role is not None and role != user.role and user.role == "admin":
        _guard(user, actor_id, removing_admin=True, what="change the role of")
    changed = False
    if role is not None and role != user.role:
        audit.record("user.role", user.username, old=user.role, new=role)
        user.role, changed = role, True
    if disabled is not None and disabled != user.disabled:
        audit.record("user.disable" if disabled else "user.enable", user.username)
        user.disabled, changed = disabled, True
    if password is not None:
        audit.record("user.password", user.username)
        user.password_hash, changed = generate_password_hash(password), True
        unlock(user.username)
    if changed:
        db.session.flush()
        end_sessions(user)
    return user


def delete_user(user: User, *, actor_id: int | None = None) -> None:
    """Delete an account (its audit events stay); the caller commits."""
    _guard(user, actor_id, removing_admin=True, what="delete")
    audit.record("user.delete", user.username, role=user.role)
    db.session.delete(user)
    db.session.flush()


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.username)))


def get_user(user_id: int | None, *, for_update: bool = False) -> User | None:
    return db.session.get(User, user_id, with_for_update=for_update) if user_id else None


def find_user(username: str) -> User | None:
    return db.session.scalars(select(User).where(User.username == normalise(username))).first()


# -- first run ------------------------------------------------------------------------
def ensure_first_admin() -> tuple[str, str] | None:
    """Create user 'admin' with a random password when there are no users at all."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(12)
    create_user("admin", password, "admin")
    db.session.commit()
    return "admin", password
