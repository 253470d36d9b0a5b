import threading
from datetime import UTC

import pytest
from sqlalchemy import text

from segmentation.core.extensions import db

URL = "/api/v1/customers"
TRAVELLER = {
    "Utilities": 150,
    "Groceries": "280.00",
    "Transport": 0,
    "Dining": 380,
    "Entertainment": 160,
    "OnlineShopping": 0,
    "Travel": "1500",
    "Healthcare": 0,
}


def new_customer(**overrides):
    body = {
        "customer_id": 7_000_001,
        "age": 41,
        "gender": "F",
        "monthly_income": "5200.50",
        "account_balance": "-120.00",
        "loyalty_score": 640,
        "education_level": "master",
        "has_loan": False,
        "online_interactions": 12,
        "branch_visits": 1,
        "call_center_calls": 0,
        "spending": dict(TRAVELLER),
    }
    body.update(overrides)
    return body


def rows(app, sql, **params):
    with app.app_context():
        return db.session.execute(text(sql), params).all()


def test_create_assigns_a_segment_at_once(trained_app, trained_client):
    response = trained_client.post(URL, json=new_customer())
    assert response.status_code == 201
    body = response.get_json()
    # an integer id is stored as its text; the bank's id is a string everywhere
    assert body["customer_id"] == "7000001" and body["monthly_income"] == 5200.5
    assert body["attributes"] == {}
    assert body["account_balance"] == -120.0
    assert body["spending"]["Travel"] == 1500.0
    assert body["segment"]["name"] == "Frequent Traveller" and body["segment"]["model_version"] == 1
    stored = rows(
        trained_app,
        "SELECT segment_id FROM segment_assignments WHERE customer_id = (SELECT customer_id FROM customers WHERE external_id = '7000001')",
    )
    assert stored == [(body["segment"]["id"],)]
    assert body["segments"] == [{"segmentation": "lifestyle", "segment": body["segment"]}]
    assert trained_client.get(f"{URL}/7000001").get_json() == body


def test_duplicate_id_is_409_and_changes_nothing(trained_app, trained_client):
    before = rows(trained_app, "SELECT age FROM customers WHERE customer_id = 1")
    response = trained_client.post(URL, json=new_customer(customer_id=1, age=99))
    assert response.status_code == 409
    assert response.get_json()["message"] == "Customer 1 already exists."
    assert rows(trained_app, "SELECT age FROM customers WHERE customer_id = 1") == before


@pytest.mark.parametrize(
    "change, path, message",
    [
        ({"age": "forty"}, ["age"], "Not a valid integer."),
        ({"age": 7}, ["age"], "Must be greater than or equal to 16 and less than or equal to 120."),
        ({"gender": "Q"}, ["gender"], "Must be one of: F, M, X."),
        (
            {"loyalty_score": 0},
            ["loyalty_score"],
            "Must be greater than or equal to 1 and less than or equal to 1000.",
        ),
        ({"monthly_income": -1}, ["monthly_income"], "Must be greater than or equal to 0."),
        ({"has_loan": "yes"}, ["has_loan"], "Not a valid boolean."),
        (
            {"education_level": "phd"},
            ["education_level"],
            "Must be one of: primary, secondary, bachelor, master, doctorate.",
        ),
        (
            {"branch_visits": -2},
            ["branch_visits"],
            "Must be greater than or equal to 0 and less than or equal to 2147483647.",
        ),
        ({"nickname": "Al"}, ["nickname"], "Unknown field."),
        ({"customer_id": " "}, ["customer_id"], "Must not be blank."),
        ({"customer_id": "C" * 65}, ["customer_id"], "Longer than 64 characters."),
        ({"customer_id": "a/b"}, ["customer_id"], "Must not contain '/' or control characters."),
        ({"customer_id": 1.5}, ["customer_id"], "Must be a string or an integer."),
        (
            {"spending": {**TRAVELLER, "Travel": -5}},
            ["spending", "Travel"],
            "Must be greater than or equal to 0.",
        ),
        (
            {"spending": {**TRAVELLER, "Travel": "lots"}},
            ["spending", "Travel"],
            "Must be a number or a numeric string.",
        ),
        ({"spending": {**TRAVELLER, "Casino": 5}}, ["spending", "Casino"], "Unknown field."),
        (
            {"spending": {k: v for k, v in TRAVELLER.items() if k != "Dining"}},
            ["spending", "Dining"],
            "Missing data for required field.",
        ),
    ],
)
def test_bad_fields_are_rejected_and_nothing_is_written(trained_app, trained_client, change, path, message):
    response = trained_client.post(URL, json=new_customer(**change))
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    for key in path:
        errors = errors[key]
    assert errors == [message]
    assert rows(trained_app, "SELECT 1 FROM customers WHERE external_id IN (' ', 'a/b', '7000001')") == []


def test_spending_keys_are_case_insensitive(trained_client):
    spending = {k.lower(): v for k, v in TRAVELLER.items()}
    body = trained_client.post(URL, json=new_customer(spending=spending)).get_json()
    assert body["spending"]["Travel"] == 1500.0


def test_patch_changes_only_given_fields_and_resegments(trained_app, trained_client):
    trained_client.post(URL, json=new_customer())
    response = trained_client.patch(
        f"{URL}/7000001",
        json={
            "loyalty_score": 999,
            "spending": {
                "Travel": 0,
                "Dining": 0,
                "Entertainment": 0,
                "Transport": 600,
                "Groceries": 320,
                "Utilities": 160,
            },
        },
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["loyalty_score"] == 999 and body["age"] == 41 and body["gender"] == "F"
    assert body["spending"]["Transport"] == 600.0 and body["spending"]["Healthcare"] == 0.0
    assert body["segment"]["name"] == "Daily Commuter"
    assert rows(
        trained_app,
        "SELECT count(*) FROM segment_assignments WHERE customer_id = (SELECT customer_id FROM customers WHERE external_id = '7000001')",
    ) == [(1,)]


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({}, "_schema", "Give at least one field to change."),
        ({"age": None, "customer_id": 5}, "customer_id", "Unknown field."),
        ({"spending": {"Travel": -1}}, "spending", {"Travel": ["Must be greater than or equal to 0."]}),
    ],
)
def test_bad_patches(trained_app, trained_client, body, field, message):
    before = rows(trained_app, "SELECT * FROM customers WHERE customer_id = 2")
    response = trained_client.patch(f"{URL}/2", json=body)
    assert response.status_code == 422
    got = response.get_json()["errors"]["json"][field]
    assert got == (message if isinstance(message, dict) else [message])
    assert rows(trained_app, "SELECT * FROM customers WHERE customer_id = 2") == before


def test_unknown_customer_is_404_everywhere(trained_client):
    for method, path, body in [
        ("get", f"{URL}/99999999", None),
        ("patch", f"{URL}/99999999", {"age": 30}),
        ("delete", f"{URL}/99999999", None),
        ("get", f"{URL}/99999999/explanation", None),
        (
            "post",
            f"{URL}/99999999/transactions",
            {
                "transactions": [
                    {"booked_at": "2026-11-01T10:00:00Z", "amount": 5, "category": "Travel", "channel": "pos"}
                ]
            },
        ),
    ]:
        response = getattr(trained_client, method)(path, json=body)
        assert response.status_code == 404, (method, path)
        assert response.get_json()["message"] == "Customer 99999999 does not exist."


def test_delete_removes_from_lookups_and_training(trained_app, trained_client):
    assert trained_client.delete(f"{URL}/3").status_code == 204
    assert trained_client.get(f"{URL}/3").status_code == 404
    assert rows(trained_app, "SELECT count(*) FROM segment_assignments WHERE customer_id = 3") == [(0,)]
    with trained_app.app_context():
        from segmentation.segmentations import service as segmentations

        ids = segmentations.load(segmentations.get("lifestyle")).ids
    assert 3 not in set(ids.tolist()) and len(ids) == 5999


def test_list_paginates_and_filters(trained_client):
    page = trained_client.get(f"{URL}?page=2&per_page=5").get_json()
    assert page["total"] == 6000 and page["page"] == 2 and page["per_page"] == 5
    assert [c["customer_id"] for c in page["items"]] == ["6", "7", "8", "9", "10"]
    found = trained_client.get(f"{URL}?q=599&per_page=50").get_json()
    assert {c["customer_id"] for c in found["items"]} == {str(i) for i in [599, *range(5990, 6000)]}
    seg = page["items"][0]["segment"]["id"]
    filtered = trained_client.get(f"{URL}?segment_id={seg}&per_page=200").get_json()
    assert filtered["total"] < 6000 and all(c["segment"]["id"] == seg for c in filtered["items"])
    bad = trained_client.get(f"{URL}?per_page=1000&q={'x' * 65}")
    assert bad.status_code == 422 and set(bad.get_json()["errors"]["query"]) == {"per_page", "q"}


def test_pages_and_totals_equal_a_plain_query_after_writes(trained_app, trained_client):
    """Keys first, rows joined after, a segment's total from the kept sizes: every page and
    total equals the plain query's, after writes that add, move and delete customers."""
    trained_client.post(URL, json=new_customer())
    trained_client.patch(f"{URL}/7000001", json={"spending": {"Travel": 0, "Transport": 900}})
    assert trained_client.delete(f"{URL}/12").status_code == 204
    current = (
        "SELECT c.external_id, a.segment_id FROM customers c "
        "LEFT JOIN model_versions mv ON mv.is_active AND mv.segmentation_id = "
        "(SELECT id FROM segmentations WHERE name = 'lifestyle') "
        "LEFT JOIN segment_assignments a ON a.customer_id = c.customer_id AND a.model_version_id = mv.id "
        "ORDER BY c.customer_id"
    )
    everyone = rows(trained_app, current)
    segments = {s for _, s in everyone}
    assert len(everyone) == 6000 and None not in segments and len(segments) > 2
    for query, expected in [
        ("", everyone),
        ("q=12", [r for r in everyone if r[0].startswith("12")]),
        *[(f"segment_id={s}", [r for r in everyone if r[1] == s]) for s in sorted(segments)],
        *[
            (f"segment_id={s}&q=1", [r for r in everyone if r[1] == s and r[0].startswith("1")])
            for s in segments
        ],
        ("segment_id=999999", []),
    ]:
        listed = []
        for page in (1, 2, 3):
            body = trained_client.get(f"{URL}?{query}&page={page}&per_page=100").get_json()
            assert body["total"] == len(expected), query
            listed += [(c["customer_id"], c["segment"]["id"]) for c in body["items"]]
        assert listed == [tuple(r) for r in expected[:300]], query
        # the second half's pages walk back from the last key: the same rows
        last = -(-len(expected) // 70)
        for page in sorted(p for p in {last // 2, last // 2 + 1, last - 1, last, last + 1} if p > 0):
            body = trained_client.get(f"{URL}?{query}&page={page}&per_page=70").get_json()
            got = [(c["customer_id"], c["segment"]["id"]) for c in body["items"]]
            assert got == [tuple(r) for r in expected[(page - 1) * 70 : page * 70]], (query, page)
    last = trained_client.get(f"{URL}?page=60&per_page=100").get_json()["items"]
    assert [c["customer_id"] for c in last] == [r[0] for r in everyone[5900:]]


def test_a_segment_total_is_its_kept_size_while_the_version_has_its_partition(trained_app, trained_client):
    """The kept size is the total while the active version's rows are in their partition;
    once they are gone (retention dropped them and the version came back) the rows are
    counted; no active model lists nobody."""
    (version,) = rows(trained_app, "SELECT id FROM model_versions WHERE is_active")[0]
    (segment, size) = rows(
        trained_app,
        "SELECT segment_id, customers FROM segment_summaries WHERE model_version_id = :v ORDER BY 1",
        v=version,
    )[0]
    listed = trained_client.get(f"{URL}?segment_id={segment}&per_page=5").get_json()
    assert listed["total"] == size > 0 and len(listed["items"]) == 5
    with trained_app.app_context():
        db.session.execute(
            text(
                "UPDATE segment_summaries SET customers = customers + 7 WHERE model_version_id = :v AND segment_id = :s"
            ),
            {"v": version, "s": segment},
        )
        db.session.commit()
    assert trained_client.get(f"{URL}?segment_id={segment}").get_json()["total"] == size + 7
    with trained_app.app_context():
        db.session.execute(text(f"DROP TABLE segment_assignments_v{version}"))
        db.session.commit()
    gone = trained_client.get(f"{URL}?segment_id={segment}").get_json()
    assert (gone["total"], gone["items"]) == (0, [])
    with trained_app.app_context():
        db.session.execute(text("UPDATE model_versions SET is_active = false"))
        db.session.commit()
    assert trained_client.get(f"{URL}?segment_id={segment}").get_json() == {
        "items": [],
        "total": 0,
        "page": 1,
        "per_page": 20,
    }
    assert trained_client.get(URL).get_json()["total"] == 6000


def test_the_kept_customer_count_follows_every_kind_of_write(app, client, tmp_path):
    """The list's total of everyone is kept by triggers, not counted: inserts through the API,
    the importer (new, unchanged and updated rows), deletes, a refused write and TRUNCATE."""
    from segmentation.customers import counts

    def kept_and_real():
        (kept,) = rows(app, "SELECT coalesce(sum(n), 0) FROM customer_counts")[0]
        (real,) = rows(app, "SELECT count(*) FROM customers")[0]
        return kept, real

    assert kept_and_real() == (0, 0)
    for i in range(3):
        assert client.post(URL, json=new_customer(customer_id=7_100_000 + i)).status_code == 201
    assert client.post(URL, json=new_customer(customer_id=7_100_000)).status_code == 409
    assert client.delete(f"{URL}/7100001").status_code == 204
    assert kept_and_real() == (2, 2)
    csv = tmp_path / "bank.csv"
    csv.write_text("customer_id,age\nB1,30\nB2,40\n7100000,50\n")
    for _ in range(2):  # the second run changes nothing
        result = app.test_cli_runner().invoke(args=["import-customers", str(csv)])
        assert result.exit_code == 0, result.output
        assert kept_and_real() == (4, 4)
    assert client.get(f"{URL}?per_page=2").get_json()["total"] == 4
    with app.app_context():  # the total is read from the kept count, not counted
        db.session.execute(text("INSERT INTO customer_counts (n) VALUES (5)"))
        db.session.commit()
    assert client.get(f"{URL}?per_page=2").get_json()["total"] == 9
    with app.app_context():
        db.session.execute(text("DELETE FROM customer_counts WHERE n = 5"))
        counts.compact()
    assert rows(app, "SELECT n FROM customer_counts") == [(4,)]
    assert client.get(f"{URL}?per_page=2").get_json()["total"] == 4
    with app.app_context():
        db.session.execute(text("TRUNCATE customers CASCADE"))
        db.session.commit()
    assert kept_and_real() == (0, 0)
    assert client.get(URL).get_json()["total"] == 0


def test_previous_segment_shows_when_it_changed(trained_app, trained_client):
    trained_client.post(URL, json=new_customer())
    with trained_app.app_context():
        from segmentation.training.service import create_run, execute_run

        run = execute_run(create_run({"k": 6}, trigger="cli").id)
        assert run.status == "succeeded"
        # pretend the customer sat elsewhere under the old model
        db.session.execute(
            text(
                "UPDATE segment_assignments SET segment_id = 4 "
                "WHERE customer_id = (SELECT customer_id FROM customers WHERE external_id = '7000001') AND model_version_id = 1"
            )
        )
        db.session.commit()
        # a customer whom both models put in the same segment
        same = db.session.scalar(
            text(
                "SELECT c.external_id FROM customers c JOIN segment_assignments a ON a.customer_id = c.customer_id "
                "AND a.model_version_id = 1 JOIN segment_assignments b ON b.customer_id = c.customer_id "
                "AND b.model_version_id = 2 WHERE a.segment_id = b.segment_id ORDER BY c.customer_id LIMIT 1"
            )
        )
    body = trained_client.get(f"{URL}/7000001").get_json()
    assert body["segment"]["model_version"] == 2
    assert body["previous_segment"]["id"] == 4 and body["previous_segment"]["model_version"] == 1
    unchanged = trained_client.get(f"{URL}/{same}").get_json()
    assert unchanged["segment"]["model_version"] == 2
    assert unchanged["previous_segment"] is None


def test_transactions_recompute_profile_rfm_and_segment(trained_app, trained_client):
    trained_client.post(URL, json=new_customer())
    from datetime import datetime, timedelta

    now = datetime.now(UTC)
    batch = [
        {
            "booked_at": (now - timedelta(days=d)).isoformat(),
            "amount": "300.00",
            "category": "OnlineShopping",
            "channel": "online",
        }
        for d in (70, 40, 10)
    ]
    batch += [
        {
            "booked_at": (now - timedelta(days=200)).isoformat(),
            "amount": 500,
            "category": "Travel",
            "channel": "online",
        }
    ]  # outside the 90-day window
    batch += [
        {
            "booked_at": (now - timedelta(days=3)).isoformat(),
            "amount": 90,
            "category": "groceries",
            "channel": "POS",
        }
    ]
    response = trained_client.post(f"{URL}/7000001/transactions", json={"transactions": batch})
    assert response.status_code == 201
    body = response.get_json()
    assert body["inserted"] == 5
    customer = body["customer"]
    assert customer["spending_source"] == "transactions"
    # the window ends at the latest transaction in the data (this one, 3 days ago)
    assert customer["rfm"] == {"recency_days": 0, "frequency": 4, "monetary": 990.0}
    months = 90 / 30.4375
    assert customer["spending"]["OnlineShopping"] == pytest.approx(900 / months, abs=0.01)
    assert customer["spending"]["Travel"] == 0.0
    # placed where predict-segment places the recomputed profile
    predicted = trained_client.post(
        "/api/v1/segmentation/predict-segment", json=[customer["spending"]]
    ).get_json()["predictions"][0]
    assert customer["segment"]["id"] == predicted


@pytest.mark.parametrize(
    "tx, field, message",
    [
        ({"amount": 0}, "amount", "Must be greater than 0."),
        ({"amount": -3}, "amount", "Must be greater than or equal to 0."),
        (
            {"category": "Casino"},
            "category",
            "Must be one of: Utilities, Groceries, Transport, Dining, Entertainment, "
            "OnlineShopping, Travel, Healthcare.",
        ),
        ({"channel": "pigeon"}, "channel", "Must be one of: pos, online, mobile, atm, branch, transfer."),
        ({"booked_at": "2026-11-01T10:00:00"}, "booked_at", "Not a valid aware datetime."),
        ({"memo": "x"}, "memo", "Unknown field."),
    ],
)
def test_bad_transactions_write_nothing(trained_app, trained_client, tx, field, message):
    good = {"booked_at": "2026-11-01T10:00:00Z", "amount": 5, "category": "Travel", "channel": "pos"}
    response = trained_client.post(f"{URL}/1/transactions", json={"transactions": [good, {**good, **tx}]})
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["transactions"]["1"][field] == [message]
    assert rows(trained_app, "SELECT count(*) FROM transactions") == [(0,)]


def test_explanation_in_plain_words(trained_client):
    trained_client.post(URL, json=new_customer())
    body = trained_client.get(f"{URL}/7000001/explanation").get_json()
    assert body["segment"]["name"] == "Frequent Traveller"
    assert body["runner_up"]["distance"] > body["distance"] >= 0
    assert body["runner_up"]["id"] != body["segment"]["id"]
    assert 1 <= len(body["drivers"]) <= 3
    travel = [d for d in body["drivers"] if d["feature"] == "Travel"]
    assert (
        travel
        and travel[0]["text"].startswith("Spends ")
        and "x the average customer" in travel[0]["text"]
        and "travel" in travel[0]["text"]
    )
    assert body["summary"].startswith(
        "Placed in Frequent Traveller; what sets this customer apart from the next "
        f"closest segment, {body['runner_up']['name']}, is their "
    )


def test_concurrent_patches_during_retraining_lose_no_update(trained_app, trained_client):
    from segmentation.training.service import create_run, execute_run

    fields = ["branch_visits", "call_center_calls", "online_interactions", "loyalty_score"]
    errors = []
    with trained_app.app_context():
        run_id = create_run({}, trigger="cli").id

    def retrain():
        with trained_app.app_context():
            errors.extend([] if execute_run(run_id).status == "succeeded" else ["training failed"])

    def patch(field, value):
        from conftest import authorized

        client = authorized(trained_app)
        for i in range(5):
            r = client.patch(f"{URL}/10", json={field: value + i})
            if r.status_code != 200:
                errors.append(r.get_json())

    threads = [threading.Thread(target=retrain)] + [
        threading.Thread(target=patch, args=(f, 100)) for f in fields
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    body = trained_client.get(f"{URL}/10").get_json()
    assert [body[f] for f in fields] == [104, 104, 104, 104]


def test_text_ids_and_prefix_search(trained_app, trained_client):
    for external_id in ("C10001", "C10002", "C1_9", "D1"):
        assert trained_client.post(URL, json=new_customer(customer_id=external_id)).status_code == 201
    body = trained_client.get(f"{URL}/C10002").get_json()
    assert body["customer_id"] == "C10002" and body["segment"]["name"] == "Frequent Traveller"
    # the internal key never leaves the service
    assert "external_id" not in body and set(body) >= {"attributes", "segments"}
    found = trained_client.get(f"{URL}?q=C1").get_json()
    assert [c["customer_id"] for c in found["items"]] == ["C10001", "C10002", "C1_9"]
    # LIKE wildcards in q are plain characters
    assert [c["customer_id"] for c in trained_client.get(f"{URL}?q=C1_").get_json()["items"]] == ["C1_9"]
    assert trained_client.patch(f"{URL}/C1_9", json={"age": 50}).get_json()["age"] == 50
    assert trained_client.get(f"{URL}/C1_9/explanation").status_code == 200
    assert trained_client.delete(f"{URL}/D1").status_code == 204
    assert trained_client.get(f"{URL}/D1").status_code == 404
    again = trained_client.post(URL, json=new_customer(customer_id="C10001"))
    assert again.status_code == 409 and again.get_json()["message"] == "Customer C10001 already exists."


def test_columns_lists_builtin_and_imported_columns(app, client, tmp_path):
    body = (
        "customer_id,BALANCE,PRC_FULL_PAYMENT,TENURE,Spending Score (1-100),Card,Vip\n"
        + "".join(
            f"C{i},{i * 10.5},{i / 40:.3f},{6 + i % 7},{i % 100 + 1},{'gold' if i % 2 else 'blue'},{i % 2}\n"
            for i in range(1, 31)
        )
        + "C99,,,,,,\n"
    )
    path = tmp_path / "cards.csv"
    path.write_text(body)
    assert app.test_cli_runner().invoke(args=["import-customers", str(path)]).exit_code == 0
    items = {c["name"]: c for c in client.get(f"{URL}/columns").get_json()["items"]}
    assert items["age"] == {
        "name": "age",
        "type": "number",
        "suggested_kind": "count",
        "categories": None,
        "n_values": 0,
        "n_missing": 31,
        "builtin": True,
    }
    assert items["Groceries"]["builtin"] and items["Groceries"]["suggested_kind"] == "money"
    kinds = {
        name: (items[name]["type"], items[name]["suggested_kind"])
        for name in items
        if not items[name]["builtin"]
    }
    assert kinds == {
        "BALANCE": ("number", "money"),
        "PRC_FULL_PAYMENT": ("number", "ratio"),
        "TENURE": ("number", "count"),
        "Spending Score (1-100)": ("number", "score"),
        "Card": ("category", "categorical"),
        "Vip": ("number", "binary"),
    }
    assert items["Card"]["categories"] == ["blue", "gold"]
    assert (items["BALANCE"]["n_values"], items["BALANCE"]["n_missing"]) == (30, 1)
