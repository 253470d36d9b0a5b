"""Who may do what: every view method declares the role it needs with ``@requires(role)``
(or ``public``); ``authorize`` runs before every view, resolves the caller (API key or
session) and refuses anything a view does not declare (deny by default). The role is also
written into the OpenAPI document. Cross-origin callers are answered only from
CORS_ORIGINS.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_smorest import abort

from .keys import key_caller
from .principal import PUBLIC, RANK, Principal
from .sessions import session_caller


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


def _caller() -> Principal | None:
    header = request.headers.get("Authorization", "")
    return key_caller(header) if header else session_caller()


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


def required_role(app: Flask, endpoint: str, method: str) -> str | None:
    role, setting = _declared(app, endpoint, method)
    if setting and not app.config[setting]:
        return PUBLIC
    return role


def authorize() -> None:
    req = request._get_current_object()
    endpoint = req.endpoint
    if req.method == "OPTIONS" or endpoint is None:
        return
    role = required_role(current_app._get_current_object(), endpoint, req.method)
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


def cors(response):
    origin = request.headers.get("Origin")
    if origin and origin in current_app.config["CORS_ORIGINS"]:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, X-Request-ID"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PATCH, DELETE, OPTIONS"
        response.headers["Access-Control-Max-Age"] = "600"
        response.headers.add("Vary", "Origin")
    return response


def init_app(app: Flask) -> None:
    app.extensions["declared_roles"] = {}
    app.before_request(authorize)
    app.after_request(cors)
