"""Issue 13, in-process: each test reproduces one finding of the hostile probe (it fails on
the code before the fix) and shows the fixed behaviour. Real processes (gunicorn, nginx)
are in test_hardening_procs.py."""

from __future__ import annotations

import base64
import io
import json
import logging
import shutil
import zlib
from decimal import Decimal

import pytest
from conftest import KEYS, authorized, close, make_app
from sqlalchemy import text

from segmentation.core.extensions import db
from segmentation.core.values import MONEY_MAX, MONEY_PRECISION, MONEY_SCALE

BASE = "/api/v1"
PROFILE = {
    "Utilities": 1,
    "Groceries": 1,
    "Transport": 1,
    "Dining": 1,
    "Entertainment": 1,
    "OnlineShopping": 1,
    "Travel": 1,
    "Healthcare": 1,
}
PASSWORD = "correct horse battery"


def customer(cid: int, **changes) -> dict:
    body = {"customer_id": cid, "spending": dict(PROFILE)}
    for key, value in changes.items():
        if key in PROFILE:
            body["spending"][key] = value
        else:
            body[key] = value
    return body


def staff(app, username="alice", role="analyst", password=PASSWORD):
    result = app.test_cli_runner().invoke(
        args=["create-user", username, "--role", role, "--password", password]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        return db.session.scalar(text("SELECT id FROM users WHERE username = :u"), {"u": username})


def sign_in(app, username="alice", password=PASSWORD):
    client = app.test_client()
    response = client.post(f"{BASE}/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return client


def xsrf(client) -> dict:
    return {"X-XSRF-TOKEN": client.get_cookie("XSRF-TOKEN").value}


# -- 2. one money type and limit; control characters; 500s log no data ----------------------
@pytest.mark.parametrize(
    "body, status",
    [
        # the probe's inputs: each was a 500 (numeric(12,2) / (14,2) overflow)
        (customer(9_000_001, Utilities=99_999_999_999), 201),
        (customer(9_000_002, Utilities="1e12"), 422),
        (customer(9_000_003, monthly_income=1e12), 422),
        # past the one limit, whatever the field
        (customer(9_000_004, account_balance=-1e12), 422),
        (customer(9_000_005, Travel=str(MONEY_MAX + Decimal("0.01"))), 422),
        (customer(9_000_006, Travel="999999999999.995"), 422),
        (customer(9_000_007, Travel="1e1000000"), 422),  # found by Schemathesis: decimal.Overflow
    ],
)
def test_money_is_stored_or_refused_never_a_500(trained_app, trained_client, body, status):
    response = trained_client.post(f"{BASE}/customers", json=body)
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert f"Must be at most {MONEY_MAX}" in json.dumps(response.get_json()["errors"])
    else:
        with trained_app.app_context():
            stored = db.session.scalar(
                text(
                    "SELECT p.utilities FROM spending_profiles p JOIN customers c USING (customer_id) "
                    "WHERE c.external_id = '9000001'"
                )
            )
        assert stored == Decimal("99999999999.00")


def test_money_up_to_the_limit_is_stored_exactly(trained_app, trained_client):
    body = customer(9_000_010, Utilities=str(MONEY_MAX), monthly_income=str(MONEY_MAX))
    body["account_balance"] = f"-{MONEY_MAX}"
    assert trained_client.post(f"{BASE}/customers", json=body).status_code == 201
    patch = trained_client.patch(f"{BASE}/customers/9000010", json={"spending": {"Travel": 5e10}})
    assert patch.status_code == 200, patch.get_json()
    too_big = trained_client.post(
        f"{BASE}/customers/9000010/transactions",
        json={
            "transactions": [
                {"booked_at": "2026-11-01T10:00:00Z", "amount": 1e12, "category": "Travel", "channel": "pos"}
            ]
        },
    )
    assert too_big.status_code == 422
    # four maximal transactions: the derived monthly profile and RFM total stay within the type
    max_tx = {
        "booked_at": "2026-11-20T10:00:00Z",
        "amount": str(MONEY_MAX),
        "category": "Travel",
        "channel": "pos",
    }
    many = trained_client.post(f"{BASE}/customers/9000010/transactions", json={"transactions": [max_tx] * 4})
    assert many.status_code == 201, many.get_json()
    with trained_app.app_context():
        row = db.session.execute(
            text(
                "SELECT c.monthly_income, c.account_balance, p.travel, p.monetary FROM customers c "
                "JOIN spending_profiles p USING (customer_id) WHERE c.external_id = '9000010'"
            )
        ).one()
        assert row.monthly_income == MONEY_MAX and row.account_balance == -MONEY_MAX
        assert row.travel == MONEY_MAX and row.monetary == MONEY_MAX
        # every money column stores exactly what values.MONEY_MAX allows
        money = db.session.execute(
            text(
                "SELECT table_name, column_name, numeric_precision, numeric_scale FROM information_schema.columns "
                "WHERE table_schema = 'public' AND data_type = 'numeric'"
            )
        ).all()
    assert len(money) >= 12
    assert {(r.numeric_precision, r.numeric_scale) for r in money} == {(MONEY_PRECISION, MONEY_SCALE)}


@pytest.mark.parametrize(
    "method, path, body, role",
    [
        ("post", "/auth/login", {"username": "ad\x00min", "password": "x"}, None),
        ("post", "/auth/login", {"username": "admin", "password": "pass\x00word"}, None),
        ("post", "/auth/api-keys", {"name": "crm\x00", "role": "viewer"}, "admin"),
        ("post", "/auth/users", {"username": "bob", "password": "a\x01" * 8, "role": "viewer"}, "admin"),
        ("patch", "/segmentation/segments/1", {"name": "Savers\x00"}, "analyst"),
        ("patch", "/segmentation/segments/1", {"strategy": "Call them\x1b[31m"}, "analyst"),
        ("get", "/customers?q=1%00", None, "viewer"),
    ],
)
def test_control_characters_are_422_in_every_text_input(trained_app, method, path, body, role):
    client = authorized(trained_app, role) if role else trained_app.test_client()
    response = getattr(client, method)(f"{BASE}{path}", json=body)
    assert response.status_code == 422, response.get_json()
    assert "control characters" in json.dumps(response.get_json())


def test_single_line_names_refuse_line_breaks(trained_app):
    response = authorized(trained_app).post(
        f"{BASE}/auth/api-keys", json={"name": "crm\nx", "role": "viewer"}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["name"] == ["Must not contain control characters."]


def test_a_500_logs_only_its_reference_and_exception_class(trained_app, monkeypatch, caplog):
    from segmentation.customers import service

    def failing_statement(ids):
        db.session.execute(text("SELECT CAST(:v AS integer)"), {"v": "SECRET-CUSTOMER-DATA"})

    monkeypatch.setattr(service, "assign", failing_statement)
    assert trained_app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
    with caplog.at_level(logging.INFO):
        response = authorized(trained_app).post(
            f"{BASE}/customers", json=customer(9_000_020, monthly_income="4242.42")
        )
    assert response.status_code == 500
    reference = response.get_json()["message"].split("reference ")[1].rstrip(".")
    logged = caplog.text + "".join(str(r.exc_info) + str(r.exc_text) for r in caplog.records)
    assert "SECRET-CUSTOMER-DATA" not in logged and "4242.42" not in logged
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is None
    assert "DataError" in errors[0].getMessage() and reference in errors[0].getMessage()


# -- 3. sessions end on the server --------------------------------------------------------------
def _cookie_payload(value: str) -> str:
    data = value.split(".")[0] if not value.startswith(".") else value[1:].split(".")[0]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return (zlib.decompress(raw) if value.startswith(".") else raw).decode()


def test_sign_out_ends_the_session_even_for_a_copied_cookie(trained_app):
    staff(trained_app)
    client = sign_in(trained_app)
    cookie = client.get_cookie("seg_session").value
    with trained_app.app_context():
        password_hash = db.session.scalar(text("SELECT password_hash FROM users WHERE username = 'alice'"))
    payload = _cookie_payload(cookie)
    assert not any(password_hash[i : i + 8] in payload for i in range(len(password_hash) - 8))
    assert client.post(f"{BASE}/auth/logout").status_code == 204
    thief = trained_app.test_client()
    thief.set_cookie("seg_session", cookie)
    assert thief.get(f"{BASE}/auth/me").status_code == 401


@pytest.mark.parametrize(
    "change", [{"password": "another long password"}, {"role": "viewer"}, {"disabled": True}]
)
def test_admin_changes_end_the_users_sessions_at_once(trained_app, change):
    uid = staff(trained_app)
    client = sign_in(trained_app)
    assert client.get(f"{BASE}/auth/me").status_code == 200
    response = authorized(trained_app).patch(f"{BASE}/auth/users/{uid}", json=change)
    assert response.status_code == 200, response.get_json()
    assert client.get(f"{BASE}/auth/me").status_code == 401


# -- 4. CSV exports hold no live formulas ----------------------------------------------------------
def test_csv_export_neutralises_formula_cells(trained_client):
    evil = '=HYPERLINK("http://evil.example","x")'
    assert trained_client.patch(f"{BASE}/segmentation/segments/1", json={"name": evil}).status_code == 200
    body = trained_client.get(f"{BASE}/segmentation/assignments.csv").get_data(as_text=True)
    import csv

    rows = list(csv.reader(io.StringIO(body)))
    names = {r[2] for r in rows[1:]}
    assert "'" + evil in names and evil not in names
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)


def test_csv_cells_neutralised():
    from segmentation.web.csvsafe import cell

    for bad in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"):
        assert cell(bad) == "'" + bad
    assert cell("Savers") == "Savers" and cell(-5) == -5


# -- 5. logged input cannot forge lines -------------------------------------------------------------
def test_logged_user_input_is_escaped(trained_app):
    # the service's own stdout handler (logs.configure), pointed at a buffer
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_segmentation", False))
    logging.getLogger("segmentation.http").disabled = False  # (before 0005h, migrations disabled it)
    out = io.StringIO()
    stdout = handler.setStream(out)
    try:
        authorized(trained_app).get(f"{BASE}/customers/1%0a2026-11-23 INFO segmentation.auth.audit FORGED")
    finally:
        handler.setStream(stdout)
    lines = [line for line in out.getvalue().splitlines() if "FORGED" in line]
    assert len(lines) == 1 and "INFO segmentation.http [" in lines[0]
    assert "GET /api/v1/customers/1\\n2026-11-23 INFO segmentation.auth.audit FORGED 404" in lines[0]


def test_a_logged_traceback_keeps_the_code_path_and_drops_the_message(trained_app):
    # libraries (the queue worker, a failed job) log whole tracebacks; the message of a
    # database error quotes the statement's values, so the service's handler writes only the
    # exception's type and where it passed
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_segmentation", False))
    out = io.StringIO()
    stdout = handler.setStream(out)
    try:
        try:
            raise ValueError("customer C-77 earns SECRET-4242.42")
        except ValueError:
            logging.getLogger("procrastinate.worker").exception("job failed")
    finally:
        handler.setStream(stdout)
    text_ = out.getvalue()
    assert "SECRET" not in text_ and "C-77" not in text_
    assert "job failed" in text_ and "ValueError at test_hardening.py:" in text_
    assert len(text_.strip().splitlines()) == 2  # the message line and one line of code path


# -- 6. unknown and locked names look alike ---------------------------------------------------------
def test_unknown_and_locked_users_get_the_same_answers(trained_app):
    staff(trained_app)
    answers = {}
    for i, name in enumerate(("alice", "nobody")):
        client = trained_app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{i + 1}"  # per-client limits apart
        answers[name] = []
        for _ in range(7):
            r = client.post(f"{BASE}/auth/login", json={"username": name, "password": "wrong password!"})
            answers[name].append((r.status_code, r.get_json()["message"], r.headers.get("Retry-After")))
    assert answers["alice"] == answers["nobody"]
    assert [a[0] for a in answers["nobody"]] == [401] * 4 + [429] * 3
    assert answers["nobody"][-1][1] == "Too many failed sign-ins; try again in 15 minutes."


# -- 7. rate limits per real client and per account --------------------------------------------------
@pytest.fixture
def proxied_app(trained_database_url, tmp_path):
    app = make_app(
        trained_database_url,
        tmp_path,
        TRUSTED_PROXIES=1,
        RATE_LIMIT_LOGIN="3 per minute",
        RATE_LIMIT_LOGIN_ACCOUNT="5 per minute",
    )
    yield app
    close(app)


def _login(app, ip, username="nobody", **headers):
    return app.test_client().post(
        f"{BASE}/auth/login",
        json={"username": username, "password": "x"},
        headers={"X-Forwarded-For": ip, **headers},
    )


def test_sign_in_is_limited_per_real_client_behind_the_proxy(proxied_app):
    assert [_login(proxied_app, "203.0.113.1", f"u{i}").status_code for i in range(3)] == [401] * 3
    limited = _login(proxied_app, "203.0.113.1", "u4")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert limited.get_json()["code"] == 429
    # a valid API key does not open a fresh bucket, nor does a forged X-Forwarded-For entry
    assert (
        _login(proxied_app, "203.0.113.1", "u5", Authorization=f"Bearer {KEYS['admin']}").status_code == 429
    )
    assert _login(proxied_app, "198.51.100.7, 203.0.113.1", "u6").status_code == 429
    # another client behind the same proxy has its own bucket
    assert _login(proxied_app, "203.0.113.2", "u7").status_code == 401


def test_sign_in_is_limited_per_account_across_clients(proxied_app):
    codes = [_login(proxied_app, f"203.0.113.{i}", "Target").status_code for i in range(10, 16)]
    assert codes[-1] == 429


def test_sign_in_limit_ignores_api_key_headers(trained_database_url, tmp_path):
    app = make_app(trained_database_url, tmp_path, RATE_LIMIT_LOGIN="3 per minute")
    try:
        codes = [_login(app, "-", f"u{i}").status_code for i in range(4)]
        assert codes == [401, 401, 401, 429]
        keyed = _login(app, "-", "u5", Authorization=f"Bearer {KEYS['admin']}")
        assert keyed.status_code == 429 and int(keyed.headers["Retry-After"]) > 0
    finally:
        close(app)


def test_every_429_has_retry_after(trained_database_url, tmp_path):
    app = make_app(trained_database_url, tmp_path, RATE_LIMIT_WRITES="2 per minute")
    try:
        client = authorized(app, "analyst")
        codes = [client.patch(f"{BASE}/customers/1", json={"age": 40 + i}).status_code for i in range(3)]
        assert codes == [200, 200, 429]
        limited = client.patch(f"{BASE}/customers/1", json={"age": 50})
        assert limited.status_code == 429 and 0 < int(limited.headers["Retry-After"]) <= 61
        assert limited.get_json()["code"] == 429
    finally:
        close(app)


# -- 8. bodies over the limit are 413, chunked or not -------------------------------------------------
def test_chunked_body_over_the_limit_is_413_in_process(trained_app):
    limit = trained_app.config["MAX_CONTENT_LENGTH"]
    body = b"[" + b" " * limit + b"]"
    response = authorized(trained_app).post(
        f"{BASE}/segmentation/predict-segment",
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413 and response.get_json()["code"] == 413


# -- 9. ASCII digits only -----------------------------------------------------------------------------
@pytest.mark.parametrize("digits", ["٥٠٠", "５００", "५००", "1٥"])
def test_unicode_digits_are_not_numbers(trained_client, digits):
    predict = trained_client.post(
        f"{BASE}/segmentation/predict-segment", json=[{**PROFILE, "Travel": digits}]
    )
    assert predict.status_code == 422
    create = trained_client.post(f"{BASE}/customers", json=customer(9_000_030, Travel=digits))
    assert create.status_code == 422
    # (customer ids are the bank's text, so ``q`` is a text prefix and takes any digits)


def test_importer_takes_ascii_digits_only(trained_app):
    from segmentation.customers.importer import parse_row

    row = {
        "customer_id": "1",
        "booked_at": "2026-11-01T00:00:00Z",
        "amount": "12.50",
        "category": "Travel",
        "channel": "pos",
    }
    assert parse_row(row)[1] is None
    assert "amount" in parse_row({**row, "amount": "５"})[1]
    assert "amount" in parse_row({**row, "amount": str(MONEY_MAX + 1)})[1]
    assert "amount" in parse_row({**row, "amount": "1e1000000"})[1]


# -- 10. protocol corners -------------------------------------------------------------------------------
def test_unsupported_method_is_405_with_allow(trained_client):
    for method in ("TRACE", "PUT"):
        response = trained_client.open(f"{BASE}/customers/1", method=method)
        assert response.status_code == 405 and response.get_json()["code"] == 405
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert {"GET", "PATCH", "DELETE"} <= allowed and method not in allowed


def test_openapi_predict_body_needs_one_profile(trained_client):
    spec = trained_client.get(f"{BASE}/openapi.json").get_json()
    body = spec["paths"]["/api/v1/segmentation/predict-segment"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["minItems"] == 1
    assert trained_client.post(f"{BASE}/segmentation/predict-segment", json=[]).status_code == 422


# -- 11. writes during a model switch answer with a real segment ------------------------------------------
def test_write_during_model_switch_answers_with_the_serving_model(
    trained_database_url, trained_template, tmp_path
):
    shutil.copytree(trained_template[1], tmp_path / "models")
    # the worker checks for a new model rarely, so the switch below is "in flight" for it
    app = make_app(trained_database_url, tmp_path, MODEL_POLL_SECONDS=3600)
    try:
        client = authorized(app)
        assert (
            client.post(f"{BASE}/segmentation/predict-segment", json=[PROFILE]).get_json()["model_version"]
            == 1
        )
        with app.app_context():  # v2 becomes active; no customer is re-segmented yet
            v2 = db.session.scalar(
                text(
                    "INSERT INTO model_versions (status, artifact_path, sha256, k, feature_set, features, "
                    "sklearn_version, n_train_rows, metrics, k_curve, training_stats, training_seconds) "
                    "SELECT 'candidate', artifact_path, sha256, k, feature_set, features, sklearn_version, "
                    "n_train_rows, metrics, k_curve, training_stats, training_seconds FROM model_versions "
                    "WHERE id = 1 RETURNING id"
                )
            )
            db.session.execute(text("UPDATE model_versions SET is_active = false WHERE id = 1"))
            db.session.execute(text("UPDATE model_versions SET is_active = true WHERE id = :v"), {"v": v2})
            db.session.commit()
        patched = client.patch(f"{BASE}/customers/1", json={"spending": {"Travel": 900}})
        assert patched.status_code == 200
        assert patched.get_json()["segment"] is not None
        assert patched.get_json()["segment"]["model_version"] == 1
        created = client.post(f"{BASE}/customers", json=customer(9_000_040))
        assert created.status_code == 201 and created.get_json()["segment"]["model_version"] == 1
        added = client.post(
            f"{BASE}/customers/9000040/transactions",
            json={
                "transactions": [
                    {"booked_at": "2026-11-20T10:00:00Z", "amount": 5, "category": "Travel", "channel": "pos"}
                ]
            },
        )
        assert added.status_code == 201 and added.get_json()["customer"]["segment"] is not None
    finally:
        close(app)


# -- 12. users: list, change, disable, delete (API and CLI), audited ----------------------------------------
def audit_actions(app):
    with app.app_context():
        return [
            tuple(r)
            for r in db.session.execute(text("SELECT actor, action, target FROM audit_events ORDER BY id"))
        ]


def test_admin_manages_users_through_the_api(trained_app):
    uid = staff(trained_app, "bob", "viewer")
    admin = authorized(trained_app)
    listed = admin.get(f"{BASE}/auth/users").get_json()["items"]
    assert [u["username"] for u in listed] == ["bob"] and "password" not in listed[0]
    changed = admin.patch(f"{BASE}/auth/users/{uid}", json={"role": "analyst", "disabled": True})
    assert changed.status_code == 200
    assert changed.get_json()["role"] == "analyst" and changed.get_json()["disabled"] is True
    refused = trained_app.test_client().post(
        f"{BASE}/auth/login", json={"username": "bob", "password": PASSWORD}
    )
    assert refused.status_code == 401
    assert admin.patch(f"{BASE}/auth/users/{uid}", json={"disabled": False}).status_code == 200
    assert admin.patch(f"{BASE}/auth/users/{uid}", json={"password": "new long password"}).status_code == 200
    sign_in(trained_app, "bob", "new long password")
    assert admin.patch(f"{BASE}/auth/users/{uid}", json={}).status_code == 422
    assert admin.patch(f"{BASE}/auth/users/{uid}", json={"password": "short"}).status_code == 422
    assert admin.delete(f"{BASE}/auth/users/{uid}").status_code == 204
    assert admin.delete(f"{BASE}/auth/users/{uid}").status_code == 404
    assert admin.get(f"{BASE}/auth/users").get_json()["items"] == []
    actions = [(actor, action) for actor, action, target in audit_actions(trained_app) if target == "bob"]
    for action in ("user.role", "user.disable", "user.enable", "user.password", "user.delete"):
        assert ("key:tests-admin", action) in actions
    assert authorized(trained_app, "analyst").get(f"{BASE}/auth/users").status_code == 403


def test_admins_cannot_remove_themselves_or_the_last_admin(trained_app):
    root = staff(trained_app, "root", "admin")
    client = sign_in(trained_app, "root")
    for method, body in (("patch", {"disabled": True}), ("delete", None), ("patch", {"role": "viewer"})):
        response = getattr(client, method)(f"{BASE}/auth/users/{root}", json=body, headers=xsrf(client))
        assert response.status_code == 409 and "your own account" in response.get_json()["message"]
    # through an API key: root is the last active admin
    admin = authorized(trained_app)
    response = admin.delete(f"{BASE}/auth/users/{root}")
    assert response.status_code == 409 and "last active admin" in response.get_json()["message"]
    other = staff(trained_app, "second", "admin")
    assert admin.patch(f"{BASE}/auth/users/{root}", json={"disabled": True}).status_code == 200
    assert admin.delete(f"{BASE}/auth/users/{other}").status_code == 409
    runner = trained_app.test_cli_runner()
    assert "last active admin" in runner.invoke(args=["delete-user", "second"]).output


def test_users_disabled_and_deleted_with_the_cli(trained_app):
    staff(trained_app, "carol", "analyst")
    client = sign_in(trained_app, "carol")
    runner = trained_app.test_cli_runner()
    result = runner.invoke(args=["disable-user", "carol"])
    assert result.exit_code == 0 and "Disabled carol" in result.output
    assert client.get(f"{BASE}/auth/me").status_code == 401
    assert runner.invoke(args=["delete-user", "Carol"]).exit_code == 0
    assert runner.invoke(args=["delete-user", "carol"]).exit_code != 0
    actions = audit_actions(trained_app)
    assert ("cli", "user.disable", "carol") in actions and ("cli", "user.delete", "carol") in actions


# -- 1. nothing but nginx reaches gunicorn -----------------------------------------------------
def test_only_nginx_reaches_gunicorn_in_compose_and_kubernetes():
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    services, networks = compose["services"], compose["networks"]
    api = services["data-segmentation-app"]
    for net in api["networks"]:
        assert networks[net].get("internal") is True, net
        sharing = {name for name, s in services.items() if net in (s.get("networks") or {})} - {
            "data-segmentation-app"
        }
        allowed = {
            "database": {"postgres", "segmentation-worker"},
            # the metrics ports (9200, 9201) and their scraper (profile monitoring): no client traffic
            "metrics": {"segmentation-worker", "prometheus"},
        }.get(net, {"web", "api-proxy"})
        assert sharing <= allowed, net
    proxy = services["api-proxy"]
    assert "customer-segmentation-app" in proxy["networks"]["segmentation"]["aliases"]
    assert proxy["environment"]["LISTEN_PORT"] == "5000" and api["environment"]["TRUSTED_PROXIES"] == "1"

    deployment = yaml.safe_load((root / "deploy/k8s/api-deployment.yaml").read_text())
    containers = {c["name"]: c for c in deployment["spec"]["template"]["spec"]["containers"]}
    gunicorn_env = {e["name"]: e.get("value") for e in containers["api"]["env"]}
    assert gunicorn_env["GUNICORN_BIND"].startswith("127.0.0.1:")
    # the api container's only port is the metrics one (gunicorn's master, not gunicorn's listener)
    assert [p["name"] for p in containers["api"].get("ports", [])] == ["metrics"]
    assert gunicorn_env["METRICS_BIND"].endswith(":9200")
    nginx = containers["nginx"]
    assert nginx["image"] == "hs-bank-customer-data-segmentation-web"
    assert [p["containerPort"] for p in nginx["ports"]] == [5000]
    service = yaml.safe_load((root / "deploy/k8s/api-service.yaml").read_text())
    assert service["metadata"]["name"] == "customer-segmentation-app"
    assert service["spec"]["ports"] == [{"name": "http", "port": 5000, "targetPort": "http"}]
