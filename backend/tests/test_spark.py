"""The Spark training engine with real processes: gunicorn, the queue worker running
TRAINING_ENGINE=spark on SPARK_MASTER=local[2], PostgreSQL, 60,000 generated customers.

Skipped (with the reason) when Java is absent; ``make test-backend`` installs the ``spark``
extra when Java is present (``make install-spark``). One worker process, and so one Spark
session, serves the module's training runs; one more run goes through ``spark-submit``
(``engines/submit.py``, the README's entry for clusters where jobs are submitted).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import psutil
import pytest
from conftest import _create_db, _drop_db, close, make_app
from procs import Stack
from sklearn.metrics import adjusted_rand_score
from test_ml_predictor import mixed_data
from test_processes import PREDICT, PROFILE, query, versions_served

from segmentation.training.engines.session import DEBIAN_JAVA_17

CUSTOMERS = 60_000
K = 5
TRIGGER = "/api/v1/segmentation/trigger-training"
SUBMIT = Path(__file__).resolve().parents[1] / "segmentation" / "training" / "engines" / "submit.py"


def _missing() -> str | None:
    if not (Path(DEBIAN_JAVA_17).is_dir() or shutil.which("java")):
        return "Java is not installed: the Spark engine needs a JRE (apt-get install default-jre-headless)"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed: run make install-spark"
    return None


pytestmark = [pytest.mark.slow, pytest.mark.skipif(_missing() is not None, reason=str(_missing()))]


@pytest.fixture(scope="module")
def spark_db(pg_admin_url, template_db, tmp_path_factory):
    """60k demo customers and a first model trained by the local engine."""
    name = f"spark_{uuid.uuid4().hex[:8]}"
    url = _create_db(pg_admin_url, name, template=template_db)
    tmp = tmp_path_factory.mktemp("spark")
    app = make_app(url, tmp)
    with app.app_context():
        from segmentation.data.seeding import seed_demo
        from segmentation.training.service import create_run, execute_run

        seed_demo(CUSTOMERS, seed=11)
        run = execute_run(create_run({"k": K}, trigger="cli").id)
        assert run.status == "succeeded", run.error
    close(app)
    yield url, tmp
    _drop_db(pg_admin_url, name)


@pytest.fixture(scope="module")
def stack(spark_db):
    url, tmp = spark_db
    s = Stack(url, tmp, web_workers=2, TRAINING_ENGINE="spark", SPARK_MASTER="local[2]", MAX_CLUSTERS="8")
    s.start_web()
    s.start_worker()
    yield s
    s.stop()


def trigger(stack: Stack) -> int:
    response = stack.post(TRIGGER, {"k": K})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def active_version(url: str) -> int:
    return query(url, "SELECT id FROM model_versions WHERE status = 'active'")[0][0]


def local_labels(url: str, tmp: Path) -> tuple[np.ndarray, np.ndarray]:
    """The local engine's partition of the same rows at the same k (customer ids, labels)."""
    app = make_app(url, tmp / "local")
    try:
        with app.app_context():
            from segmentation.ml.trainer import TrainOptions, fit
            from segmentation.segmentations import service as segmentations

            data = segmentations.load(segmentations.get(segmentations.DEFAULT))
            model = fit(data, TrainOptions.from_config(app.config, k=K))
            return data.ids[model.kept], model.labels
    finally:
        close(app)


def test_spark_trains_a_model_the_web_workers_serve_and_it_agrees_with_local(stack, spark_db):
    url, tmp = spark_db
    before = active_version(url)
    job = stack.wait_job(trigger(stack), timeout=600)[-1]
    assert job["status"] == "succeeded", job
    new = job["model_version"]
    assert new != before and active_version(url) == new
    time.sleep(2.0)  # every web worker swaps within MODEL_POLL_SECONDS
    assert versions_served(stack, 40) == {new}
    notes = query(url, "SELECT notes FROM model_versions WHERE id = :v", v=new)[0][0]
    assert any("ran on Spark (local[2])" in n for n in notes), notes
    # every customer placed by the new version; same partition as the local engine's
    rows = query(
        url, "SELECT customer_id, segment_id FROM segment_assignments WHERE model_version_id = :v", v=new
    )
    assert len(rows) == CUSTOMERS
    placed = dict(rows)
    ids, labels = local_labels(url, tmp)
    spark_segments = np.array([placed[int(i)] for i in ids])
    assert adjusted_rand_score(labels, spark_segments) >= 0.99


def test_spark_submit_runs_a_training_run_whose_model_the_web_workers_serve(stack, spark_db):
    """README's spark-submit entry: one training run as one Spark application."""
    url, _ = spark_db
    before = active_version(url)
    venv_bin = str(Path(sys.executable).parent)
    env = {
        **stack.env,
        "PATH": f"{venv_bin}:{stack.env.get('PATH', '')}",  # spark-submit finds pyspark through python3
        "SPARK_LOCAL_IP": "127.0.0.1",
        **({"JAVA_HOME": DEBIAN_JAVA_17} if Path(DEBIAN_JAVA_17).is_dir() else {}),
    }
    args = ["--master", "local[2]", "--conf", "spark.ui.enabled=false", str(SUBMIT), "--k", str(K)]
    done = subprocess.run(
        [f"{venv_bin}/spark-submit", *args],
        env=env,
        cwd=stack.logs,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    printed = [line for line in done.stdout.splitlines() if line.startswith('{"segmentation"')]
    assert len(printed) == 1, done.stdout[-3000:]
    result = json.loads(printed[0])
    assert result["segmentation"] == "lifestyle" and result["status"] == "succeeded", result
    new = result["model_version"]
    assert new != before and active_version(url) == new
    notes = query(url, "SELECT notes FROM model_versions WHERE id = :v", v=new)[0][0]
    assert any("ran on Spark (local[2])" in n for n in notes), notes
    time.sleep(2.0)  # every web worker swaps within MODEL_POLL_SECONDS
    assert versions_served(stack, 40) == {new}


def spark_processes(stack: Stack) -> tuple[psutil.Process | None, list[psutil.Process]]:
    """The worker's Spark driver JVM (None before its first Spark run) and the Python
    processes it runs tasks in (pyspark's daemon and the workers it forked; they outlive a
    job and live as long as the session)."""
    jvms = [p for p in psutil.Process(stack.worker.pid).children(recursive=True) if p.name() == "java"]
    assert len(jvms) <= 1, jvms
    return (jvms[0], jvms[0].children(recursive=True)) if jvms else (None, [])


def test_a_killed_spark_jvm_fails_the_run_and_the_active_model_keeps_serving(stack, spark_db):
    """The driver JVM dies while the run's Spark job is under way, whatever the fit's speed:
    the job's Python workers are stopped (SIGSTOP) before the run is triggered, so its
    first task cannot finish; the JVM is killed once the run says it is fitting on Spark."""
    url, _ = spark_db
    jvm, python = spark_processes(stack)
    if not python:  # this test alone: a first run starts the session and its Python workers
        assert stack.wait_job(trigger(stack), timeout=600)[-1]["status"] == "succeeded"
        jvm, python = spark_processes(stack)
    assert jvm is not None and python, "the Spark session has no Python workers to hold the job with"
    before = active_version(url)
    for p in python:
        p.suspend()
    try:
        job_id = trigger(stack)
        # "fitting": past session.get, the run uses this JVM (its Spark job cannot finish)
        seen = stack.wait_job(job_id, until=("running",))
        deadline = time.monotonic() + 300
        while seen[-1]["stage"] != "fitting" and time.monotonic() < deadline:
            seen = stack.wait_job(job_id, until=("running", "succeeded", "failed"))
            assert seen[-1]["status"] == "running", seen[-1]
        assert seen[-1]["status"] == "running" and seen[-1]["stage"] == "fitting", seen[-1]
        jvm.send_signal(signal.SIGKILL)
        job = stack.wait_job(job_id, timeout=300)[-1]
    finally:
        for p in python:  # orphans of the killed JVM: end them
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
    assert job["status"] == "failed", job
    assert job["error"] == (
        "SparkEngineError: the Spark job failed: the Spark driver stopped during the job "
        "(its JVM exited or was killed; the worker's log has Spark's message); "
        "the next run starts a new Spark session"
    ), job["error"]
    assert active_version(url) == before
    assert versions_served(stack, 20) == {before}
    assert stack.post(PREDICT, [PROFILE]).status_code == 200
    # the worker starts a new session (a new JVM) for the next run
    job = stack.wait_job(trigger(stack), timeout=600)[-1]
    assert job["status"] == "succeeded", job
    assert spark_processes(stack)[0].pid != jvm.pid


def test_a_bad_master_url_fails_the_run_with_the_reason(stack, spark_db):
    url, _ = spark_db
    before = active_version(url)
    stack.worker.terminate()
    stack.worker.wait(60)
    stack.env["SPARK_MASTER"] = "nonsense://nowhere"
    stack.start_worker()
    job = stack.wait_job(trigger(stack), timeout=300)[-1]
    assert job["status"] == "failed"
    assert job["error"].startswith(
        "SparkEngineError: could not start Spark with SPARK_MASTER=nonsense://nowhere: "
        "Spark's driver exited at start: a master URL Spark does not accept"
    ), job["error"]
    assert active_version(url) == before
    assert versions_served(stack, 20) == {before}


def test_mixed_numeric_and_categorical_features_train_on_spark_as_locally(tmp_path):
    """k-prototypes data (weighted one-hot categories) on Spark: the same partition, category
    shares and modes as the local engine's, and an artifact the web workers' predictor
    places every row with exactly as the model did."""
    from segmentation.ml.predictor import FastPredictor
    from segmentation.ml.trainer import TrainOptions, fit
    from segmentation.training.engines import session, spark

    data, truth = mixed_data(30_000, seed=5)
    data.num[::100, 0] = np.nan  # a few gaps: the median rule, on both engines
    options = TrainOptions(k=3, kselect_sample=4000, silhouette_sample=1000, n_init=6)
    config = {
        "SPARK_MASTER": "local[2]",
        "SPARK_DRIVER_MEMORY": "1g",
        "VAR_DIR": str(tmp_path),
    }
    stages = []
    try:
        on_spark = spark.fit(data, options, lambda stage, f: stages.append(stage), config)
    finally:
        session.stop()
    local = fit(data, options)
    assert on_spark.method == local.method == "kprototypes"
    assert "fitting" in stages and any("ran on Spark (local[2])" in n for n in on_spark.notes)
    assert adjusted_rand_score(local.labels, on_spark.labels) >= 0.99
    assert adjusted_rand_score(truth[on_spark.kept], on_spark.labels) >= 0.8
    # the same segments (matched by their members): equal modes and near-equal shares
    order = [int(np.bincount(local.labels[on_spark.labels == c]).argmax()) for c in range(3)]
    assert sorted(order) == [0, 1, 2]
    assert np.array_equal(on_spark.clustering.modes, local.clustering.modes[order])
    assert np.allclose(on_spark.clustering.shares, local.clustering.shares[order], atol=0.01)
    # served as trained: the predictor from the Spark model's artifact gives the model's labels
    fast = FastPredictor.from_artifact(on_spark.artifact_payload() | {"version": 1, "segment_ids": [1, 2, 3]})
    kept = on_spark.kept
    assert np.array_equal(fast.labels(data.num[kept], data.cat[kept]), on_spark.labels)
