"""Sign-in for staff; user and API-key management for admins."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import abort

from ..core.extensions import Blueprint, db
from . import audit, sessions
from .keys import create_api_key, forget_keys, get_api_key, list_api_keys, revoke_api_key
from .models import User
from .policy import requires
from .principal import PUBLIC
from .ratelimit import login_limits
from .schemas import (
    ApiKeyCreateSchema,
    ApiKeyListSchema,
    ApiKeySchema,
    LoginSchema,
    MeSchema,
    NewApiKeySchema,
    UserCreateSchema,
    UserListSchema,
    UserPatchSchema,
    UserSchema,
)
from .users import (
    Exists,
    Locked,
    Refused,
    authenticate,
    change_user,
    create_user,
    delete_user,
    end_sessions,
    get_user,
    list_users,
    normalise,
)

blp = Blueprint(
    "auth",
    __name__,
    url_prefix="/api/v1/auth",
    description="Staff sign-in (session cookie) and, for admins, users and API keys.",
)


@blp.route("/login")
class Login(MethodView):
    decorators = login_limits()

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
            audit.record("auth.locked", normalise(creds["username"]), commit=True)
            abort(
                429,
                message=f"Too many failed sign-ins; try again in {exc.minutes} minutes.",
                headers={"Retry-After": str(exc.minutes * 60)},
            )
        if user is None:
            audit.record("auth.login_failed", normalise(creds["username"]), commit=True)
            abort(401, message="Wrong user name or password.")
        sessions.sign_in(user)
        audit.record("auth.login", user.username, commit=True)
        return {"username": user.username, "role": user.role}


@blp.route("/logout")
class Logout(MethodView):
    @requires(PUBLIC)
    @blp.response(204)
    def post(self):
        """Sign out: ends every session of this user, on every device, at once"""
        user = sessions.signed_in_user(get_user)
        if user is not None:
            end_sessions(user)
            audit.record("auth.logout", user.username, commit=True)
        sessions.sign_out()


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
        return {"items": list_users()}

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


@blp.route("/users/<int:user_id>")
class UserItem(MethodView):
    def _user(self, user_id: int) -> User:
        user = get_user(user_id, for_update=True)
        if user is None:
            abort(404, message=f"User {user_id} does not exist.")
        return user

    @requires("admin")
    @blp.arguments(UserPatchSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(404, description="No such user")
    @blp.alt_response(409, description="Would disable or demote yourself or the last active admin")
    def patch(self, data, user_id):
        """Change a staff account's role, disabled state or password (ends its sessions)"""
        user = self._user(user_id)
        try:
            change_user(user, **data, actor_id=_actor_user_id())
        except Refused as exc:
            db.session.rollback()
            abort(409, message=str(exc))
        db.session.commit()
        return user

    @requires("admin")
    @blp.response(204)
    @blp.alt_response(404, description="No such user")
    @blp.alt_response(409, description="Would delete yourself or the last active admin")
    def delete(self, user_id):
        """Delete a staff account (its audit events stay)"""
        user = self._user(user_id)
        try:
            delete_user(user, actor_id=_actor_user_id())
        except Refused as exc:
            db.session.rollback()
            abort(409, message=str(exc))
        db.session.commit()


def _actor_user_id() -> int | None:
    return g.principal.id if g.principal.kind == "user" else None


@blp.route("/api-keys")
class ApiKeys(MethodView):
    @requires("admin")
    @blp.response(200, ApiKeyListSchema)
    def get(self):
        """API keys (never the keys themselves)"""
        return {"items": list_api_keys()}

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
        row = get_api_key(key_id)
        if row is None:
            abort(404, message=f"API key {key_id} does not exist.")
        revoke_api_key(row)
        db.session.commit()
        forget_keys()
        return row
