"""The one JSON error shape: ``{code, status, message, errors?}``.

flask-smorest already renders HTTP errors (including webargs validation errors) in this
shape; here unexpected exceptions and an unreachable database get it too, after the
session is rolled back, without leaking a traceback.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, jsonify
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import InternalServerError

from .extensions import db
from .logs import context_id

log = logging.getLogger(__name__)


def error_body(code: int, message: str, errors: dict | None = None) -> dict:
    body = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if errors:
        body["errors"] = errors
    return body


def register(app: Flask) -> None:
    @app.errorhandler(OperationalError)
    def database_unavailable(exc):
        db.session.rollback()
        log.error("database unavailable: %s", str(exc.orig).strip().splitlines()[0] if exc.orig else exc)
        response = jsonify(
            error_body(503, "The database is unavailable; nothing was changed. Try again shortly.")
        )
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(DBAPIError)
    def database_error(exc):
        if exc.connection_invalidated:
            return database_unavailable(exc)
        return internal_error(InternalServerError(original_exception=exc))

    @app.errorhandler(InternalServerError)
    def internal_error(exc):
        db.session.rollback()
        original = getattr(exc, "original_exception", None)
        if original is not None:
            log.error("unhandled %s", type(original).__name__, exc_info=original)
        response = jsonify(error_body(500, f"Internal error; reference {context_id.get()}."))
        response.status_code = 500
        return response
