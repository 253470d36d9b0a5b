"""Faults with real processes: the database goes away and comes back; a web worker dies."""

from __future__ import annotations

import os
import signal
import threading
import time
import warnings
from pathlib import Path

import psutil
import pytest
from conftest import close, make_app, migrate
from procs import Stack

PROFILE = {
    "Utilities": 180,
    "Groceries": 0,
    "Transport": 0,
    "Dining": 0,
    "Entertainment": 0,
    "OnlineShopping": 0,
    "Travel": 0,
    "Healthcare": 0,
}
PREDICT = "/api/v1/segmentation/predict-segment"
CUSTOMER = {"customer_id": 9_100_001, "age": 30, "spending": {k: 10 for k in PROFILE}}


@pytest.fixture
def own_database(tmp_path):
    """A PostgreSQL server of this test's own, so it can be stopped and started."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
        from pgserver._commands import pg_ctl
    base = Path(f"/tmp/segfault-{os.getpid()}")
    base.mkdir(exist_ok=True)
    server = pgserver.get_server(base / "pg", cleanup_mode="delete")
    url = server.get_uri()
    app = make_app(url, tmp_path)
    migrate(app)
    with app.app_context():
        from segmentation.auth import create_api_key
        from segmentation.core.extensions import db
        from segmentation.data.seeding import seed_demo
        from segmentation.training.service import create_run, execute_run

        seed_demo(2000, seed=3)
        assert execute_run(create_run({}, trigger="cli").id).status == "succeeded"
        key = create_api_key("faults", "admin")[1]
        db.session.commit()
    close(app)

    def stop():
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=base / "pg", user=server.system_user)

    def start():
        pg_ctl(
            ["-w", "-o", '-h ""', "-o", f"-k {base / 'pg'}", "-l", str(base / "pg" / "log"), "start"],
            pgdata=base / "pg",
            user=server.system_user,
        )

    yield url, key, stop, start
    server.cleanup()


def test_database_outage_predicts_on_and_recovers_without_restart(own_database, tmp_path):
    url, key, stop_db, start_db = own_database
    stack = Stack(url, tmp_path, web_workers=2, api_key=key)
    try:
        stack.start_web()
        assert stack.post("/api/v1/customers", CUSTOMER).status_code == 201
        stop_db()
        ready = stack.get("/ready")
        assert ready.status_code == 503 and "database" in ready.json()["message"]
        assert ready.json()["reason"] == "database_unavailable"
        for _ in range(20):
            answer = stack.post(PREDICT, [PROFILE])
            assert answer.status_code == 200 and answer.json()["model_version"] == 1
        write = stack.post("/api/v1/customers", {**CUSTOMER, "customer_id": 9_100_002})
        assert write.status_code == 503
        assert write.json()["message"].startswith("The database is unavailable; nothing was changed.")
        assert write.headers["Retry-After"] == "5" and write.json()["reason"] == "database_unavailable"
        assert stack.post("/api/v1/segmentation/trigger-training", {}).status_code == 503
        start_db()
        deadline = time.monotonic() + 15
        while stack.get("/ready").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert stack.get("/ready").status_code == 200
        assert stack.post("/api/v1/customers", {**CUSTOMER, "customer_id": 9_100_002}).status_code == 201
        assert stack.get("/api/v1/customers/9100001").status_code == 200
    finally:
        stack.stop()


def test_killed_web_worker_fails_no_request_to_the_others(trained_database_url, trained_template, tmp_path):
    import shutil

    shutil.copytree(trained_template[1], tmp_path / "models")
    stack = Stack(trained_database_url, tmp_path, web_workers=3)
    try:
        stack.start_web()
        workers = psutil.Process(stack.gunicorn.pid).children()
        assert len(workers) == 3
        failures, done, stop = [], [], threading.Event()

        def hammer():
            while not stop.is_set():
                started = time.monotonic()
                try:
                    r = stack.post(PREDICT, [PROFILE], timeout=10)
                    (done if r.status_code == 200 else failures).append((started, r.status_code))
                except Exception as exc:
                    failures.append((started, repr(exc)))

        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        killed_at = time.monotonic()
        os.kill(workers[0].pid, signal.SIGKILL)
        time.sleep(2.0)
        stop.set()
        for t in threads:
            t.join()
        # only requests already inside the killed worker may fail (at most one per client
        # thread); every request started after the kill is served by the others
        assert len(failures) <= len(threads)
        assert all(started < killed_at for started, _ in failures), failures
        assert len([d for d in done if d[0] > killed_at]) > 20
        # the master replaced the dead worker
        assert len(psutil.Process(stack.gunicorn.pid).children()) == 3
    finally:
        stack.stop()
