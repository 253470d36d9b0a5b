"""Trigger, jobs and model versions through the API (the worker runs in process here;
test_processes.py runs the real worker and gunicorn)."""

import pytest
from sqlalchemy import select, text

from segmentation.core.extensions import db
from segmentation.jobs.progress import Progress
from segmentation.training.models import ModelVersion, TrainingRun
from segmentation.training.service import STAGES, execute_run, fail_stale_runs

BASE = "/api/v1/segmentation"


def queued_jobs(app):
    with app.app_context():
        return db.session.execute(
            text("SELECT task_name, args, status FROM procrastinate_jobs ORDER BY id")
        ).all()


def test_trigger_queues_one_job_and_repeats_return_it(trained_app, trained_client):
    first = trained_client.post(f"{BASE}/trigger-training", json={"k": 5})
    assert first.status_code == 202
    job = first.get_json()
    assert job["status"] == "queued" and job["progress"] == 0 and job["params"]["k"] == 5
    assert first.headers["Location"] == f"{BASE}/jobs/{job['id']}"
    again = trained_client.post(f"{BASE}/trigger-training")
    assert again.status_code == 200 and again.get_json()["id"] == job["id"]
    jobs = queued_jobs(trained_app)
    assert [(j.task_name, j.args, j.status) for j in jobs] == [("train_model", {"run_id": job["id"]}, "todo")]


def test_job_runs_to_success_with_stages_and_metrics(trained_app, trained_client):
    job = trained_client.post(f"{BASE}/trigger-training", json={}).get_json()
    with trained_app.app_context():
        execute_run(job["id"])
    done = trained_client.get(f"{BASE}/jobs/{job['id']}").get_json()
    assert done["status"] == "succeeded" and done["progress"] == 100
    assert set(done["stage_seconds"]) == {
        "loading data",
        "selecting k",
        "fitting",
        "scoring",
        "publishing",
        "re-segmenting",
    }
    assert done["model_version"] and done["metrics"]["silhouette"] > 0.4
    assert done["started_at"] and done["finished_at"]
    listed = trained_client.get(f"{BASE}/jobs?limit=5").get_json()["items"]
    assert listed[0]["id"] == job["id"]
    # a finished job no longer blocks a new trigger
    assert trained_client.post(f"{BASE}/trigger-training").status_code == 202


def test_a_jobs_row_names_each_stage_as_it_starts(trained_app, trained_client):
    """The page that polls a job shows the stage under way, even when its first percentage
    equals the previous stage's last one ("selecting k" ends at 55, "fitting" starts there)."""
    job = trained_client.post(f"{BASE}/trigger-training", json={"k": 5}).get_json()
    progress = Progress("training_runs", job["id"], STAGES)
    seen = []
    with trained_app.app_context():
        for stage, fraction in [
            ("selecting k", 0.0),
            ("selecting k", 1.0),
            ("fitting", 0.0),
            ("fitting", 0.01),
        ]:
            progress(stage, fraction)
            row = trained_client.get(f"{BASE}/jobs/{job['id']}").get_json()
            seen.append((row["stage"], row["progress"]))
    assert seen == [("selecting k", 10), ("selecting k", 55), ("fitting", 55), ("fitting", 55)]


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"k": 1}, "k", "Must be greater than or equal to 2 and less than or equal to 50."),
        ({"k": "five"}, "k", "Not a valid integer."),
        ({"min_clusters": 6, "max_clusters": 3}, "max_clusters", "Must be at least min_clusters."),
        ({"k": 4, "max_clusters": 6}, "k", "Give either k or a min_clusters/max_clusters range, not both."),
        ({"n_clusters": 4}, "n_clusters", "Unknown field."),
    ],
)
def test_bad_trigger_bodies_change_nothing(trained_app, trained_client, body, field, message):
    response = trained_client.post(f"{BASE}/trigger-training", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"][field] == [message]
    with trained_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(TrainingRun)) == 1  # the fixture's
    assert queued_jobs(trained_app) == []


def test_unknown_job_is_404(trained_client):
    response = trained_client.get(f"{BASE}/jobs/999")
    assert response.status_code == 404
    assert response.get_json() == {
        "code": 404,
        "status": "Not Found",
        "message": "Training job 999 does not exist.",
    }


def test_dead_worker_run_is_failed_and_unblocks_triggers(trained_app, trained_client):
    job = trained_client.post(f"{BASE}/trigger-training").get_json()
    with trained_app.app_context():
        db.session.execute(
            text(
                "UPDATE training_runs SET status = 'running', heartbeat_at = now() - interval '1 hour' WHERE id = :id"
            ),
            {"id": job["id"]},
        )
        db.session.commit()
    # reads show it failed, and write nothing
    body = trained_client.get(f"{BASE}/jobs/{job['id']}").get_json()
    assert body["status"] == "failed" and "worker stopped" in body["error"]
    listed = trained_client.get(f"{BASE}/jobs").get_json()["items"][0]
    assert (listed["id"], listed["status"], listed["error"]) == (job["id"], "failed", body["error"])
    assert trained_client.get("/api/v1/monitoring/overview").get_json()["jobs"][0]["status"] == "failed"
    assert run_status(trained_app, job["id"]) == "running"
    # a new trigger records it first, then queues a new run
    second = trained_client.post(f"{BASE}/trigger-training")
    assert second.status_code == 202 and second.get_json()["id"] != job["id"]
    assert run_status(trained_app, job["id"]) == "failed"
    with trained_app.app_context():
        assert fail_stale_runs() == []  # nothing left to record


def test_stale_run_cleanup_fails_the_run_and_its_queue_job(trained_app, trained_client):
    """What the worker does when it starts (``flask worker``) and a trigger does first."""
    job = trained_client.post(f"{BASE}/trigger-training").get_json()
    fresh = trained_client.post(f"{BASE}/trigger-training?segmentation=lifestyle").get_json()
    assert fresh["id"] == job["id"]  # still queued: the same run
    with trained_app.app_context():
        db.session.execute(
            text(
                "UPDATE training_runs SET status = 'running', heartbeat_at = now() - interval '1 hour' "
                "WHERE id = :id"
            ),
            {"id": job["id"]},
        )
        db.session.execute(text("UPDATE procrastinate_jobs SET status = 'doing'"))
        db.session.commit()
        assert fail_stale_runs() == [job["id"]]
        queue = db.session.execute(text("SELECT status FROM procrastinate_jobs")).scalars().all()
    assert queue == ["failed"]
    assert run_status(trained_app, job["id"]) == "failed"


def run_status(app, run_id: int) -> str:
    with app.app_context():
        return db.session.get(TrainingRun, run_id).status


def test_models_list_and_rollback(trained_app, trained_client):
    job = trained_client.post(f"{BASE}/trigger-training").get_json()
    with trained_app.app_context():
        execute_run(job["id"])
    models = trained_client.get(f"{BASE}/models").get_json()["items"]
    assert [m["version"] for m in models] == [2, 1]
    assert [m["status"] for m in models] == ["active", "retired"]
    assert models[0]["metrics"]["silhouette"] and models[0]["sha256"] and models[0]["ari_vs_previous"] == 1.0
    rolled = trained_client.post(f"{BASE}/models/1/activate")
    assert rolled.status_code == 200 and rolled.get_json()["is_active"] is True
    assert (
        trained_client.post(
            f"{BASE}/predict-segment",
            json={
                c: 1
                for c in [
                    "Utilities",
                    "Groceries",
                    "Transport",
                    "Dining",
                    "Entertainment",
                    "OnlineShopping",
                    "Travel",
                    "Healthcare",
                ]
            },
        ).get_json()["model_version"]
        == 1
    )
    with trained_app.app_context():
        assert db.session.get(ModelVersion, 2).status == "retired"
    assert ("resegment", {"version": 1}) in [(j.task_name, j.args) for j in queued_jobs(trained_app)]


def test_activate_unknown_or_corrupt_version(trained_app, trained_client):
    assert trained_client.post(f"{BASE}/models/42/activate").status_code == 404
    with trained_app.app_context():
        mv = db.session.get(ModelVersion, 1)
        path = f"{trained_app.config['MODEL_DIR']}/{mv.artifact_path}"
    import os

    os.chmod(path, 0o644)
    with open(path, "ab") as fh:
        fh.write(b"tampered")
    response = trained_client.post(f"{BASE}/models/1/activate")
    assert response.status_code == 409 and "does not match" in response.get_json()["message"]


def test_periodic_schedule_registers_a_deduplicated_task(trained_database_url, tmp_path):
    from conftest import authorized, close, make_app

    app = make_app(trained_database_url, tmp_path, TRAINING_SCHEDULE="0 3 * * 0")
    queue = app.extensions["queue"]
    periodic = [
        p
        for p in queue.periodic_registry.periodic_tasks.values()
        if p.periodic_id not in ("drift", "housekeeping")
    ]
    assert [(p.task.name, p.cron) for p in periodic] == [("scheduled_training", "0 3 * * 0")]
    client = authorized(app)
    manual = client.post(f"{BASE}/trigger-training").get_json()
    queue.tasks["scheduled_training"](timestamp=0)  # what the periodic deferrer runs
    with app.app_context():
        runs = db.session.scalars(select(TrainingRun).where(TrainingRun.status == "queued")).all()
        assert [r.id for r in runs] == [manual["id"]]
    close(app)
    plain = make_app(trained_database_url, tmp_path)
    # without TRAINING_SCHEDULE: the drift check (DRIFT_SCHEDULE, on by default) and the daily
    # housekeeping (always on)
    assert [p.periodic_id for p in plain.extensions["queue"].periodic_registry.periodic_tasks.values()] == [
        "drift",
        "housekeeping",
    ]
    close(plain)
