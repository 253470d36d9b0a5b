"""Staff accounts: salted password hashes, lock-out after repeated failures."""

from __future__ import annotations

import math
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..extensions import db
from ..models import User

# checked when the user name is unknown, so both paths cost the same
_DUMMY_HASH = generate_password_hash("not-a-password")


class Locked(Exception):
    def __init__(self, minutes: int):
        super().__init__(minutes)
        self.minutes = minutes


class Exists(Exception):
    pass


def create_user(username: str, password: str, role: str) -> User:
    username = username.strip().lower()
    if db.session.scalar(select(User).where(User.username == username)):
        raise Exists(f"User {username} already exists.")
    user = User(username=username, password_hash=generate_password_hash(password), role=role)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", username, role=role)
    return user


def authenticate(username: str, password: str) -> User | None:
    """The user for these credentials, None if wrong; raises Locked while locked out."""
    user = db.session.scalars(
        select(User).where(User.username == username.strip().lower()).with_for_update()
    ).first()
    if user is None or user.disabled:
        check_password_hash(_DUMMY_HASH, password)
        return None
    now = datetime.now(UTC)
    if user.locked_until and user.locked_until > now:
        raise Locked(max(1, math.ceil((user.locked_until - now).total_seconds() / 60)))
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            minutes = current_app.config["LOGIN_LOCK_MINUTES"]
            user.locked_until = now + timedelta(minutes=minutes)
            user.failed_logins = 0
            db.session.commit()
            raise Locked(minutes)
        db.session.commit()
        return None
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    db.session.commit()
    return user


def ensure_first_admin() -> tuple[str, str] | None:
    """Create user 'admin' with a random password when there are no users at all."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(12)
    create_user("admin", password, "admin")
    db.session.commit()
    return "admin", password
