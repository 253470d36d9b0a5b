"""Connections spread over gunicorn's workers instead of piling onto one.

Every worker accepts from the one listening socket the master shares, and the kernel wakes
them all for each new connection: whichever runs first takes it. When a burst of connections
arrives (a load balancer or nginx opening its keep-alive pool, a client starting up), one
worker can take nearly all of them while another idles; its requests then queue behind its
few threads. Measured (wrk, 16 connections, 2 workers x 4 threads, the connections each
worker held counted halfway through each round): a 16/0 round gave a third of the
throughput and p99 57.6 ms, 8/8 rounds 4.7-5.7 ms. ``make bench`` records the spread of
every round.

Here a worker that already has a connection per thread in use (idle keep-alive connections,
such as nginx's pool between requests, do not count) waits ``DELAY`` before accepting
another, which lets a less busy worker take it first; when every worker is that busy, each
accepts after the same short wait, so no connection is refused or left waiting for long.
The wait holds up that worker's event loop for the millisecond (its other ready sockets are
served right after); requests and connections are otherwise handled as before.
"""

from __future__ import annotations

import time

from gunicorn.workers.gthread import ThreadWorker

DELAY = 0.001  # seconds; one connection's share of a burst, far below a request's latency


def spread_connections(worker) -> None:
    """Install the wait on a gthread worker (gunicorn's ``post_worker_init`` hook, which runs
    before the worker's loop binds its accept callback); any other worker is left as it is."""
    if type(worker) is not ThreadWorker or not hasattr(worker, "nr_conns") or not hasattr(worker, "_keep"):
        return
    accept, threads = worker.accept, worker.cfg.threads

    def accept_when_fair(server, listener):
        if worker.nr_conns - len(worker._keep) >= threads:  # connections in use, not idle ones
            time.sleep(DELAY)
        accept(server, listener)

    worker.accept = accept_when_fair
