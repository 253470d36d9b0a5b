"""predict-segment's valid requests answered before Flask: the same answer at a fraction
of the cost.

A WSGI layer in front of the Flask app. It answers a request itself only when every check
the Flask path would make is known to pass. From the headers first (a refused caller's body
is never read here): POST to the exact path, a JSON Content-Type as werkzeug parses it, no
``Origin`` (CORS), no cookie, no TRUSTED_HOSTS check, a valid API key of the role the view
declares (or none, when that role is off), at most a plain ``?segmentation=<name>``. Then
the body: all of it there, without escapes (so without control characters), a loaded model
and profiles that parse. Its answer is the Flask path's: the same status, headers, body,
log line and metrics (``tests/test_predict_fastpath.py`` compares the two). The request id
(the caller's valid ``X-Request-ID`` or a new one) is set in the environ first, so the
request has one id whichever way it is answered.

Anything else -- a refusal, a short body, an exception -- is handed to the Flask app
(with the body already read given back, or an empty one when reading it failed), which
answers it as it answers any request (a body shorter than its Content-Length: 400, see
``web/errors.BodyLimit``). So every
refusal keeps its exact message, and a request the fast path cannot prove valid is never
answered differently from before. The price of a refusal is a few header checks (and a
second parse only for a body found invalid).
"""

from __future__ import annotations

import io
import logging
import re
import time

import orjson
from gunicorn.http.body import Body, LengthReader
from gunicorn.http.unreader import SocketUnreader
from marshmallow import ValidationError
from werkzeug.http import parse_options_header

from ..auth.keys import bearer_key
from ..auth.policy import required_role
from ..auth.principal import PUBLIC, RANK
from ..core import logs
from ..core.values import DIGITS
from ..monitoring.metrics import observe_predictions
from ..segmentations import service as segmentations
from ..web.errors import may_hold_control
from . import wire
from .parsing import parse_inputs
from .serving import holder

PATH = "/api/v1/segmentation/predict-segment"
ENDPOINT = "predict.PredictSegment"
ROUTE_KEY = "segmentation.route"  # read by the metrics layer: the route template it served
BODY_KEY = "segmentation.predict_body"  # the body read here, until Flask is given it
QUERY = re.compile(f"segmentation=({segmentations.NAME.pattern.strip('^$')})")  # one name rule
log = logging.getLogger("segmentation.http")


class FastPredict:
    """``FastPredict(app, wsgi_app)``: answers valid predict-segment requests, hands every
    other request to ``wsgi_app`` (the Flask app, possibly behind ProxyFix)."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        # one id for the request whichever way it is answered: Flask's hook keeps a valid one
        environ["HTTP_X_REQUEST_ID"] = rid = logs.request_id(environ.get("HTTP_X_REQUEST_ID", ""))
        token = logs.context_id.set(rid)  # lines logged on the way (a key or model reload) carry it
        try:
            answered = self._answer(environ, started, start_response)
        except Exception:  # the Flask path answers (and logs) it as it always has
            answered = None
        finally:
            logs.context_id.reset(token)
        if answered is not None:
            return answered
        if BODY_KEY in environ:  # the body read here, given back for Flask (a copy: nothing else
            environ["wsgi.input"] = io.BytesIO(environ.pop(BODY_KEY))  # holds the bytearray then)
        return self.wsgi_app(environ, start_response)

    def _plain(self, environ) -> bool:
        """No CORS, no cookie, no host check, a JSON body as werkzeug reads the Content-Type."""
        if (
            "HTTP_ORIGIN" in environ
            or "HTTP_COOKIE" in environ
            or self.app.config["TRUSTED_HOSTS"] is not None
        ):
            return False
        return parse_options_header(environ.get("CONTENT_TYPE", ""))[0].lower() == "application/json"

    def _allowed(self, environ) -> bool:
        """The Flask path's ``authorize`` would let this caller through."""
        header = environ.get("HTTP_AUTHORIZATION")
        role = required_role(self.app, ENDPOINT, "POST")
        if header is None:
            return role == PUBLIC
        key = bearer_key(header)
        if role is None or key is None:
            return False
        principal = self.app.extensions["api_keys"].lookup(key)
        return principal is not None and (role == PUBLIC or RANK[principal.role] >= RANK[role])

    def _segmentation(self, environ) -> str | None:
        """The name a plain ``?segmentation=<name>`` (or no query) gives; None otherwise."""
        query = environ.get("QUERY_STRING", "")
        if not query:
            return segmentations.DEFAULT
        match = QUERY.fullmatch(query)
        return match.group(1) if match else None

    def _body(self, environ) -> bytes | bytearray | None:
        """The whole body (kept in ``environ`` for Flask if the fast path does not answer),
        or None when it is not all there: Flask then refuses the short or broken body (400;
        werkzeug's stream finds it shorter than its Content-Length)."""
        length = environ.get("CONTENT_LENGTH") or ""
        if not DIGITS.fullmatch(length):
            return None
        try:
            body = read_body(environ["wsgi.input"], int(length)) if int(length) else b""
        except OSError:
            body = b""
        environ[BODY_KEY] = body
        return body if len(body) == int(length) else None

    def _answer(self, environ, started: float, start_response):
        name = self._segmentation(environ)
        # headers first: a refused caller's body is never read here
        if name is None or not self._plain(environ) or not self._allowed(environ):
            return None
        body = self._body(environ)
        if body is None or may_hold_control(body):
            return None
        snapshot = holder(self.app).current(name)
        if snapshot is None:
            return None
        max_rows = self.app.config["MAX_BATCH_ROWS"]
        batch = snapshot.batch
        rows = batch.rows(body, max_rows)
        one = batch.one(rows[0]) if rows is not None and len(rows) == 1 else None
        if one is not None:  # one profile: plain Python values, no NumPy call (ml/scalar.py)
            ids = [snapshot.predictor.predict_one(*one)]
        else:
            decoded = batch.columns(rows) if rows is not None and len(rows) > 1 else None
            if decoded is None:
                try:
                    decoded = parse_inputs(orjson.loads(body), snapshot.plan, max_rows)
                except (orjson.JSONDecodeError, ValidationError):
                    return None
            ids = snapshot.predictor.predict(*decoded)
        payload = wire.payload(snapshot, ids)
        observe_predictions(snapshot.segmentation, ids)
        environ[ROUTE_KEY] = PATH
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        start_response("200 OK", [*headers, ("X-Request-ID", environ["HTTP_X_REQUEST_ID"])])
        if log.isEnabledFor(logging.INFO):
            log.info("%s %s %s %.1fms", "POST", PATH, 200, (time.perf_counter() - started) * 1000)
        return [payload]


def read_body(stream, size: int) -> bytes | bytearray:
    """``size`` bytes of the request body (fewer if the client stopped sending).

    gunicorn's ``Body.read`` gathers them 1 KiB at a time, each piece cut from the socket's
    last 8 KiB read (about 5 ms for a 1.7 MB batch of 10,000 profiles); its length reader
    reads 8 KiB per system call and joins the pieces (about 1.5 ms on a socketpair). Here the
    bytes gunicorn already holds are taken, then the rest is received straight into one
    buffer (about 0.6 ms; through gunicorn a 10,000-profile batch gains about 0.25 ms of 8).
    Any other stream, or a gunicorn body something has already read from, is read as usual."""
    if type(stream) is Body and type(stream.reader) is LengthReader and not stream.buf.tell():
        reader = stream.reader
        if type(reader.unreader) is SocketUnreader and 0 < size <= reader.length:
            return _received(reader, size)
        return reader.read(size)
    return stream.read(size)


def _received(reader: LengthReader, size: int) -> bytes | bytearray:
    """The bytes ``reader.read(size)`` returns (as a bytearray when they had to be received),
    read with as few system calls as the socket allows.
    Bytes past the body (a pipelined next request) stay with the unreader, as gunicorn leaves
    them; the reader's remaining length counts what was read, so the connection stays usable."""
    unreader = reader.unreader
    held = unreader.buf.getvalue()  # read past the headers, not yet consumed
    if len(held) >= size:
        unreader.buf = io.BytesIO(held[size:])
        unreader.buf.seek(0, io.SEEK_END)
        reader.length -= size
        return held[:size]
    # the whole body's room first (at most the body limit, checked before any of it is read):
    # nothing is taken from gunicorn until it is allocated
    body = bytearray(size)
    unreader.buf = io.BytesIO()
    body[: len(held)] = held
    view, got = memoryview(body), len(held)
    while got < size:
        n = unreader.sock.recv_into(view[got:], size - got)
        if not n:  # the client stopped sending
            break
        got += n
    reader.length -= got
    view.release()
    del body[got:]  # not copied to bytes: every reader of the body takes a bytearray
    return body
