"""predict-segment's fast path (``predict/fastpath.py``): a valid request is answered before
Flask, with the status, headers, body, log line and metrics the Flask path gives; every other
request is handed to Flask, which answers it exactly as before (the body it already read is
given back)."""

from __future__ import annotations

import logging
import shutil
import socket
import threading

import numpy as np
import orjson
import pytest
from conftest import KEYS, close, make_app
from gunicorn.http.body import Body, LengthReader
from gunicorn.http.unreader import SocketUnreader
from prometheus_client import REGISTRY

from segmentation.core import logs
from segmentation.ml.scalar import Scalar
from segmentation.predict.batch import BatchDecoder
from segmentation.predict.fastpath import PATH, FastPredict
from segmentation.predict.parsing import NEGATIVE

PROFILE = {
    "Utilities": 500,
    "Groceries": 320.5,
    "Transport": 40,
    "Dining": 85,
    "Entertainment": 30,
    "OnlineShopping": 120,
    "Travel": 0,
    "Healthcare": 25,
}
STRINGS = {k: f"{v:,.2f}" for k, v in PROFILE.items()}  # as the Java platform sends them
# batches with varied segments
BATCH = [
    dict(zip(PROFILE, map(float, row)))
    for row in np.round(np.random.default_rng(3).lognormal(4.5, 1.2, (300, 8)), 2)
]
BATCH_STRINGS = [{k: f"{v:.2f}" for k, v in row.items()} for row in BATCH]
VALID = [  # (what, body, query, headers)
    ("a bare profile", orjson.dumps(PROFILE), "", {}),
    ("a list, amounts as strings", orjson.dumps([STRINGS, PROFILE, {**PROFILE, "Travel": 900}]), "", {}),
    (
        "named segmentation, caller's id",
        orjson.dumps([PROFILE]),
        "?segmentation=lifestyle",
        {"X-Request-ID": "a-1"},
    ),
    ("charset", orjson.dumps([PROFILE]), "", {"Content-Type": "application/json; charset=utf-8"}),
    ("keys in any case", orjson.dumps([{k.lower(): v for k, v in PROFILE.items()}]), "", {}),
    ("an id that is not a token", orjson.dumps(PROFILE), "", {"X-Request-ID": "not one!"}),
    ("a batch of 300", orjson.dumps(BATCH), "", {}),
    ("a batch of 300, amounts as strings", orjson.dumps(BATCH_STRINGS), "", {}),
]
REFUSED = [  # (what, body, query, headers, key, status); None: a valid body
    ("no key", None, "", {}, None, 401),
    ("unknown key", None, "", {"Authorization": "Bearer seg_nope_nope"}, None, 401),
    ("not bearer", None, "", {"Authorization": "Basic abc"}, None, 401),
    ("bad row", b'[{"Utilities": 1}, {"Utilities": -5}]', "", {}, "viewer", 422),
    ("not JSON", b"[{", "", {}, "viewer", 400),
    ("empty body", b"", "", {}, "viewer", 422),
    ("control character", b'[{"Utilities": "1\\u0000"}]', "", {}, "viewer", 422),
    ("unknown segmentation", None, "?segmentation=nope", {}, "viewer", 404),
    ("bad name", None, "?segmentation=NO", {}, "viewer", 422),
    ("another parameter", None, "?segmentation=lifestyle&x=1", {}, "viewer", 200),
    ("not a JSON content type", None, "", {"Content-Type": "text/plain"}, "viewer", 422),
    # werkzeug strips only spaces and tabs around a Content-Type: this one is not JSON to Flask
    ("a form feed after the content type", None, "", {"Content-Type": "application/json\x0c"}, "viewer", 422),
    ("cross-origin", None, "", {"Origin": "http://elsewhere.example"}, "viewer", 200),
    ("a session cookie", None, "", {"cookie": "seg_session"}, "viewer", 200),
]


class HandedOn:
    """Counts the requests the fast path hands to Flask."""

    def __init__(self, app):
        self.layer: FastPredict = app.extensions["fast_predict"]
        self.count = 0
        inner = self.layer.wsgi_app

        def counted(environ, start_response):
            self.count += 1
            return inner(environ, start_response)

        self.layer.wsgi_app = counted

    def always(self, monkeypatch) -> None:
        """From now on every request goes straight to Flask, as before the fast path existed."""
        monkeypatch.setattr(
            FastPredict, "__call__", lambda layer, environ, start: layer.wsgi_app(environ, start)
        )


class Lines(logging.Handler):
    """The request log lines (without the duration) with the id each is tagged with."""

    def __init__(self):
        super().__init__()
        self.lines: list[tuple[str, str]] = []

    def emit(self, record):
        self.lines.append((record.getMessage().rsplit(" ", 1)[0], logs.context_id.get()))


def post(app, body, *, query="", headers=None, key="viewer", environ=None):
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if key:
        all_headers["Authorization"] = f"Bearer {KEYS[key]}"
    client = app.test_client()
    if "cookie" in all_headers:
        client.set_cookie(all_headers.pop("cookie"), "x")
    return client.post(PATH + query, data=body, headers=all_headers, environ_overrides=environ)


def http_count(status: str) -> float:
    labels = {"method": "POST", "endpoint": PATH, "status": status}
    return REGISTRY.get_sample_value("segmentation_http_requests_total", labels) or 0.0


def predicted(segment: int) -> float:
    labels = {"segmentation": "lifestyle", "segment": str(segment)}
    return REGISTRY.get_sample_value("segmentation_predictions_total", labels) or 0.0


def test_valid_requests_are_answered_before_flask_as_flask_answers_them(trained_app, monkeypatch):
    handed_on = HandedOn(trained_app)
    lines = Lines()
    logger = logging.getLogger("segmentation.http")
    logger.addHandler(lines)
    answers: dict[str, list] = {}
    try:
        for way in ("fast", "flask"):
            if way == "flask":
                assert handed_on.count == 0  # the fast path answered every valid request
                handed_on.always(monkeypatch)
            for what, body, query, headers in VALID:
                before = http_count("200")
                r = post(trained_app, body, query=query, headers=headers)
                assert r.status_code == 200, (what, r.json)
                assert http_count("200") == before + 1  # counted under the route template
                answers.setdefault(what, []).append(r)
        assert handed_on.count == len(VALID)
    finally:
        logger.removeHandler(lines)
    for what, (fast, flask) in answers.items():
        assert fast.data == flask.data, what
        assert fast.headers.getlist("X-Request-ID") and len(fast.headers) == len(flask.headers)
        assert [(k, v) for k, v in fast.headers if k != "X-Request-ID"] == [
            (k, v) for k, v in flask.headers if k != "X-Request-ID"
        ], what
        ids = fast.headers["X-Request-ID"], flask.headers["X-Request-ID"]
        if what == "named segmentation, caller's id":
            assert ids == ("a-1", "a-1")
        else:  # a new id each time (a caller's id that is not a plain token is not echoed)
            assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids) and ids[0] != ids[1]
    # one line per request, the same words either way, tagged with that request's id
    expected = [(f"POST {PATH} 200", r.headers["X-Request-ID"]) for pair in answers.values() for r in pair]
    assert sorted(lines.lines) == sorted(expected)


def test_bodies_are_decoded_into_typed_rows(trained_app, monkeypatch):
    seen = []  # (step, what it returned)
    for step in ("rows", "columns", "one"):
        original = getattr(BatchDecoder, step)
        monkeypatch.setattr(
            BatchDecoder, step, lambda *a, _f=original, _s=step: seen.append((_s, _f(*a))) or seen[-1][1]
        )
    labels = []
    label = Scalar.label
    monkeypatch.setattr(Scalar, "label", lambda *a: labels.append(label(*a)) or labels[-1])
    columns = []
    for body in (orjson.dumps(BATCH), orjson.dumps(BATCH_STRINGS)):
        seen.clear()
        r = post(trained_app, body)
        assert r.status_code == 200 and len(r.json["predictions"]) == 300
        assert len(set(r.json["predictions"])) > 1
        assert [s for s, _ in seen] == ["rows", "columns"] and seen[-1][1] is not None
        columns.append(seen[-1][1])
    np.testing.assert_array_equal(columns[0][0], columns[1][0])  # numbers and strings alike
    assert labels == []  # a batch: one vectorised pass
    for body in (orjson.dumps(PROFILE), orjson.dumps([STRINGS])):  # a bare profile, a list of one
        seen.clear()
        assert post(trained_app, body).status_code == 200
        # plain Python values, labelled in plain Python (ml/scalar.py)
        assert [s for s, _ in seen] == ["rows", "one"] and seen[-1][1] is not None
        assert labels[-1] is not None
    # a batch the decoder leaves (a name in another case) is answered by the general path
    lower = orjson.dumps([{k.lower(): v for k, v in row.items()} for row in BATCH])
    seen.clear()
    r = post(trained_app, lower)
    assert r.status_code == 200 and seen == [("rows", None)] and len(r.json["predictions"]) == 300


def test_predictions_are_counted_per_segment_on_the_fast_path(trained_app):
    handed_on = HandedOn(trained_app)
    keys = trained_app.extensions["api_keys"]
    keys.used.clear()
    segment = post(trained_app, orjson.dumps(PROFILE)).json["predictions"][0]
    before = predicted(segment)
    post(trained_app, orjson.dumps([PROFILE]))  # one profile: counted without NumPy
    assert predicted(segment) == before + 1
    post(trained_app, orjson.dumps([PROFILE, PROFILE]))
    assert predicted(segment) == before + 3
    assert handed_on.count == 0
    assert keys.used == {keys.keys[KEYS["viewer"].split("_")[1]][1].id}  # its last use gets recorded


def test_a_body_shorter_than_its_length_is_answered_by_flask(trained_app, monkeypatch):
    handed_on = HandedOn(trained_app)
    body = orjson.dumps([PROFILE])
    short = {"CONTENT_LENGTH": str(len(body) + 5)}  # the client stopped sending early
    client = trained_app.test_client()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {KEYS['viewer']}"}
    first = client.post(PATH, data=body, headers=headers, environ_overrides=short)
    assert handed_on.count == 1 and first.status_code == 400
    handed_on.always(monkeypatch)
    again = client.post(PATH, data=body, headers=headers, environ_overrides=short)
    assert (first.status_code, first.json) == (again.status_code, again.json)


@pytest.mark.parametrize("sent", ["all of it", "part of it"])
def test_a_body_received_from_gunicorns_socket(trained_app, sent):
    """What gunicorn has not read of a body is received straight from its socket into one
    buffer (a bytearray, never copied to bytes): the fast path answers it, and the bytes past
    it stay for the next request. A client that stops early: Flask is given what came (400)."""
    handed_on = HandedOn(trained_app)
    body = orjson.dumps(BATCH * 10)  # 3,000 profiles: far more than gunicorn reads with the headers
    ours, theirs = socket.socketpair()
    with ours, theirs:
        unreader = SocketUnreader(ours)
        unreader.buf.write(body[:8192])  # what gunicorn read past the headers

        def send() -> None:
            if sent == "all of it":
                theirs.sendall(body[8192:] + b"GET /next")
            else:
                theirs.sendall(body[8192 : len(body) // 2])
                theirs.shutdown(socket.SHUT_WR)  # and nothing more

        sender = threading.Thread(target=send)
        sender.start()
        stream = {"wsgi.input": Body(LengthReader(unreader, len(body))), "CONTENT_LENGTH": str(len(body))}
        r = post(trained_app, b"", environ=stream)
        sender.join()
        if sent == "part of it":
            assert (r.status_code, handed_on.count) == (400, 1)
            assert r.json["message"] == (
                f"The request body ended after fewer bytes than its Content-Length ({len(body)}) announced."
            )
            return
        assert (r.status_code, handed_on.count) == (200, 0)
        assert r.json == post(trained_app, body).json
        assert unreader.read() == b"GET /next"


def test_an_error_on_the_fast_path_is_answered_by_flask(trained_app, monkeypatch):
    from segmentation.predict import wire

    handed_on = HandedOn(trained_app)
    real, calls = wire.payload, []

    def fails_once(*args):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return real(*args)

    monkeypatch.setattr(wire, "payload", fails_once)
    r = post(trained_app, orjson.dumps(PROFILE))
    assert r.status_code == 200 and handed_on.count == 1 and len(calls) == 2


@pytest.mark.parametrize("what, body, query, headers, key, status", REFUSED, ids=[r[0] for r in REFUSED])
def test_other_requests_are_answered_by_flask(
    trained_app, monkeypatch, what, body, query, headers, key, status
):
    handed_on = HandedOn(trained_app)
    body = orjson.dumps([PROFILE]) if body is None else body
    first = post(trained_app, body, query=query, headers=headers, key=key)
    assert handed_on.count == 1 and first.status_code == status, (what, first.json)
    handed_on.always(monkeypatch)
    again = post(trained_app, body, query=query, headers=headers, key=key)
    assert (first.status_code, first.json) == (again.status_code, again.json)
    if what == "bad row":  # the body reached Flask whole: row 1's field and reason are named
        assert first.json["errors"]["json"]["1"]["Utilities"] == [NEGATIVE]
    if what == "cross-origin":
        assert first.headers.get("Access-Control-Allow-Origin") is None  # not a listed origin


def test_without_required_auth_a_caller_without_a_key_is_answered_fast(
    trained_database_url, trained_template, tmp_path
):
    shutil.copytree(trained_template[1], tmp_path / "models")
    app = make_app(trained_database_url, tmp_path, PREDICT_AUTH_REQUIRED=False)
    try:
        handed_on = HandedOn(app)
        assert post(app, orjson.dumps(PROFILE), key=None).status_code == 200
        assert handed_on.count == 0
        # a key that is sent must still be valid, as on the Flask path
        bad_key = {"Authorization": "Bearer seg_x_y"}
        assert post(app, orjson.dumps(PROFILE), key=None, headers=bad_key).status_code == 401
        assert handed_on.count == 1
    finally:
        close(app)
