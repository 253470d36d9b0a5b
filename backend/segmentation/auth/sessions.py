"""Staff sessions, the whole protocol in one place: Flask's signed cookie (opened lazily),
the per-session XSRF token and its cookie, the secret key file, sign-in and sign-out.

The cookie holds the user id, the user's session epoch (bumped to end every session of a
user at once) and the XSRF token; unsafe methods must echo that token in ``X-XSRF-TOKEN``.
"""

from __future__ import annotations

import hmac
import os
import secrets
import tempfile
from pathlib import Path

from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_smorest import abort

from ..core.extensions import db
from .models import User
from .principal import Principal

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
XSRF_EXEMPT = {"/api/v1/auth/login"}
XSRF_COOKIE = "XSRF-TOKEN"
LIFETIME = 8 * 3600


def session_caller() -> Principal | None:
    """The signed-in user of this request, if any (403 on an unsafe method without the
    session's XSRF token)."""
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


def sign_in(user: User) -> Principal:
    """A fresh session for ``user``, with a new XSRF token sent as a readable cookie."""
    session.clear()
    session.permanent = True
    # the epoch, not anything derived from the password: the cookie is signed, not secret
    session.update(uid=user.id, epoch=user.session_epoch, xsrf=secrets.token_urlsafe(24))
    g.xsrf_cookie = session["xsrf"]
    g.principal = Principal("user", user.id, user.username, user.role)
    return g.principal


def signed_in_user(users) -> User | None:
    """The user whose still-valid session this request carries (``users.get_user``)."""
    user = users(session.get("uid"))
    if user is not None and session.get("epoch") == user.session_epoch:
        g.principal = Principal("user", user.id, user.username, user.role)
        return user
    return None


def sign_out() -> None:
    session.clear()
    g.xsrf_cookie = ""


def _xsrf_cookie(response):
    """Set (after sign-in) or delete (after sign-out) the cookie the web app reads."""
    token = g.get("xsrf_cookie")
    if token is not None:
        if token:
            response.set_cookie(
                XSRF_COOKIE,
                token,
                samesite="Strict",
                secure=current_app.config["SESSION_COOKIE_SECURE"],
                httponly=False,
                max_age=LIFETIME,
            )
        else:
            response.delete_cookie(XSRF_COOKIE)
    return response


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
        PERMANENT_SESSION_LIFETIME=LIFETIME,
    )
    app.after_request(_xsrf_cookie)
