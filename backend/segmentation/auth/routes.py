"""Sign-in for staff; user and API-key management for admins."""

from __future__ import annotations

import secrets

from flask import current_app, g, session
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from .. import audit
from ..extensions import Blueprint, db
from ..models import ApiKey, User
from . import PUBLIC, Principal, create_api_key, requires, revoke_api_key
from .ratelimit import limiter
from .schemas import (
    ApiKeyCreateSchema,
    ApiKeyListSchema,
    ApiKeySchema,
    LoginSchema,
    MeSchema,
    NewApiKeySchema,
    UserCreateSchema,
    UserListSchema,
    UserSchema,
)
from .users import Exists, Locked, authenticate, create_user

blp = Blueprint(
    "auth",
    __name__,
    url_prefix="/api/v1/auth",
    description="Staff sign-in (session cookie) and, for admins, users and API keys.",
)


@blp.route("/login")
class Login(MethodView):
    decorators = [limiter.limit(lambda: current_app.config["RATE_LIMIT_LOGIN"])]

    @requires(PUBLIC)
    @blp.arguments(LoginSchema)
    @blp.response(200, MeSchema)
    @blp.alt_response(401, description="Wrong user name or password")
    @blp.alt_response(429, description="Locked after repeated failures, or too many attempts")
    def post(self, creds):
        """Sign in; sets an HttpOnly session cookie and an XSRF-TOKEN cookie"""
        try:
            user = authenticate(creds["username"], creds["password"])
        except Locked as exc:
            audit.record("auth.locked", creds["username"][:64], commit=True)
            abort(
                429,
                message=f"Too many failed sign-ins; try again in {exc.minutes} minutes.",
                headers={"Retry-After": str(exc.minutes * 60)},
            )
        if user is None:
            audit.record("auth.login_failed", creds["username"][:64], commit=True)
            abort(401, message="Wrong user name or password.")
        session.clear()
        session.permanent = True
        session.update(uid=user.id, ver=user.password_hash[-12:], xsrf=secrets.token_urlsafe(24))
        g.xsrf_cookie = session["xsrf"]
        g.principal = Principal("user", user.id, user.username, user.role)
        audit.record("auth.login", user.username, commit=True)
        return {"username": user.username, "role": user.role}


@blp.route("/logout")
class Logout(MethodView):
    @requires(PUBLIC)
    @blp.response(204)
    def post(self):
        """Sign out"""
        user = db.session.get(User, session["uid"]) if session.get("uid") else None
        if user is not None:
            g.principal = Principal("user", user.id, user.username, user.role)
            audit.record("auth.logout", user.username, commit=True)
        session.clear()
        g.xsrf_cookie = ""


@blp.route("/me")
class Me(MethodView):
    @requires("viewer")
    @blp.response(200, MeSchema)
    @blp.alt_response(401, description="Not signed in")
    def get(self):
        """Who is signed in"""
        return {"username": g.principal.name, "role": g.principal.role}


@blp.route("/users")
class Users(MethodView):
    @requires("admin")
    @blp.response(200, UserListSchema)
    def get(self):
        """Staff accounts"""
        return {"items": list(db.session.scalars(select(User).order_by(User.username)))}

    @requires("admin")
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, description="The user name is taken")
    def post(self, data):
        """Add a staff account"""
        try:
            user = create_user(data["username"], data["password"], data["role"])
        except Exists as exc:
            abort(409, message=str(exc))
        db.session.commit()
        return user


@blp.route("/api-keys")
class ApiKeys(MethodView):
    @requires("admin")
    @blp.response(200, ApiKeyListSchema)
    def get(self):
        """API keys (never the keys themselves)"""
        return {"items": list(db.session.scalars(select(ApiKey).order_by(ApiKey.id)))}

    @requires("admin")
    @blp.arguments(ApiKeyCreateSchema)
    @blp.response(201, NewApiKeySchema)
    def post(self, data):
        """Create an API key; the key is in this response only"""
        row, key = create_api_key(data["name"], data["role"])
        db.session.commit()
        return {
            **{
                c: getattr(row, c)
                for c in ("id", "name", "prefix", "role", "created_at", "last_used_at", "revoked_at")
            },
            "key": key,
        }


@blp.route("/api-keys/<int:key_id>")
class ApiKeyItem(MethodView):
    @requires("admin")
    @blp.response(200, ApiKeySchema)
    @blp.alt_response(404, description="No such key")
    def delete(self, key_id):
        """Revoke an API key"""
        row = db.session.get(ApiKey, key_id)
        if row is None:
            abort(404, message=f"API key {key_id} does not exist.")
        revoke_api_key(row)
        db.session.commit()
        current_app.extensions["api_keys"].forget()
        return row
