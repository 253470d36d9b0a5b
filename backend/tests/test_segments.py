import csv
import io
import tracemalloc

import psycopg2
import pytest
from sqlalchemy import text

from segmentation.core.extensions import db

BASE = "/api/v1/segmentation"


def test_segments_describe_the_active_model(trained_client):
    body = trained_client.get(f"{BASE}/segments").get_json()
    assert body["model_version"] == 1
    segments = body["segments"]
    assert len(segments) == 5 and sum(s["size"] for s in segments) == 6000
    assert sum(s["share"] for s in segments) == pytest.approx(1.0)
    traveller = next(s for s in segments if s["name"] == "Frequent Traveller")
    assert traveller["profile"]["Travel"] > 1000
    assert traveller["relative_profile"]["Travel"] > 3
    assert traveller["rfm"] is None and traveller["previous_size"] is None
    assert set(body["population_mean"]) == set(traveller["profile"])


def test_segment_edit_survives_retraining(trained_app, trained_client):
    segments = trained_client.get(f"{BASE}/segments").get_json()["segments"]
    target = next(s for s in segments if s["name"] == "Daily Commuter")
    response = trained_client.patch(
        f"{BASE}/segments/{target['id']}",
        json={"name": "  Metro Commuters ", "strategy": "Offer a transit card."},
    )
    assert response.status_code == 200
    assert response.get_json()["name"] == "Metro Commuters"
    with trained_app.app_context():
        from segmentation.training.service import create_run, execute_run

        assert execute_run(create_run({}, trigger="cli").id).status == "succeeded"
    after = {s["id"]: s for s in trained_client.get(f"{BASE}/segments").get_json()["segments"]}
    assert after[target["id"]]["name"] == "Metro Commuters"
    assert after[target["id"]]["strategy"] == "Offer a transit card."
    assert after[target["id"]]["edited"] == {"name": True, "strategy": True}
    assert after[target["id"]]["previous_size"] == target["size"]
    # predict-segment reports the staff name too
    body = trained_client.post(
        f"{BASE}/predict-segment",
        json={
            "Utilities": 160,
            "Groceries": 320,
            "Transport": 520,
            "Dining": 0,
            "Entertainment": 0,
            "OnlineShopping": 0,
            "Travel": 0,
            "Healthcare": 0,
        },
    ).get_json()
    assert body["segments"][0]["name"] == "Metro Commuters"


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"name": ""}, 422, "name"),
        ({"name": "x" * 81}, 422, "name"),
        ({}, 422, "_schema"),
        ({"colour": "red"}, 422, "colour"),
    ],
)
def test_bad_segment_edits(trained_client, body, status, field):
    response = trained_client.patch(f"{BASE}/segments/1", json=body)
    assert response.status_code == status and field in response.get_json()["errors"]["json"]


def test_unknown_segment_is_404(trained_client):
    assert trained_client.patch(f"{BASE}/segments/99", json={"name": "X"}).status_code == 404


def test_model_insight(trained_client):
    body = trained_client.get(f"{BASE}/model").get_json()
    assert body["version"] == 1 and body["k"] == 5 and body["n_train_rows"] == 6000
    assert body["features"][0] == "Utilities" and len(body["k_curve"]) == 7
    assert body["training_seconds"] > 0 and body["metrics"]["silhouette"] > 0.4


def test_no_model_is_409_with_its_reason_everywhere(client):
    gets = ["/segments", "/model", "/projection", "/drift", "/assignments.csv"]
    answers = [client.get(f"{BASE}{path}") for path in gets]
    answers.append(client.patch(f"{BASE}/segments/1", json={"name": "X"}))
    answers.append(client.post(f"{BASE}/predict-customers", json={"customer_ids": ["1"]}))
    answers.append(client.get("/api/v1/customers/1/explanation"))
    for response in answers:
        body = response.get_json()
        assert (response.status_code, body["reason"]) == (409, "no_active_model"), response.request.path
        assert body["message"].startswith("No model of segmentation 'lifestyle' is active yet."), body


def test_projection_is_stratified_and_capped(trained_client):
    body = trained_client.get(f"{BASE}/projection?sample=500").get_json()
    points = body["points"]
    assert 450 <= len(points) <= 560
    per_segment = {}
    for p in points:
        per_segment[p["segment_id"]] = per_segment.get(p["segment_id"], 0) + 1
    assert len(per_segment) == 5 and min(per_segment.values()) >= 10
    assert sum(body["explained_variance"]) <= 1.0
    assert trained_client.get(f"{BASE}/projection?sample=50000").status_code == 422


def test_export_streams_every_assignment(trained_client):
    response = trained_client.get(f"{BASE}/assignments.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 6000 and rows[0]["model_version"] == "1" and rows[0]["segment_name"]
    response.close()


def test_export_reads_names_and_rows_in_one_snapshot(trained_app, trained_client, monkeypatch):
    """Customers deleted after the export read its segment names are still in it: the names,
    the usual time and the rows come from one snapshot (REPEATABLE READ)."""
    from segmentation.segments import export

    with trained_app.app_context():
        dsn = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    read_names = export.segment_names

    def names_then_a_delete(cur, version):
        names = read_names(cur, version)
        other = psycopg2.connect(dsn)
        other.autocommit = True
        with other.cursor() as writer:  # another session deletes ten customers meanwhile
            writer.execute(
                "DELETE FROM customers WHERE customer_id IN (SELECT customer_id FROM customers LIMIT 10)"
            )
        other.close()
        return names

    monkeypatch.setattr(export, "segment_names", names_then_a_delete)
    response = trained_client.get(f"{BASE}/assignments.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    response.close()
    assert len(rows) == 6000
    with trained_app.app_context():  # the delete did happen
        assert db.session.scalar(text("SELECT count(*) FROM customers")) == 5990


def test_export_of_a_million_rows_keeps_memory_flat(trained_app):
    with trained_app.app_context():
        db.session.execute(
            text(
                "INSERT INTO customers (customer_id, external_id) "
                "SELECT g, g::text FROM generate_series(100001, 1100000) g"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO segment_assignments (customer_id, model_version_id, segment_id) "
                "SELECT g, 1, 1 + g % 5 FROM generate_series(100001, 1100000) g"
            )
        )
        db.session.commit()
    from conftest import authorized

    client = authorized(trained_app)
    tracemalloc.start()
    response = client.get(f"{BASE}/assignments.csv", buffered=False)
    lines = size = 0
    for chunk in response.response:
        lines += chunk.count("\n") if isinstance(chunk, str) else chunk.count(b"\n")
        size += len(chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    response.close()
    assert lines == 1 + 1_006_000
    assert size > 50_000_000
    assert peak < 20_000_000, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB export"


def test_drift_is_stable_on_training_data_and_flags_a_shift(trained_app, trained_client):
    calm = trained_client.get(f"{BASE}/drift").get_json()
    assert calm["retrain_advisable"] is False and calm["segment_psi"] < 0.01
    assert all(f["status"] == "stable" for f in calm["features"])
    with trained_app.app_context():
        db.session.execute(
            text(
                "UPDATE spending_profiles SET travel = travel + 900, dining = dining + 300 "
                "WHERE customer_id % 2 = 0"
            )
        )
        db.session.commit()
    shifted = trained_client.get(f"{BASE}/drift").get_json()
    assert shifted["retrain_advisable"] is True
    travel = next(f for f in shifted["features"] if f["feature"] == "Travel")
    assert travel["status"] == "drifted" and travel["current_mean"] > travel["training_mean"]
    assert shifted["summary"].startswith("Retraining is advisable")


def test_predict_known_customers(trained_app, trained_client):
    body = trained_client.post(
        f"{BASE}/predict-customers", json={"customer_ids": [5, "123456789", "2", "5"]}
    ).get_json()
    # ids are the bank's (text); numbers are taken as their text
    assert [p["customer_id"] for p in body["predictions"]] == ["5", "2"]
    assert body["unknown_ids"] == ["123456789"]
    with trained_app.app_context():
        stored = dict(
            db.session.execute(
                text("SELECT customer_id, segment_id FROM segment_assignments WHERE customer_id IN (2, 5)")
            ).all()
        )
    assert {int(p["customer_id"]): p["segment_id"] for p in body["predictions"]} == stored
    assert {s["id"] for s in body["segments"]} == set(stored.values())


@pytest.mark.parametrize(
    "body, field",
    [
        ({"customer_ids": []}, "customer_ids"),
        ({"customer_ids": [""]}, "customer_ids"),
        ({"customer_ids": ["x" * 65]}, "customer_ids"),
        ({"customer_ids": [1.5]}, "customer_ids"),
        ({"ids": [1]}, "ids"),
        ({"customer_ids": list(range(1, 10_002))}, "customer_ids"),
    ],
)
def test_predict_customers_bad_bodies(trained_client, body, field):
    response = trained_client.post(f"{BASE}/predict-customers", json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]["json"]
