"""Access control: roles, API keys, staff sign-in, lock-out, rate limits, CORS, audit."""

import pytest
from conftest import authorized, close, make_app
from sqlalchemy import text

from segmentation.core.extensions import db

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


def audit_actions(app):
    with app.app_context():
        return [
            tuple(r)
            for r in db.session.execute(text("SELECT actor, action, target FROM audit_events ORDER BY id"))
        ]


def test_every_endpoint_declares_its_role(app):
    from segmentation.auth import PUBLIC

    spec = app.test_client().get(f"{BASE}/openapi.json").get_json()
    methods = {"get", "post", "put", "patch", "delete"}
    undeclared = [
        (path, method)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if method in methods and op.get("x-required-role") not in ("viewer", "analyst", "admin", PUBLIC)
    ]
    assert undeclared == []
    # and the view functions themselves (what the before_request hook enforces)
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.rule.startswith("/api/v1/") and hasattr(view, "view_class"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert getattr(getattr(view.view_class, method.lower()), "_required_role", None), rule
    ops = spec["paths"]
    assert ops["/api/v1/segmentation/trigger-training"]["post"]["x-required-role"] == "admin"
    assert ops["/api/v1/customers/{customer_id}"]["patch"]["x-required-role"] == "analyst"
    assert ops["/api/v1/customers/{customer_id}"]["delete"]["security"] == [
        {"bearerAuth": []},
        {"sessionCookie": []},
    ]
    assert ops["/health"]["get"]["x-required-role"] == PUBLIC and "security" not in ops["/health"]["get"]


def test_no_credentials_is_401_in_the_error_shape(trained_app):
    client = trained_app.test_client()
    for method, path in [
        ("get", "/segmentation/segments"),
        ("post", "/segmentation/predict-segment"),
        ("get", "/customers/1"),
        ("post", "/segmentation/trigger-training"),
    ]:
        response = getattr(client, method)(f"{BASE}{path}", json=[PROFILE])
        assert response.status_code == 401, path
        body = response.get_json()
        assert body["code"] == 401 and body["status"] == "Unauthorized" and "Sign in first" in body["message"]
    assert client.get("/health").status_code == 200 and client.get("/ready").status_code == 200


@pytest.mark.parametrize(
    "header, message",
    [
        ("Bearer seg_00000000_nope", "The API key is not valid (unknown or revoked)."),
        ("Basic dXNlcjpwYXNz", "Use 'Authorization: Bearer <API key>'."),
        ("Bearer", "Use 'Authorization: Bearer <API key>'."),
    ],
)
def test_bad_keys_are_401(trained_app, header, message):
    response = trained_app.test_client().get(
        f"{BASE}/segmentation/segments", headers={"Authorization": header}
    )
    assert response.status_code == 401 and response.get_json()["message"] == message


ROLE_MATRIX = [
    # (method, path, body, lowest role allowed)
    ("post", "/segmentation/predict-segment", [PROFILE], "viewer"),
    ("get", "/customers/1", None, "viewer"),
    ("get", "/segmentation/jobs", None, "viewer"),
    ("patch", "/customers/1", {"age": 50}, "analyst"),
    ("patch", "/segmentation/segments/1", {"name": "Renamed"}, "analyst"),
    ("post", "/segmentation/trigger-training", {}, "admin"),
    ("post", "/segmentation/models/1/activate", None, "admin"),
    ("delete", "/customers/2", None, "admin"),
    ("get", "/auth/api-keys", None, "admin"),
]


@pytest.mark.parametrize("method, path, body, lowest", ROLE_MATRIX)
def test_roles(trained_app, method, path, body, lowest):
    order = ["viewer", "analyst", "admin"]
    for role in order:
        response = getattr(authorized(trained_app, role), method)(f"{BASE}{path}", json=body)
        if order.index(role) < order.index(lowest):
            assert response.status_code == 403, (role, path)
            assert response.get_json()["message"].startswith(f"This needs the {lowest} role; you are")
        else:
            assert response.status_code < 400, (role, path, response.get_json())


def test_forbidden_write_changes_nothing(trained_app):
    response = authorized(trained_app, "viewer").patch(f"{BASE}/customers/1", json={"age": 99})
    assert response.status_code == 403
    with trained_app.app_context():
        assert db.session.scalar(text("SELECT age FROM customers WHERE customer_id = 1")) != 99


def test_api_key_lifecycle_with_the_cli(trained_app):
    runner = trained_app.test_cli_runner()
    result = runner.invoke(args=["create-api-key", "--role", "viewer", "--name", "core-banking"])
    assert result.exit_code == 0
    key = result.stdout.strip().splitlines()[0]
    assert key.startswith("seg_")
    with trained_app.app_context():
        stored = db.session.execute(
            text("SELECT id, key_hash FROM api_keys WHERE name = 'core-banking'")
        ).one()
    assert key not in stored.key_hash  # only the hash is stored
    client = trained_app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    assert (
        client.post(f"{BASE}/segmentation/predict-segment", json=[PROFILE], headers=headers).status_code
        == 200
    )
    assert runner.invoke(args=["revoke-api-key", str(stored.id)]).exit_code == 0
    trained_app.extensions[
        "api_keys"
    ].forget()  # another process: the cache expires after API_KEY_CACHE_SECONDS
    assert (
        client.post(f"{BASE}/segmentation/predict-segment", json=[PROFILE], headers=headers).status_code
        == 401
    )
    assert ("cli", "apikey.revoke", f"core-banking ({key.split('_')[1]})") in audit_actions(trained_app)


def test_admin_manages_keys_through_the_api(trained_app):
    admin = authorized(trained_app)
    created = admin.post(f"{BASE}/auth/api-keys", json={"name": "crm", "role": "analyst"})
    assert created.status_code == 201 and created.get_json()["key"].startswith("seg_")
    listed = admin.get(f"{BASE}/auth/api-keys").get_json()["items"]
    assert "key" not in listed[0] and "key_hash" not in listed[0]
    key_id = created.get_json()["id"]
    assert admin.delete(f"{BASE}/auth/api-keys/{key_id}").get_json()["revoked_at"]
    response = trained_app.test_client().get(
        f"{BASE}/customers/1", headers={"Authorization": f"Bearer {created.get_json()['key']}"}
    )
    assert response.status_code == 401


def staff(app, role="analyst", username="alice", password="correct horse battery"):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", username, "--role", role, "--password", password])
    assert result.exit_code == 0, result.output
    return username, password


def test_sign_in_session_xsrf_and_sign_out(trained_app):
    username, password = staff(trained_app)
    client = trained_app.test_client()
    assert client.get(f"{BASE}/auth/me").status_code == 401
    response = client.post(f"{BASE}/auth/login", json={"username": "Alice", "password": password})
    assert response.status_code == 200 and response.get_json() == {"username": "alice", "role": "analyst"}
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("seg_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Strict" in session_cookie
    xsrf = client.get_cookie("XSRF-TOKEN").value
    assert client.get(f"{BASE}/auth/me").get_json()["username"] == "alice"
    assert client.get(f"{BASE}/customers/1").status_code == 200
    # a write with the session needs the XSRF header
    no_token = client.patch(f"{BASE}/customers/1", json={"age": 51})
    assert no_token.status_code == 403 and "X-XSRF-TOKEN" in no_token.get_json()["message"]
    ok = client.patch(f"{BASE}/customers/1", json={"age": 51}, headers={"X-XSRF-TOKEN": xsrf})
    assert ok.status_code == 200
    assert (
        client.post(f"{BASE}/segmentation/trigger-training", headers={"X-XSRF-TOKEN": xsrf}).status_code
        == 403
    )
    assert client.post(f"{BASE}/auth/logout").status_code == 204
    assert client.get(f"{BASE}/customers/1").status_code == 401
    actions = audit_actions(trained_app)
    assert ("user:alice", "auth.login", "alice") in actions
    assert ("user:alice", "customer.update", "1") in actions


def test_password_hash_is_salted_and_strong(trained_app):
    staff(trained_app, username="bob")
    staff(trained_app, username="carol")
    with trained_app.app_context():
        hashes = [r[0] for r in db.session.execute(text("SELECT password_hash FROM users ORDER BY username"))]
    assert all(h.startswith("scrypt:") for h in hashes) and hashes[0] != hashes[1]


def test_lock_out_after_repeated_failures(trained_app):
    username, password = staff(trained_app)
    client = trained_app.test_client()
    for _ in range(4):
        response = client.post(
            f"{BASE}/auth/login", json={"username": username, "password": "wrong password!"}
        )
        assert (
            response.status_code == 401 and response.get_json()["message"] == "Wrong user name or password."
        )
    locked = client.post(f"{BASE}/auth/login", json={"username": username, "password": "wrong password!"})
    assert locked.status_code == 429 and 840 <= int(locked.headers["Retry-After"]) <= 900
    # even the right password is refused while locked
    again = client.post(f"{BASE}/auth/login", json={"username": username, "password": password})
    assert again.status_code == 429 and "try again in 15 minutes" in again.get_json()["message"]
    unknown = client.post(f"{BASE}/auth/login", json={"username": "nobody", "password": "x"})
    assert unknown.status_code == 401


def test_login_rate_limit_is_shared_between_workers(trained_database_url, tmp_path):
    # two apps on one database stand for two gunicorn workers
    first = make_app(trained_database_url, tmp_path, RATE_LIMIT_LOGIN="3 per minute")
    second = make_app(trained_database_url, tmp_path, RATE_LIMIT_LOGIN="3 per minute")
    body = {"username": "nobody", "password": "x"}
    codes = [
        app.test_client().post(f"{BASE}/auth/login", json=body).status_code
        for app in (first, second, first, second)
    ]
    assert codes == [401, 401, 401, 429]
    close(first)
    close(second)


def test_predict_without_key_when_configured(trained_database_url, trained_template, tmp_path):
    import shutil

    shutil.copytree(trained_template[1], tmp_path / "models")
    app = make_app(trained_database_url, tmp_path, PREDICT_AUTH_REQUIRED=False)
    client = app.test_client()
    assert client.post(f"{BASE}/segmentation/predict-segment", json=[PROFILE]).status_code == 200
    assert client.get(f"{BASE}/segmentation/segments").status_code == 401
    close(app)


def test_cors_only_for_configured_origins(trained_database_url, tmp_path):
    app = make_app(trained_database_url, tmp_path, CORS_ORIGINS=("https://crm.bank.example",))
    client = authorized(app)
    allowed = client.get(f"{BASE}/segmentation/jobs", headers={"Origin": "https://crm.bank.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://crm.bank.example"
    other = client.get(f"{BASE}/segmentation/jobs", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = app.test_client().options(
        f"{BASE}/segmentation/predict-segment",
        headers={"Origin": "https://crm.bank.example", "Access-Control-Request-Method": "POST"},
    )
    assert (
        preflight.status_code == 200 and "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    )
    close(app)


def test_body_size_limit(trained_client):
    big = b"[" + b",".join([b'{"Utilities": 1}'] * 600_000) + b"]"
    response = trained_client.post(
        f"{BASE}/segmentation/predict-segment", data=big, content_type="application/json"
    )
    assert response.status_code == 413 and response.get_json()["code"] == 413


def test_audit_log_records_writes_training_and_activation(trained_app):
    admin = authorized(trained_app)
    admin.post(f"{BASE}/customers", json={"customer_id": 8_000_001, "spending": PROFILE})
    admin.delete(f"{BASE}/customers/8000001")
    admin.post(f"{BASE}/segmentation/trigger-training", json={})
    admin.post(f"{BASE}/segmentation/models/1/activate")
    actions = [(a, act) for a, act, _ in audit_actions(trained_app)]
    for expected in ["customer.create", "customer.delete", "training.trigger", "model.activate"]:
        assert ("key:tests-admin", expected) in actions
    with trained_app.app_context():
        details = db.session.scalar(text("SELECT details FROM audit_events WHERE action = 'customer.create'"))
    assert details == {}  # no customer data in the log


def test_first_run_secrets_only_in_0600_files_never_printed(app, tmp_path):
    """Finding 13: bootstrap prints where the first admin password and API key are, not
    the secrets themselves (process output ends up in logs)."""
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo", "--customers", "400"])
    result = runner.invoke(args=["bootstrap"])
    assert result.exit_code == 0, result.output
    key_file, password_file = tmp_path / "initial-api-key", tmp_path / "initial-admin-password"
    key, password = key_file.read_text().strip(), password_file.read_text().strip()
    assert key not in result.output and password not in result.output
    assert str(key_file) in result.output and str(password_file) in result.output
    assert "Sign in as 'admin' with the password in" in result.output
    for path in (key_file, password_file):
        assert oct(path.stat().st_mode)[-3:] == "600"
    assert (
        app.test_client()
        .get(f"{BASE}/segmentation/model", headers={"Authorization": f"Bearer {key}"})
        .status_code
        == 200
    )
    client = app.test_client()
    assert (
        client.post(f"{BASE}/auth/login", json={"username": "admin", "password": password}).status_code == 200
    )
    assert "Sign in as" not in runner.invoke(args=["bootstrap"]).output
