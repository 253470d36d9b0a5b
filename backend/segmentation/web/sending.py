"""A small response's headers and body sent to the client in one system call.

gunicorn (23) writes a response's status line and headers with one ``sendall`` and then each
piece of the body with another: two system calls, and with TCP_NODELAY (gunicorn sets it) two
packets, for every answer of a few hundred bytes, which is most of this service's answers
(one profile's prediction, a segment, a health check). On this 2-core machine the send is the
largest single cost of such a request in a worker's profile (about a third of its samples).
Measured with a scratch harness (``wrk -t2 -c16``, 2 workers x 4 threads, 6 interleaved
rounds of 4 s): our predict-segment 7,775 -> 8,511 requests/s (+8.6 %), the constant-body
Flask app 8,364 -> 9,019 (+7.8 %). ``make bench`` has the figures of record.

Here, when the first piece of a body is written and the headers have not gone yet, gunicorn's
own ``Response.write`` runs against a buffer instead of the socket (so the status line,
headers, the length check and the truncation past Content-Length are exactly gunicorn's), and
what it wrote is sent with one ``sendall``. Only for a body piece of at most ``SMALL`` bytes
on a response that is not chunked; every other write, and ``sendfile``, is gunicorn's as it
was. Installed per worker by the ``post_worker_init`` hook (gunicorn.conf.py), so the
benchmark's reference apps, which share that hook, get it too.
"""

from __future__ import annotations

import gunicorn
from gunicorn.http import wsgi

SMALL = 64 * 1024  # bytes: above this a copy of the body costs more than the saved call


class _Written:
    """Stands in for the socket while gunicorn writes the headers and the first body piece."""

    def __init__(self):
        self.pieces: list[bytes] = []

    def sendall(self, data: bytes) -> None:
        self.pieces.append(data)


class OneSendResponse(wsgi.Response):
    """gunicorn's Response, with the headers and a small first body piece sent together."""

    def write(self, arg):
        if self.headers_sent or self.chunked or type(arg) is not bytes or len(arg) > SMALL:
            return super().write(arg)
        sent = self.sent
        sock, self.sock = self.sock, _Written()
        try:
            super().write(arg)
            written = self.sock.pieces
        finally:
            self.sock = sock
        try:
            sock.sendall(b"".join(written))
        except BaseException:  # nothing known to have gone: as gunicorn leaves a failed first write
            self.headers_sent, self.sent = False, sent
            raise


def send_once() -> bool:
    """Make gunicorn build every worker response as :class:`OneSendResponse` (gunicorn 23,
    whose ``Response.write`` writes through ``util.write`` to ``sock.sendall``; another
    version is left as it is). Returns whether it was installed."""
    if gunicorn.version_info[0] != 23:
        return False
    wsgi.Response = OneSendResponse
    return True
