def test_health(client):
    assert client.get("/health").get_json() == {"status": "ok"}


def test_ready_needs_a_model(client):
    response = client.get("/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert body["code"] == 503 and "no model" in body["message"]
    assert body["reason"] == "model_not_loaded" and response.headers["Retry-After"] == "5"


def test_ready_with_model(trained_client):
    body = trained_client.get("/ready").get_json()
    assert body["status"] == "ready" and body["model_version"] >= 1


def test_request_id_is_echoed(client):
    assert client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert len(client.get("/health", headers={"X-Request-ID": "bad id!"}).headers["X-Request-ID"]) == 32


def test_unknown_route_uses_the_error_shape(client):
    body = client.get("/api/v1/nope").get_json()
    assert body["code"] == 404 and body["status"] == "Not Found" and body["message"]
