"""/metrics of a real multi-worker gunicorn and of the queue worker, after predictions, a
training run and the worker's scheduled drift check; metrics never on the API's own port."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time

import psutil
import pytest
import requests
from procs import Stack, free_port
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text
from test_processes import PREDICT, PROFILE, versions_served

pytestmark = pytest.mark.slow
WORKERS = 3


@pytest.fixture
def stack(trained_database_url, trained_template, tmp_path):
    shutil.copytree(trained_template[1], tmp_path / "models")
    web, worker = free_port(), free_port()
    s = Stack(
        trained_database_url,
        tmp_path,
        web_workers=WORKERS,
        METRICS_BIND=f"127.0.0.1:{web}",
        WORKER_METRICS_BIND=f"127.0.0.1:{worker}",
        DRIFT_SCHEDULE="* * * * * */3",  # every 3 seconds: the periodic job runs in the worker
        LOG_FORMAT="json",
    )
    s.web_metrics = f"http://127.0.0.1:{web}/metrics"
    s.worker_metrics = f"http://127.0.0.1:{worker}/metrics"
    yield s
    s.stop()


def scrape(url: str) -> dict[str, list]:
    """metric family name -> samples (name, labels, value)."""
    body = requests.get(url, timeout=10).text
    return {f.name: f.samples for f in text_string_to_metric_families(body)}


def value(samples, name: str, **labels) -> float:
    return sum(
        s.value for s in samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


def wait_for(check, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def test_metrics_of_every_web_worker_and_of_the_queue_worker(stack, trained_database_url, tmp_path):
    stack.start_web()
    stack.start_worker()
    endpoint = "/api/v1/segmentation/predict-segment"
    for _ in range(30):
        assert stack.post(PREDICT, [PROFILE, PROFILE]).status_code == 200
    assert requests.get(f"{stack.url}/api/v1/segmentation/segments", timeout=5).status_code == 401
    # metrics are not served on the API port (which nginx proxies), only on their own
    assert requests.get(f"{stack.url}/metrics", timeout=5).status_code == 404

    web = scrape(stack.web_metrics)
    requests_total = web["segmentation_http_requests"]
    assert (
        value(
            requests_total, "segmentation_http_requests_total", method="POST", endpoint=endpoint, status="200"
        )
        == 30
    )
    latency = web["segmentation_http_request_duration_seconds"]
    assert (
        value(latency, "segmentation_http_request_duration_seconds_count", endpoint=endpoint, status="200")
        == 30
    )
    buckets = [s for s in latency if s.name.endswith("_bucket") and s.labels["endpoint"] == endpoint]
    assert {s.labels["le"] for s in buckets} >= {"0.005", "0.1", "+Inf"}
    assert value(buckets, "segmentation_http_request_duration_seconds_bucket", le="+Inf") == 30
    assert (
        value(web["segmentation_predictions"], "segmentation_predictions_total", segmentation="lifestyle")
        == 60
    )
    assert {s.labels["segment"] for s in web["segmentation_predictions"]} <= {str(i) for i in range(1, 51)}
    batches = web["segmentation_prediction_batch_size"]
    assert value(batches, "segmentation_prediction_batch_size_count", segmentation="lifestyle") == 30
    assert value(batches, "segmentation_prediction_batch_size_sum", segmentation="lifestyle") == 60
    assert (
        value(web["segmentation_auth_failures"], "segmentation_auth_failures_total", reason="unauthenticated")
        == 1
    )
    served = web["segmentation_model_version_served"]
    assert len({s.labels["pid"] for s in served}) == WORKERS and {s.value for s in served} == {1}

    # a training run in the worker: its outcome and duration, and every web worker serves v2
    job = stack.post("/api/v1/segmentation/trigger-training", {}).json()
    assert stack.wait_job(job["id"])[-1]["status"] == "succeeded"
    assert wait_for(lambda: versions_served(stack, 30) == {2})
    served = wait_for(
        lambda: [s for s in scrape(stack.web_metrics)["segmentation_model_version_served"] if s.value == 2]
    )
    assert len({s.labels["pid"] for s in served}) == WORKERS

    worker = scrape(stack.worker_metrics)
    runs = worker["segmentation_training_runs"]
    assert value(runs, "segmentation_training_runs_total", segmentation="lifestyle", outcome="succeeded") == 1
    duration = worker["segmentation_training_duration_seconds"]
    assert value(duration, "segmentation_training_duration_seconds_count", outcome="succeeded") == 1
    assert value(duration, "segmentation_training_duration_seconds_sum", outcome="succeeded") > 0
    assert value(worker["segmentation_model_version_active"], "segmentation_model_version_active") == 2
    assert (
        value(
            worker["segmentation_model_activated_timestamp_seconds"],
            "segmentation_model_activated_timestamp_seconds",
        )
        > 0
    )
    assert {s.labels["status"] for s in worker["segmentation_queue_jobs"]} >= {"todo", "doing"}
    assert value(worker["segmentation_database_up"], "segmentation_database_up") == 1

    # the scheduled drift check ran in the worker: history in the database, gauges at scrape time
    def drift_gauges():
        families = scrape(stack.worker_metrics)
        return (
            families if "segmentation_drift_psi" in families and families["segmentation_drift_psi"] else None
        )

    worker = wait_for(drift_gauges)
    assert worker, "the scheduled drift check did not run"
    features = {s.labels["feature"] for s in worker["segmentation_drift_psi"]}
    assert {"Travel", "Groceries"} <= features
    assert (
        value(worker["segmentation_drift_checks"], "segmentation_drift_checks_total", outcome="succeeded")
        >= 1
    )
    engine = create_engine(trained_database_url)
    try:
        with engine.connect() as conn:
            triggers = conn.execute(text("SELECT DISTINCT trigger FROM drift_checks")).scalars().all()
    finally:
        engine.dispose()
    assert triggers == ["schedule"]
    history = stack.get("/api/v1/monitoring/drift-checks").json()["items"]
    assert history and history[-1]["trigger"] == "schedule"

    # a web worker that exits is marked dead: its "served" series disappears with it
    master = psutil.Process(stack.gunicorn.pid)
    victim = master.children()[0].pid
    os.kill(victim, signal.SIGTERM)

    def replaced():
        pids = {p.pid for p in master.children()}
        if victim in pids or len(pids) < WORKERS:
            return None
        versions_served(stack, 30)
        series = {
            int(s.labels["pid"]) for s in scrape(stack.web_metrics)["segmentation_model_version_served"]
        }
        return series if series == pids else None

    assert wait_for(replaced), "the exited worker's gauges are still exported"
    # counters of the exited worker are kept (multiprocess mode sums the files of dead workers)
    after = scrape(stack.web_metrics)["segmentation_http_requests"]
    assert (
        value(after, "segmentation_http_requests_total", method="POST", endpoint=endpoint, status="200") >= 30
    )

    # LOG_FORMAT=json: gunicorn's and the app's lines are one JSON object each, with the request id
    lines = (tmp_path / "logs" / "gunicorn.log").read_text().splitlines()
    events = [json.loads(line) for line in lines]
    assert {e["logger"] for e in events} >= {
        "gunicorn.error",
        "segmentation.http",
        "segmentation.predict.serving",
    }
    requests_logged = [e for e in events if e["logger"] == "segmentation.http"]
    assert requests_logged and all(len(e["id"]) == 32 for e in requests_logged)  # a request id each
    assert "320.50" not in "".join(lines)  # no customer data (the profiles' values)
