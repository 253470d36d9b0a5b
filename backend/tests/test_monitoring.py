"""Monitoring in one process: request and prediction metrics, the drift history and its API,
the drift-triggered retraining, the settings, and JSON logs that carry no customer data.

Real gunicorn/worker processes and /metrics over HTTP are in test_monitoring_procs.py."""

from __future__ import annotations

import io
import json
import logging

import pytest
from conftest import KEYS, authorized, close, make_app
from prometheus_client import REGISTRY
from sqlalchemy import text

from segmentation.core.config import Config
from segmentation.core.extensions import db

BASE = "/api/v1"
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


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# -- request metrics ---------------------------------------------------------------------------------
def test_requests_are_counted_by_route_template_and_status(trained_app):
    client = authorized(trained_app)
    labels = {"method": "GET", "endpoint": "/api/v1/customers/<customer_id>"}
    before_404 = sample("segmentation_http_requests_total", **labels, status="404")
    before_hist = sample("segmentation_http_request_duration_seconds_count", **labels, status="404")
    for customer in ("no-such-1", "no-such-2", "no-such-3"):
        assert client.get(f"{BASE}/customers/{customer}").status_code == 404
    assert sample("segmentation_http_requests_total", **labels, status="404") == before_404 + 3
    assert (
        sample("segmentation_http_request_duration_seconds_count", **labels, status="404") == before_hist + 3
    )
    # the raw path (with the customer id) is never a label value
    exported = "".join(
        str(s.labels) for m in REGISTRY.collect() if m.name.startswith("segmentation_") for s in m.samples
    )
    assert "no-such-1" not in exported
    # a path that matches no route and a made-up method stay bounded labels
    before = sample("segmentation_http_requests_total", method="OTHER", endpoint="unmatched", status="405")
    before_unmatched = sample(
        "segmentation_http_requests_total", method="GET", endpoint="unmatched", status="404"
    )
    client.get("/no/such/path/4711")
    client.open("/api/v1/customers", method="BREW")
    assert sample("segmentation_http_requests_total", method="GET", endpoint="unmatched", status="404") == (
        before_unmatched + 1
    )
    assert (
        sample("segmentation_http_requests_total", method="OTHER", endpoint="unmatched", status="405")
        == before + 1
    )


def test_auth_failures_and_rate_limit_refusals_are_counted(trained_database_url, tmp_path):
    app = make_app(trained_database_url, tmp_path, RATE_LIMIT_LOGIN="2 per minute")
    try:
        endpoint = "/api/v1/segmentation/segments"
        unauth = sample("segmentation_auth_failures_total", endpoint=endpoint, reason="unauthenticated")
        forbidden = sample(
            "segmentation_auth_failures_total", endpoint="/api/v1/auth/users", reason="forbidden"
        )
        assert app.test_client().get(endpoint).status_code == 401
        assert authorized(app, "viewer").get(f"{BASE}/auth/users").status_code == 403
        assert (
            sample("segmentation_auth_failures_total", endpoint=endpoint, reason="unauthenticated")
            == unauth + 1
        )
        assert (
            sample("segmentation_auth_failures_total", endpoint="/api/v1/auth/users", reason="forbidden")
            == forbidden + 1
        )
        login = "/api/v1/auth/login"
        refused = sample("segmentation_rate_limit_refusals_total", endpoint=login)
        codes = [
            app.test_client().post(login, json={"username": f"u{i}", "password": "x"}).status_code
            for i in range(3)
        ]
        assert codes == [401, 401, 429]
        assert sample("segmentation_rate_limit_refusals_total", endpoint=login) == refused + 1
    finally:
        close(app)


def test_predictions_are_counted_per_segment_with_the_batch_size(trained_app):
    client = authorized(trained_app)
    rich = {**PROFILE, "Travel": 900, "Dining": 400}
    body = client.post(f"{BASE}/segmentation/predict-segment", json=[PROFILE, PROFILE, rich]).get_json()
    segments = body["predictions"]
    # counted after the answer: compare with a second, identical call
    before = {
        s: sample("segmentation_predictions_total", segmentation="lifestyle", segment=str(s))
        for s in segments
    }
    batches = sample("segmentation_prediction_batch_size_count", segmentation="lifestyle")
    rows = sample("segmentation_prediction_batch_size_sum", segmentation="lifestyle")
    client.post(f"{BASE}/segmentation/predict-segment", json=[PROFILE, PROFILE, rich])
    for s in set(segments):
        after = sample("segmentation_predictions_total", segmentation="lifestyle", segment=str(s))
        assert after == before[s] + segments.count(s)
    assert sample("segmentation_prediction_batch_size_count", segmentation="lifestyle") == batches + 1
    assert sample("segmentation_prediction_batch_size_sum", segmentation="lifestyle") == rows + 3


def test_the_served_model_version_follows_the_workers_snapshot(trained_app):
    authorized(trained_app).post(f"{BASE}/segmentation/predict-segment", json=[PROFILE])
    assert sample("segmentation_model_version_served", segmentation="lifestyle") == 1
    assert sample("segmentation_model_loaded_timestamp_seconds", segmentation="lifestyle") > 0


def test_training_outcome_and_duration_are_recorded(trained_app):
    from segmentation.training.service import create_run, execute_run

    before = sample("segmentation_training_runs_total", segmentation="lifestyle", outcome="succeeded")
    timed = sample(
        "segmentation_training_duration_seconds_count", segmentation="lifestyle", outcome="succeeded"
    )
    with trained_app.app_context():
        run = execute_run(create_run({"k": 4}, trigger="cli").id)
        assert run.status == "succeeded"
    assert (
        sample("segmentation_training_runs_total", segmentation="lifestyle", outcome="succeeded")
        == before + 1
    )
    assert (
        sample("segmentation_training_duration_seconds_count", segmentation="lifestyle", outcome="succeeded")
        == timed + 1
    )


# -- drift history -----------------------------------------------------------------------------------
def shift_travel(app) -> None:
    with app.app_context():
        db.session.execute(
            text(
                "UPDATE spending_profiles SET travel = travel + 900, dining = dining + 300 WHERE customer_id % 2 = 0"
            )
        )
        db.session.commit()


def test_drift_checks_are_stored_and_read_back_oldest_first(trained_app):
    runner = trained_app.test_cli_runner()
    result = runner.invoke(args=["drift-check"])
    assert result.exit_code == 0, result.output
    assert "below threshold 0.25" in result.output
    shift_travel(trained_app)
    assert (
        "drifted threshold 0.25" in runner.invoke(args=["drift-check", "--segmentation", "lifestyle"]).output
    )
    body = authorized(trained_app, "viewer").get(f"{BASE}/monitoring/drift-checks").get_json()
    assert body["segmentation"] == "lifestyle" and body["threshold"] == 0.25
    calm, drifted = body["items"]
    assert calm["drifted"] is False and calm["trigger"] == "cli" and calm["model_version"] == 1
    assert calm["n_customers"] == 6000 and calm["max_psi"] < 0.1
    assert drifted["drifted"] is True and drifted["checked_at"] >= calm["checked_at"]
    travel = next(f for f in drifted["features"] if f["feature"] == "Travel")
    assert travel["psi"] >= 0.25 and travel["status"] == "drifted"
    assert drifted["max_psi"] == max([f["psi"] for f in drifted["features"]] + [drifted["segment_psi"]])
    assert {s["id"] for s in drifted["segments"]} == {s["id"] for s in calm["segments"]}
    assert drifted["training_run_id"] is None  # DRIFT_RETRAIN is off
    # the same numbers as the on-demand endpoint
    now = authorized(trained_app).get(f"{BASE}/segmentation/drift").get_json()
    assert now["segment_psi"] == drifted["segment_psi"] and now["features"] == drifted["features"]
    assert authorized(trained_app).get(f"{BASE}/monitoring/drift-checks?limit=1").get_json()["items"] == [
        drifted
    ]


def test_drift_checks_older_than_the_history_setting_are_deleted_by_the_next_check(trained_app):
    """DRIFT_HISTORY_DAYS bounds the history: each check deletes its segmentation's older ones."""
    runner = trained_app.test_cli_runner()
    assert runner.invoke(args=["drift-check"]).exit_code == 0
    with trained_app.app_context():
        seg = db.session.scalar(text("SELECT segmentation_id FROM drift_checks ORDER BY id DESC LIMIT 1"))
        for days in (401, 399):  # copies of that check, dated back
            db.session.execute(
                text(
                    "INSERT INTO drift_checks (segmentation_id, model_version_id, checked_at, trigger, "
                    "n_customers, max_psi, segment_psi, threshold, drifted, features, segments) "
                    "SELECT segmentation_id, model_version_id, now() - make_interval(days => :d), :t, "
                    "n_customers, max_psi, segment_psi, threshold, drifted, features, segments "
                    "FROM drift_checks ORDER BY id DESC LIMIT 1"
                ),
                {"d": days, "t": f"old{days}"},
            )
        db.session.commit()
    assert runner.invoke(args=["drift-check"]).exit_code == 0
    with trained_app.app_context():
        triggers = db.session.scalars(
            text("SELECT trigger FROM drift_checks WHERE segmentation_id = :s ORDER BY checked_at"),
            {"s": seg},
        ).all()
    assert "old399" in triggers and "old401" not in triggers and triggers[-2:] == ["cli", "cli"]


def test_a_drifted_check_queues_a_retraining_when_the_setting_says_so(
    trained_database_url, trained_template, tmp_path
):
    import shutil

    shutil.copytree(trained_template[1], tmp_path / "models")
    app = make_app(trained_database_url, tmp_path, DRIFT_RETRAIN=True, DRIFT_THRESHOLD=0.2)
    try:
        shift_travel(app)
        with app.app_context():
            from segmentation.monitoring.drift import run_checks

            (check,) = run_checks("schedule")
            assert check.drifted and check.training_run_id is not None
            run = db.session.execute(
                text("SELECT trigger, status, queue_job_id FROM training_runs WHERE id = :i"),
                {"i": check.training_run_id},
            ).one()
        assert run.trigger == "drift" and run.status == "queued" and run.queue_job_id is not None
        jobs = authorized(app).get(f"{BASE}/monitoring/overview").get_json()["jobs"]
        assert jobs[0]["id"] == check.training_run_id and jobs[0]["trigger"] == "drift"
    finally:
        close(app)


def test_overview_has_segment_sizes_per_version_and_latest_jobs(trained_app):
    client = authorized(trained_app, "viewer")
    body = client.get(f"{BASE}/monitoring/overview").get_json()
    assert body["items"] == [] and body["schedule"] == "30 2 * * *"
    (v1,) = body["versions"]
    assert v1["version"] == 1 and v1["is_active"] and v1["status"] == "active"
    assert sum(s["size"] for s in v1["segments"]) == 6000
    assert abs(sum(s["share"] for s in v1["segments"]) - 1) < 1e-6
    (job,) = body["jobs"]
    assert job["status"] == "succeeded" and job["model_version"] == 1 and job["seconds"] > 0


@pytest.mark.parametrize(
    "query, field",
    [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("segmentation=Bad%20Name", "segmentation"),
    ],
)
def test_history_arguments_are_checked(trained_client, query, field):
    response = trained_client.get(f"{BASE}/monitoring/drift-checks?{query}")
    assert response.status_code == 422 and field in response.get_json()["errors"]["query"]


def test_history_needs_a_signed_in_viewer_and_a_known_segmentation(trained_app):
    assert trained_app.test_client().get(f"{BASE}/monitoring/overview").status_code == 401
    response = authorized(trained_app).get(f"{BASE}/monitoring/overview?segmentation=nope")
    assert response.status_code == 404


# -- settings ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "env, message",
    [
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be one of text, json"),
        ({"DRIFT_THRESHOLD": "0"}, "DRIFT_THRESHOLD must be above 0"),
        ({"DRIFT_HISTORY_DAYS": "0"}, "DRIFT_HISTORY_DAYS must be at least 1"),
        ({"DRIFT_SCHEDULE": "every day"}, "DRIFT_SCHEDULE must be a cron expression"),
        ({"WORKER_METRICS_BIND": "9201"}, "WORKER_METRICS_BIND must be host:port"),
    ],
)
def test_bad_monitoring_settings_are_refused(monkeypatch, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        Config.from_env()


def test_drift_schedule_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("DRIFT_SCHEDULE", "off")
    assert Config.from_env().DRIFT_SCHEDULE is None
    monkeypatch.setenv("DRIFT_SCHEDULE", "* * * * * */15")  # seconds as a sixth field
    assert Config.from_env().DRIFT_SCHEDULE == "* * * * * */15"


# -- JSON logs ---------------------------------------------------------------------------------------
@pytest.fixture(params=["text", "json"])
def log_lines(request, trained_database_url, trained_template, tmp_path):
    """The service's stdout handler in one LOG_FORMAT, pointed at a buffer."""
    import shutil

    shutil.copytree(trained_template[1], tmp_path / "models")
    app = make_app(trained_database_url, tmp_path, LOG_FORMAT=request.param)
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_segmentation", False))
    logging.getLogger("segmentation.http").disabled = False
    out = io.StringIO()
    stdout = handler.setStream(out)
    yield request.param, app, out
    handler.setStream(stdout)
    from segmentation.core import logs

    logs.configure("INFO", "text")
    close(app)


def test_logs_carry_the_request_id_and_no_customer_data(log_lines, monkeypatch):
    fmt, app, out = log_lines
    from segmentation.customers import service

    def failing_statement(ids):
        db.session.execute(text("SELECT CAST(:v AS integer)"), {"v": "SECRET-CUSTOMER-DATA"})

    monkeypatch.setattr(service, "assign", failing_statement)
    customer = {"customer_id": 9_000_021, "spending": dict(PROFILE), "monthly_income": "4242.42"}
    client = authorized(app)
    r = client.post(f"{BASE}/customers", json=customer, headers={"X-Request-ID": "req-json-1"})
    assert r.status_code == 500, r.get_json()
    client.get(
        f"{BASE}/customers/1%0a2026-11-23 INFO segmentation.auth.audit FORGED",
        headers={"X-Request-ID": "req-2"},
    )
    lines = out.getvalue().splitlines()
    text_out = out.getvalue()
    assert (
        "SECRET-CUSTOMER-DATA" not in text_out and "4242.42" not in text_out and KEYS["admin"] not in text_out
    )
    forged = [line for line in lines if "FORGED" in line]
    assert len(forged) == 1  # the line break in the path stayed inside one event
    if fmt == "json":
        events = [json.loads(line) for line in lines]  # every line is one object
        assert {"time", "level", "logger", "id", "message"} <= set(events[0])
        http = [e for e in events if e["logger"] == "segmentation.http"]
        assert {e["id"] for e in http} >= {"req-json-1", "req-2"}
        assert json.loads(forged[0])["message"].startswith("GET /api/v1/customers/1\\n2026-11-23")
    else:
        assert any("[req-json-1]" in line for line in lines)
        assert "INFO segmentation.http [req-2]" in forged[0]
