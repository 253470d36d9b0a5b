"""The two metrics endpoints, each on a port of its own (never behind the public nginx).

* gunicorn's master serves the web workers' metrics, summed from the multiprocess folder
  (``serve_web``, from ``gunicorn.conf.py``'s ``when_ready``); the master holds no app.
* the queue worker serves its own counters plus gauges read from the database at scrape
  time (``serve_worker``): queue depth, the active model of each segmentation and when it
  was activated, and the latest drift check. Read at scrape time, they stay right across
  worker restarts.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import text

log = logging.getLogger(__name__)


def split_bind(bind: str) -> tuple[str, int]:
    host, _, port = bind.rpartition(":")
    return host or "0.0.0.0", int(port)


def serve_web(bind: str):
    """Serve the sum of every web worker's metrics on ``bind`` (gunicorn master)."""
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    host, port = split_bind(bind)
    return start_http_server(port, addr=host, registry=registry)


def serve_worker(app: Flask, bind: str):
    """Serve the queue worker's metrics and the database gauges on ``bind``."""
    from prometheus_client import REGISTRY, start_http_server

    REGISTRY.register(DatabaseCollector(app))
    host, port = split_bind(bind)
    result = start_http_server(port, addr=host, registry=REGISTRY)
    log.info("worker metrics on http://%s:%s/metrics", host, port)
    return result


QUEUE_DEPTH = text(
    "SELECT queue_name, status::text, count(*) FROM procrastinate_jobs "
    "WHERE status IN ('todo', 'doing') GROUP BY 1, 2"
)
ACTIVE = text(
    "SELECT s.name, mv.id, extract(epoch FROM mv.activated_at) FROM model_versions mv "
    "JOIN segmentations s ON s.id = mv.segmentation_id WHERE mv.is_active"
)
LATEST_DRIFT = text(
    "SELECT DISTINCT ON (d.segmentation_id) s.name, d.max_psi, d.segment_psi, d.threshold, d.features, "
    "extract(epoch FROM d.checked_at) FROM drift_checks d JOIN segmentations s ON s.id = d.segmentation_id "
    "ORDER BY d.segmentation_id, d.checked_at DESC, d.id DESC"
)


class DatabaseCollector:
    """Gauges computed from PostgreSQL when Prometheus scrapes the worker."""

    def __init__(self, app: Flask):
        self.app = app

    def describe(self):
        return []  # collected lazily: registering must not query the database

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        from ..core.extensions import db

        up = GaugeMetricFamily(
            "segmentation_database_up", "1 when the worker's metrics could read the database"
        )
        families = []
        try:
            with self.app.app_context():
                families = list(self._families(db.session))
            up.add_metric([], 1)
        except Exception as exc:  # the database is down: say so, keep the process counters
            log.warning("metrics: database gauges unavailable (%s)", type(exc).__name__)
            up.add_metric([], 0)
        yield up
        yield from families

    def _families(self, session):
        from prometheus_client.core import GaugeMetricFamily

        depth = GaugeMetricFamily(
            "segmentation_queue_jobs",
            "Jobs waiting (todo) or running (doing) in the queue",
            labels=["queue", "status"],
        )
        for queue, status, n in session.execute(QUEUE_DEPTH):
            depth.add_metric([queue, status], n)
        for status in ("todo", "doing"):  # a 0 series too, so alerts and graphs see an empty queue
            if not any(s.labels == {"queue": "training", "status": status} for s in depth.samples):
                depth.add_metric(["training", status], 0)
        yield depth

        version = GaugeMetricFamily(
            "segmentation_model_version_active",
            "The active model version of a segmentation",
            labels=["segmentation"],
        )
        activated = GaugeMetricFamily(
            "segmentation_model_activated_timestamp_seconds",
            "When the active model version was activated (Unix time)",
            labels=["segmentation"],
        )
        for name, vid, at in session.execute(ACTIVE):
            version.add_metric([name], vid)
            if at is not None:
                activated.add_metric([name], float(at))
        yield version
        yield activated

        psi = GaugeMetricFamily(
            "segmentation_drift_psi",
            "PSI of a feature in the latest drift check",
            labels=["segmentation", "feature"],
        )
        worst = GaugeMetricFamily(
            "segmentation_drift_max_psi",
            "Largest PSI (features and segment shares) in the latest drift check",
            labels=["segmentation"],
        )
        shares = GaugeMetricFamily(
            "segmentation_drift_segment_psi",
            "PSI of the segment shares in the latest drift check",
            labels=["segmentation"],
        )
        threshold = GaugeMetricFamily(
            "segmentation_drift_threshold",
            "DRIFT_THRESHOLD of the latest drift check",
            labels=["segmentation"],
        )
        checked = GaugeMetricFamily(
            "segmentation_drift_checked_timestamp_seconds",
            "When the latest drift check ran (Unix time)",
            labels=["segmentation"],
        )
        for name, max_psi, segment_psi, limit, features, at in session.execute(LATEST_DRIFT):
            worst.add_metric([name], max_psi)
            threshold.add_metric([name], limit)
            shares.add_metric([name], segment_psi)
            checked.add_metric([name], float(at))
            for f in features:
                psi.add_metric([name, f["feature"]], f["psi"])
        yield from (psi, worst, shares, threshold, checked)
