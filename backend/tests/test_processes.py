"""Retraining with real processes: gunicorn with four workers, the queue worker, PostgreSQL."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from procs import Stack
from sqlalchemy import create_engine, text

PROFILE = {
    "Utilities": "500",
    "Groceries": "320.50",
    "Transport": 0,
    "Dining": 0,
    "Entertainment": 0,
    "OnlineShopping": 0,
    "Travel": 0,
    "Healthcare": 0,
}
PREDICT = "/api/v1/segmentation/predict-segment"


@pytest.fixture
def stack(trained_database_url, trained_template, tmp_path, request):
    import shutil

    shutil.copytree(trained_template[1], tmp_path / "models")
    env = getattr(request, "param", {})
    s = Stack(trained_database_url, tmp_path, **env)
    yield s
    s.stop()


def versions_served(stack: Stack, calls: int) -> set[int]:
    return {stack.post(PREDICT, [PROFILE]).json()["model_version"] for _ in range(calls)}


def query(url: str, sql: str, **params):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def test_trigger_trains_in_worker_and_every_web_worker_serves_it(stack, trained_database_url):
    stack.start_web()
    stack.start_worker()
    assert versions_served(stack, 20) == {1}
    engine = create_engine(trained_database_url)
    with engine.begin() as conn:  # two more deltas of the kept customer count: +1, then -1
        conn.execute(text("INSERT INTO customers (external_id) VALUES ('count-probe')"))
        conn.execute(text("DELETE FROM customers WHERE external_id = 'count-probe'"))
    engine.dispose()
    assert len(query(trained_database_url, "SELECT n FROM customer_counts")) == 3
    response = stack.post("/api/v1/segmentation/trigger-training", {})
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert stack.post("/api/v1/segmentation/trigger-training", {}).json()["id"] == job_id
    seen = stack.wait_job(job_id)
    final = seen[-1]
    assert final["status"] == "succeeded", final
    progress = [s["progress"] for s in seen]
    assert progress == sorted(progress) and final["progress"] == 100
    assert len({s["stage"] for s in seen if s["status"] == "running"}) >= 2
    new = final["model_version"]
    assert new == 2
    time.sleep(2.0)  # the promise: every worker serves a new version within 2 s of activation
    assert versions_served(stack, 200) == {new}
    # everyone re-segmented with the new version; the old assignments are kept
    counts = dict(
        query(trained_database_url, "SELECT model_version_id, count(*) FROM segment_assignments GROUP BY 1")
    )
    assert counts == {1: 6000, 2: 6000}
    # the worker folded the customer count's deltas after the job
    assert query(trained_database_url, "SELECT n FROM customer_counts") == [(6000,)]


def test_activation_under_load_loses_no_request(stack):
    stack.start_web()
    stack.start_worker()
    job = stack.post("/api/v1/segmentation/trigger-training", {}).json()
    assert stack.wait_job(job["id"])[-1]["status"] == "succeeded"
    time.sleep(2.0)
    failures, answers, stop = [], [], threading.Event()

    def hammer():
        while not stop.is_set():
            try:
                r = stack.post(PREDICT, [PROFILE], timeout=5)
                if r.status_code != 200:
                    failures.append(r.status_code)
                else:
                    answers.append(r.json()["model_version"])
            except Exception as exc:  # connection refused/reset would be a lost request
                failures.append(repr(exc))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    rollback = stack.post("/api/v1/segmentation/models/1/activate")
    assert rollback.status_code == 200
    time.sleep(3.0)
    stop.set()
    for t in threads:
        t.join()
    assert failures == []
    assert 2 in answers and answers[-1] == 1
    assert versions_served(stack, 200) == {1}


def test_worker_killed_mid_training_keeps_the_active_model(stack, trained_database_url):
    stack.env["RUN_STALE_SECONDS"] = "2"
    stack.env["KSELECT_SAMPLE"] = "6000"
    stack.env["MAX_CLUSTERS"] = "20"  # a long k scan, so there is time to kill it
    stack.start_web()
    stack.start_worker()
    job_id = stack.post("/api/v1/segmentation/trigger-training", {}).json()["id"]
    seen = stack.wait_job(job_id, until=("running",))
    while seen[-1]["stage"] != "selecting k":
        seen = stack.wait_job(job_id, until=("running",))
    stack.kill_worker()
    assert versions_served(stack, 20) == {1}
    time.sleep(2.5)
    stack.start_worker()  # a worker coming back marks the dead run failed
    final = stack.wait_job(job_id, until=("failed", "succeeded"), timeout=30)[-1]
    assert final["status"] == "failed" and "worker stopped" in final["error"]
    assert versions_served(stack, 40) == {1}
    active = query(trained_database_url, "SELECT id FROM model_versions WHERE is_active")
    assert active == [(1,)]
    models = Path(stack.env["MODEL_DIR"])
    assert not list(models.glob(".*.tmp"))
    # and the queue works again
    again = stack.post("/api/v1/segmentation/trigger-training", {"k": 5})
    assert again.status_code == 202


@pytest.mark.parametrize("stack", [{"MIN_SEGMENT_SHARE": "0.6"}], indirect=True)
def test_rejected_training_keeps_the_previous_model_serving(stack):
    stack.start_web()
    stack.start_worker()
    job_id = stack.post("/api/v1/segmentation/trigger-training", {}).json()["id"]
    final = stack.wait_job(job_id)[-1]
    assert final["status"] == "rejected" and "smallest segment" in final["error"]
    time.sleep(1.0)
    assert versions_served(stack, 40) == {1}
    models = stack.get("/api/v1/segmentation/models").json()["items"]
    assert [(m["version"], m["status"]) for m in models] == [(2, "rejected"), (1, "active")]
