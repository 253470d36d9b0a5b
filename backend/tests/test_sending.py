"""A small response goes out in one system call (``segmentation/web/sending.py``), with
exactly the bytes gunicorn's own Response would send. Real gunicorn request parsing and
Response classes on a real socket pair, driven as gunicorn's gthread worker drives them."""

from __future__ import annotations

import socket

import pytest
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.parser import RequestParser

from segmentation.web import sending
from segmentation.web.sending import SMALL, OneSendResponse

STOCK = wsgi.Response


class Counted(socket.socket):
    """A socket that counts its ``sendall`` calls."""

    sends = 0

    def sendall(self, data, *args):
        self.sends += 1
        return super().sendall(data, *args)


def app_of(status: str, headers: list[tuple[str, str]], pieces: list[bytes]):
    def app(environ, start_response):
        start_response(status, headers)
        return pieces

    return app


def served(response_class, app, request: bytes = b"GET /x HTTP/1.1\r\nHost: h\r\n\r\n") -> tuple[bytes, int]:
    """What the client receives for ``request``, and the server side's sendall calls."""
    a, b = socket.socketpair()
    server = Counted(fileno=a.detach())
    try:
        cfg = Config()
        b.sendall(request)
        req = next(RequestParser(cfg, server, ("127.0.0.1", 9)))
        wsgi.Response = response_class  # as gunicorn's wsgi.create finds it
        try:
            resp, environ = wsgi.create(req, server, ("127.0.0.1", 9), ("127.0.0.1", 80), cfg)
        finally:
            wsgi.Response = STOCK
        for piece in app(environ, resp.start_response):  # gthread's handle_request
            resp.write(piece)
        resp.close()
        server.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := b.recv(1 << 20):
            received += chunk
        return received, server.sends
    finally:
        server.close()
        b.close()


def body(n: int) -> bytes:
    return bytes(range(256)) * (n // 256) + b"x" * (n % 256)


CASES = {  # (status, headers, body pieces, request)
    "a small JSON answer": (
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", "11")],
        [b'{"a": [1]}\n'],
        None,
    ),
    "a body longer than its Content-Length": ("200 OK", [("Content-Length", "3")], [b"abcdef"], None),
    "an empty body": ("204 No Content", [], [b""], None),
    "no body piece at all": ("304 Not Modified", [("Content-Length", "0")], [], None),
    "a HEAD answer": ("200 OK", [("Content-Length", "5")], [b""], b"HEAD /x HTTP/1.1\r\nHost: h\r\n\r\n"),
    "chunked (no length, HTTP/1.1)": ("200 OK", [("Content-Type", "text/csv")], [b"a,b\n", b"1,2\n"], None),
    "several pieces": ("200 OK", [("Content-Length", "8")], [b"abcd", b"efgh"], None),
    "a piece above SMALL": ("200 OK", [("Content-Length", str(SMALL + 1))], [body(SMALL + 1)], None),
    "HTTP/1.0 without a length": ("200 OK", [], [b"abc"], b"GET /x HTTP/1.0\r\n\r\n"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_client_receives_what_gunicorn_alone_sends(case):
    status, headers, pieces, request = CASES[case]
    app = app_of(status, headers, pieces)
    args = (request,) if request else ()
    stock, _ = served(STOCK, app, *args)
    ours, _ = served(OneSendResponse, app, *args)
    # the Date header can tick over between the two; everything else is byte for byte
    strip = lambda raw: b"\r\n".join(line for line in raw.split(b"\r\n") if not line.startswith(b"Date: "))  # noqa: E731
    assert strip(ours) == strip(stock)
    assert stock.startswith(b"HTTP/1.")


def test_a_small_answer_takes_one_send_instead_of_two():
    status, headers, pieces, _ = CASES["a small JSON answer"]
    app = app_of(status, headers, pieces)
    assert served(STOCK, app)[1] == 2  # headers, then the body
    assert served(OneSendResponse, app)[1] == 1
    # a piece above SMALL, and chunked pieces, are sent as gunicorn sends them
    for name in ("a piece above SMALL", "chunked (no length, HTTP/1.1)", "several pieces"):
        status, headers, pieces, _ = CASES[name]
        app = app_of(status, headers, pieces)
        stock_sends = served(STOCK, app)[1]
        assert served(OneSendResponse, app)[1] == stock_sends - (name == "several pieces"), name


def test_send_once_installs_the_response_for_gunicorn_23_only(monkeypatch):
    monkeypatch.setattr(wsgi, "Response", STOCK)
    monkeypatch.setattr(sending.gunicorn, "version_info", (24, 0, 0))
    assert not sending.send_once()
    assert wsgi.Response is STOCK
    monkeypatch.setattr(sending.gunicorn, "version_info", (23, 0, 0))
    assert sending.send_once()
    assert wsgi.Response is OneSendResponse


def test_the_service_gunicorn_settings_install_it_in_every_worker(monkeypatch):
    """gunicorn.conf.py's post_worker_init (shared by the benchmark's reference apps)."""
    import os
    import runpy
    from pathlib import Path

    monkeypatch.setattr(wsgi, "Response", STOCK)
    monkeypatch.delenv("METRICS_BIND", raising=False)  # no metrics folder touched here
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        monkeypatch.setenv(name, os.environ.get(name, "1"))  # the settings set these: restored after
    settings = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))
    settings["post_worker_init"](object())  # not a gthread worker: only the accept wait is skipped
    assert wsgi.Response is OneSendResponse


def test_a_failed_send_leaves_the_response_as_unsent_as_gunicorns_does():
    """The client has gone: the write fails, and the response does not claim that its
    headers or any of its body went (gunicorn's access log and error handling read these)."""
    for response_class in (STOCK, OneSendResponse):
        a, b = socket.socketpair()
        cfg = Config()
        b.sendall(b"GET /x HTTP/1.1\r\nHost: h\r\n\r\n")
        req = next(RequestParser(cfg, a, ("127.0.0.1", 9)))
        wsgi.Response = response_class
        try:
            resp, environ = wsgi.create(req, a, ("127.0.0.1", 9), ("127.0.0.1", 80), cfg)
        finally:
            wsgi.Response = STOCK
        resp.start_response("200 OK", [("Content-Length", "5")])
        b.close()
        with pytest.raises(OSError):
            resp.write(b"hello")
        assert (resp.headers_sent, resp.sent) == (False, 0), response_class
        a.close()
