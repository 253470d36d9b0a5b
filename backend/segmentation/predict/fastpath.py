"""predict-segment's valid requests answered before Flask: the same answer at a fraction
of the cost.

A WSGI layer in front of the Flask app. It answers a request itself only when every check
the Flask path would make is known to pass: POST to the exact path, a JSON body without
control-character escapes, no ``Origin`` (CORS) and no session cookie involved, a valid
API key of a sufficient role (or none, when PREDICT_AUTH_REQUIRED is off), at most a plain
``?segmentation=<name>``, a loaded model and profiles that parse. Its answer is the Flask
path's: the same status, headers (``X-Request-ID`` taken from the caller or new), body,
log line and metrics (``tests/test_predict_fastpath.py`` compares the two).

Anything else -- a refusal, an error, an unusual request -- is handed to the Flask app
unchanged (the body already read is given back), which answers it as it always has. So
every refusal keeps its exact message, and a request the fast path cannot prove valid is
never answered differently from before.
"""

from __future__ import annotations

import io
import logging
import re
import time

import orjson
from marshmallow import ValidationError

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
QUERY = re.compile(r"segmentation=([a-z0-9][a-z0-9_-]{0,63})")
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
        length = environ.get("CONTENT_LENGTH") or ""
        if not DIGITS.fullmatch(length) or not self._plain(environ):
            return self.wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(int(length)) if int(length) else b""
        try:
            answered = self._answer(environ, body, started, start_response)
        except Exception:  # the Flask path answers (and logs) it as it always has
            answered = None
        if answered is not None:
            return answered
        environ["wsgi.input"] = io.BytesIO(body)
        return self.wsgi_app(environ, start_response)

    def _plain(self, environ) -> bool:
        """No CORS, no cookie, a JSON body, a caller whose key is allowed (checked later)."""
        if "HTTP_ORIGIN" in environ or "HTTP_COOKIE" in environ:
            return False
        mimetype = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
        return mimetype == "application/json"

    def _allowed(self, environ) -> bool:
        """The Flask path's ``authorize`` would let this caller through."""
        header = environ.get("HTTP_AUTHORIZATION")
        role = required_role(self.app, ENDPOINT, "POST")
        if header is None:
            return role == PUBLIC
        scheme, _, key = header.partition(" ")
        if role is None or scheme.lower() != "bearer" or not key.strip():
            return False
        principal = self.app.extensions["api_keys"].lookup(key.strip())
        return principal is not None and (role == PUBLIC or RANK[principal.role] >= RANK[role])

    def _answer(self, environ, body: bytes, started: float, start_response):
        query = environ.get("QUERY_STRING", "")
        if query:
            match = QUERY.fullmatch(query)
            if match is None:
                return None
            name = match.group(1)
        else:
            name = segmentations.DEFAULT
        if may_hold_control(body) or not self._allowed(environ):
            return None
        snapshot = holder(self.app).current(name)
        if snapshot is None:
            return None
        try:
            num, cat = parse_inputs(orjson.loads(body), snapshot.plan, self.app.config["MAX_BATCH_ROWS"])
        except (orjson.JSONDecodeError, ValidationError):
            return None
        ids = snapshot.predictor.predict(num, cat)
        payload = wire.payload(snapshot, ids)
        observe_predictions(snapshot.segmentation, ids)
        rid = logs.request_id(environ.get("HTTP_X_REQUEST_ID", ""))
        environ[ROUTE_KEY] = PATH
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(payload))),
                ("X-Request-ID", rid),
            ],
        )
        if log.isEnabledFor(logging.INFO):
            token = logs.context_id.set(rid)
            try:
                log.info("%s %s %s %.1fms", "POST", PATH, 200, (time.perf_counter() - started) * 1000)
            finally:
                logs.context_id.reset(token)
        return [payload]
