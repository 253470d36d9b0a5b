"""The Prometheus metrics the service exports, and the few calls that record them.

Web workers run under gunicorn in multiprocess mode: ``gunicorn.conf.py`` points
``PROMETHEUS_MULTIPROC_DIR`` at an empty folder before any worker imports this module, every
worker writes its values to memory-mapped files there, and the master serves the sum on
METRICS_BIND (never through nginx). The queue worker keeps its values in memory and serves
them on WORKER_METRICS_BIND (``exporter.py``).

The metric objects are module-level, as prometheus_client expects: they are process-wide
counters, not application state. Every label value is bounded: a route template (never a
raw path), an HTTP method from a fixed list, a status code, a segmentation name, a segment
id, an outcome from a fixed list. No customer id, key or value is ever a label.
"""

from __future__ import annotations

import time

import numpy as np
from prometheus_client import Counter, Gauge, Histogram

PREFIX = "segmentation_"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# seconds: the predict path answers in about a millisecond; imports and exports take longer
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BATCH_BUCKETS = (1, 2, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000)
TRAINING_BUCKETS = (1, 5, 10, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200)

# -- web workers -------------------------------------------------------------------------
http_requests = Counter(
    PREFIX + "http_requests",
    "HTTP requests answered, by route template and status",
    ["method", "endpoint", "status"],
)
http_latency = Histogram(
    PREFIX + "http_request_duration_seconds",
    "Time from the first request hook to the response, by route template and status",
    ["method", "endpoint", "status"],
    buckets=LATENCY_BUCKETS,
)
auth_failures = Counter(
    PREFIX + "auth_failures",
    "Requests refused for missing/invalid credentials (401) or role (403)",
    ["endpoint", "reason"],
)
rate_limited = Counter(PREFIX + "rate_limit_refusals", "Requests refused by a rate limit (429)", ["endpoint"])
predictions = Counter(
    PREFIX + "predictions",
    "Profiles or customers given a segment, by segmentation and segment",
    ["segmentation", "segment"],
)
batch_size = Histogram(
    PREFIX + "prediction_batch_size",
    "Profiles or customers per predict request",
    ["segmentation"],
    buckets=BATCH_BUCKETS,
)
# one series per live worker (pid label): a worker that has not swapped in the new model shows here
model_served = Gauge(
    PREFIX + "model_version_served",
    "Model version this worker serves",
    ["segmentation"],
    multiprocess_mode="liveall",
)
model_loaded = Gauge(
    PREFIX + "model_loaded_timestamp_seconds",
    "When this worker started serving its current model version (Unix time)",
    ["segmentation"],
    multiprocess_mode="liveall",
)

# -- queue worker ------------------------------------------------------------------------
OUTCOMES = ("succeeded", "failed", "rejected")
training_runs = Counter(
    PREFIX + "training_runs", "Training runs finished, by outcome", ["segmentation", "outcome"]
)
training_duration = Histogram(
    PREFIX + "training_duration_seconds",
    "Training run time from start to end state, by outcome",
    ["segmentation", "outcome"],
    buckets=TRAINING_BUCKETS,
)
import_rows = Counter(
    PREFIX + "import_rows",
    "Customer rows read by imports: imported, updated, unchanged, rejected",
    ["outcome"],
)
imports_finished = Counter(PREFIX + "imports", "Customer imports finished, by outcome", ["outcome"])
drift_checks = Counter(PREFIX + "drift_checks", "Drift checks run, by outcome", ["segmentation", "outcome"])


# label values -> metric children, so a request pays for two dictionary lookups and the
# value writes, not for prometheus_client's label handling (bounded like the labels are)
_request_children: dict[tuple, tuple] = {}
_prediction_children: dict[tuple, object] = {}


def observe_request(method: str, endpoint: str, status: int, seconds: float) -> None:
    """One answered request (the request hook calls this)."""
    if method not in METHODS:  # the client names the method: bounded before it is a key
        method = "OTHER"
    key = (method, endpoint, status)
    children = _request_children.get(key)
    if children is None:
        children = _request_children[key] = _children_for(method, endpoint, status)
    count, latency = children
    count.inc()
    latency.observe(seconds)


def _children_for(method: str, endpoint: str, status: int) -> tuple:
    code = str(status)
    count = http_requests.labels(method, endpoint, code)
    if status == 401 or status == 403:
        reason = "unauthenticated" if status == 401 else "forbidden"
        count = _Both(count, auth_failures.labels(endpoint, reason))
    elif status == 429:
        count = _Both(count, rate_limited.labels(endpoint))
    return count, http_latency.labels(method, endpoint, code)


class _Both:
    """Two counters one request increments (a request count and a refusal count)."""

    def __init__(self, *counters):
        self.counters = counters

    def inc(self) -> None:
        for c in self.counters:
            c.inc()


def observe_predictions(segmentation: str, segment_ids) -> None:
    """Segments given by one predict request: counted per segment, and the batch size."""
    _prediction_child(batch_size, segmentation, None).observe(len(segment_ids))
    if len(segment_ids) == 1:
        _prediction_child(predictions, segmentation, int(segment_ids[0])).inc()
        return
    ids = np.asarray(segment_ids, dtype=np.int64)
    if len(ids):
        counts = np.bincount(ids)
        for segment in np.flatnonzero(counts).tolist():
            _prediction_child(predictions, segmentation, segment).inc(int(counts[segment]))


def _prediction_child(metric, segmentation: str, segment: int | None):
    key = (metric, segmentation, segment)
    child = _prediction_children.get(key)
    if child is None:
        labels = (segmentation,) if segment is None else (segmentation, str(segment))
        child = _prediction_children[key] = metric.labels(*labels)
    return child


def models_served(before: dict, after: dict) -> None:
    """This worker's snapshots changed from ``before`` to ``after`` (segmentation -> snapshot)."""
    now = time.time()
    for name, snap in after.items():
        previous = before.get(name)
        if previous is None or previous.version != snap.version:
            model_served.labels(name).set(snap.version)
            model_loaded.labels(name).set(now)
    for name in set(before) - set(after):  # a deleted segmentation
        model_served.remove(name)
        model_loaded.remove(name)


def training_finished(run) -> None:
    """A training run reached its end state (succeeded, failed or rejected)."""
    from ..core.extensions import db
    from ..segmentations.models import Segmentation

    seg = db.session.get(Segmentation, run.segmentation_id)
    name = seg.name if seg is not None else "unknown"
    outcome = run.status if run.status in OUTCOMES else "failed"
    training_runs.labels(name, outcome).inc()
    if run.started_at is not None and run.finished_at is not None:
        training_duration.labels(name, outcome).observe(
            max((run.finished_at - run.started_at).total_seconds(), 0.0)
        )


def import_finished(result) -> None:
    """An import reached its end state; its row counts by outcome."""
    imports_finished.labels("succeeded" if result.status == "succeeded" else "failed").inc()
    for outcome in ("imported", "updated", "unchanged", "rejected"):
        rows = getattr(result, outcome, 0) or 0
        if rows:
            import_rows.labels(outcome).inc(rows)
