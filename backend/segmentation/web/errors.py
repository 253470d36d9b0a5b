"""The one JSON error shape: ``{code, status, message, errors?, reason?}``.

flask-smorest already renders HTTP errors (including webargs validation errors) in this
shape; here unexpected exceptions and an unreachable database get it too, after the
session is rolled back, without leaking a traceback. A 500 is logged as its reference id,
the exception class and the code locations it passed through: never the exception's
message (a failed statement's message quotes its parameters: customer data), never the
request body. 405 answers carry ``Allow`` and 429 answers ``Retry-After``; bodies over
MAX_CONTENT_LENGTH get 413 whether or not they are chunked. A service raises an
``ApiError`` subclass for a condition a client may act on: it carries the status and a stable
``reason`` (documented on the error schema in ``core/extensions.py``).
"""

from __future__ import annotations

import io
import json
import logging
from http import HTTPStatus

from flask import Flask, jsonify, request
from flask_smorest import abort
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import ClientDisconnected, InternalServerError, MethodNotAllowed, TooManyRequests
from werkzeug.http import parse_options_header

from ..core.extensions import api, db
from ..core.logs import code_path, context_id
from ..core.values import CONTROL_EXCEPT_LINES, DIGITS, NO_CONTROL

log = logging.getLogger(__name__)
CHUNKS_CUT = "The request body ended before its last chunk or holds a malformed chunk."


class ApiError(Exception):
    """A condition with its own status and stable ``reason``; the one handler renders it."""

    status = 500
    reason = ""
    headers: dict[str, str] = {}

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def error_body(code: int, message: str, errors: dict | None = None, reason: str = "") -> dict:
    body = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if errors:
        body["errors"] = errors
    if reason:
        body["reason"] = reason
    return body


def _json_error(code: int, message: str, headers: dict | None = None, reason: str = ""):
    response = jsonify(error_body(code, message, reason=reason))
    response.status_code = code
    response.headers.update(headers or {})
    return response


def log_unhandled(exc: BaseException) -> None:
    log.error("unhandled %s, reference %s, at %s", type(exc).__name__, context_id.get(), code_path(exc))


def register(app: Flask) -> None:
    # Flask would log the whole traceback (with the statement's parameters) before our
    # handler runs; internal_error logs the sanitised version instead
    app.log_exception = lambda exc_info: None

    @app.errorhandler(ApiError)
    def api_error(exc):
        return _json_error(exc.status, exc.message, exc.headers, exc.reason)

    @app.errorhandler(OperationalError)
    def database_unavailable(exc):
        db.session.rollback()
        log.error("database unavailable: %s at %s", type(exc.orig or exc).__name__, code_path(exc))
        return _json_error(
            503,
            "The database is unavailable; nothing was changed. Try again shortly.",
            {"Retry-After": "5"},
            "database_unavailable",
        )

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
            log_unhandled(original)
        return _json_error(500, f"Internal error; reference {context_id.get()}.")

    @app.errorhandler(MethodNotAllowed)
    def method_not_allowed(exc):
        allowed = sorted(set(exc.valid_methods or ()) | {"OPTIONS"})
        return _json_error(
            405, f"The method {request.method} is not allowed here.", {"Allow": ", ".join(allowed)}
        )

    @app.errorhandler(ClientDisconnected)
    def body_cut_short(exc):
        # werkzeug's stream found the body shorter than announced (see BodyLimit), or the
        # client stopped before the last chunk of a streamed upload
        if request.content_length is None:
            return _json_error(400, CHUNKS_CUT)
        return _json_error(
            400,
            f"The request body ended after fewer bytes than its Content-Length ({request.content_length}) announced.",
        )

    @app.errorhandler(TooManyRequests)
    def too_many_requests(exc):
        response = app.make_response(api.handle_http_exception(exc))
        response.headers.setdefault("Retry-After", "60")  # the limits set their own
        return response


def register_input_checks(app: Flask) -> None:
    """After authorization: NUL and other control characters are refused in every JSON
    string and query parameter (JSON strings may hold line breaks and tabs, for
    multi-line text; fields that are one line refuse them in their schema)."""

    @app.before_request
    def refuse_control_characters():
        errors = {}
        for name, value in request.args.items(multi=True) if request.query_string else ():
            if CONTROL_EXCEPT_LINES.search(name) or CONTROL_EXCEPT_LINES.search(value):
                errors.setdefault("query", {})[name] = [NO_CONTROL]
        if request.is_json and may_hold_control(request.get_data(cache=True)):
            found = _control_paths(request.get_json(silent=True))
            if found:
                errors["json"] = found
        if errors:
            abort(422, message="Control characters are not accepted.", errors=errors)


def may_hold_control(raw: bytes) -> bool:
    """JSON can only carry control characters as escapes (``\\u0000``, ``\\n``...) or as
    raw DEL / C1 bytes; most bodies have neither and skip the walk."""
    if b"\\" in raw or b"\x7f" in raw:
        return True
    return b"\xc2" in raw and any(b"\xc2" + bytes([c]) in raw for c in range(0x80, 0xA0))


def _control_paths(value, path: tuple = ()) -> dict:
    """Nested {key: {...: [message]}} for every string (or key) holding control characters."""
    found: dict = {}

    def put(where_: tuple) -> None:
        node = found
        for part in where_[:-1]:
            node = node.setdefault(part, {})
        node[where_[-1]] = [NO_CONTROL]

    def walk(v, at: tuple) -> None:
        if isinstance(v, str):
            if CONTROL_EXCEPT_LINES.search(v):
                put(at or ("_schema",))
        elif isinstance(v, dict):
            for k, item in v.items():
                if CONTROL_EXCEPT_LINES.search(k):
                    put((*at, k))
                else:
                    walk(item, (*at, k))
        elif isinstance(v, list):
            for i, item in enumerate(v):
                walk(item, (*at, i))

    walk(value, path)
    return found


class BodyLimit:
    """WSGI middleware: bodies over their limit get 413 in the error shape (with a
    Content-Length, before any of it is read); the limit is ``MAX_CONTENT_LENGTH``, or for a multipart POST to a path of
    ``larger`` (exact path: config key) that key's value (file uploads: ``IMPORT_MAX_BYTES``),
    read from the config on each request.

    A body without Content-Length (chunked) is read up to the limit + 1 bytes, then the app
    sees it with its length (gunicorn would otherwise hand Flask a stream that silently
    stops at the limit). On a path with its own limit it is not read here (it may be a
    file of a GiB): it streams to the app, whose route sets ``request.max_content_length``
    to that limit (werkzeug then refuses more with 413).

    A body with a Content-Length must be all there: gunicorn says its stream ends at the
    length (``wsgi.input_terminated``), but when the client stops sending early it just ends
    sooner, and what arrived was used as the whole body (a rename cut short but still
    complete JSON was saved). Without that key werkzeug reads through its LimitedStream,
    which raises ClientDisconnected there: 400, and nothing is done with the part."""

    def __init__(self, wsgi_app, config, larger: dict[str, str] | None = None):
        self.wsgi_app = wsgi_app
        self.config = config
        self.larger = larger or {}

    def __call__(self, environ, start_response):
        own = self.larger.get(environ.get("PATH_INFO", ""))
        # the Content-Type is parsed only on such a path (not on every predict request)
        if own and not (
            environ.get("REQUEST_METHOD") == "POST" and _multipart(environ.get("CONTENT_TYPE", ""))
        ):
            own = None
        limit = self.config[own or "MAX_CONTENT_LENGTH"]
        if (
            not environ.get("CONTENT_LENGTH")
            and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        ):
            if own:  # streamed to the route, which holds it to its limit
                return self.wsgi_app(environ, start_response)
            stream = environ["wsgi.input"]
            body = bytearray()
            try:
                while len(body) <= limit:
                    chunk = stream.read(min(65536, limit + 1 - len(body)))
                    if not chunk:
                        break
                    body += chunk
            except OSError:  # gunicorn: the client stopped before the last chunk, or a bad chunk
                return _refused(start_response, 400, CHUNKS_CUT)
            if len(body) > limit:
                return _too_large(start_response, limit)
            environ["wsgi.input"] = io.BytesIO(bytes(body))
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ["wsgi.input_terminated"] = True
        elif DIGITS.fullmatch(length := environ.get("CONTENT_LENGTH") or "0"):
            if int(length) > limit:
                return _too_large(start_response, limit)  # before reading any of it
            environ.pop("wsgi.input_terminated", None)  # werkzeug looks for the key, not its value
        return self.wsgi_app(environ, start_response)


def _multipart(content_type: str) -> bool:
    """The body is multipart form data, as werkzeug reads the Content-Type."""
    return parse_options_header(content_type)[0].lower() == "multipart/form-data"


def _too_large(start_response, limit: int):
    return _refused(start_response, 413, f"The request body is larger than {limit} bytes.")


def _refused(start_response, code: int, message: str):
    """An answer in the error shape from the WSGI layer (the body is not read further)."""
    body = json.dumps(error_body(code, message)).encode()
    start_response(
        f"{code} {HTTPStatus(code).phrase}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Connection", "close")],
    )
    return [body]
