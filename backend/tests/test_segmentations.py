"""Segmentations on a bank's own columns: presets, kinds, sources, side by side."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from conftest import authorized
from sklearn.metrics import adjusted_rand_score
from sqlalchemy import text

from segmentation.core.extensions import db
from segmentation.core.values import NO_CONTROL
from segmentation.ml.scalar import Scalar

# -- generated populations with known structure ----------------------------------------------


def bank_profile(n: int, rng: np.random.Generator) -> tuple[list[dict], np.ndarray]:
    """Three bank-profile groups: young digital, established savers, older borrowers."""
    truth = rng.choice(3, size=n, p=[0.45, 0.35, 0.20])
    age = np.array([24, 45, 63])[truth] + rng.normal(0, 3, n)
    income = np.array([1800, 5200, 3100])[truth] * rng.lognormal(0, 0.15, n)
    balance = np.array([900, 42000, 8000])[truth] * rng.lognormal(0, 0.3, n)
    loyalty = np.clip(np.array([150, 700, 450])[truth] + rng.normal(0, 40, n), 1, 1000).round()
    flags = [
        rng.random(n) < np.array(p)[truth]
        for p in ([0.9, 0.2, 0.05], [0.8, 0.3, 0.1], [0.7, 0.1, 0.05], [0.6, 0.9, 0.3])
    ]
    rows = []
    for i in range(n):
        rows.append(
            {
                "age": round(float(age[i])),
                "gender": ["F", "M"][i % 2],
                "monthly_income": round(float(income[i]), 2),
                "account_balance": round(float(balance[i]), 2),
                "loyalty_score": int(loyalty[i]),
                "education_level": ["secondary", "bachelor", "master"][i % 3],
                "facebook_interaction": bool(flags[0][i]),
                "instagram_interaction": bool(flags[1][i]),
                "twitter_interaction": bool(flags[2][i]),
                "email_interaction": bool(flags[3][i]),
                "total_withdrawals": round(float(income[i] * [0.9, 0.5, 0.8][truth[i]]), 2),
                "total_deposits": round(float(income[i] * [1.0, 1.3, 0.9][truth[i]]), 2),
                "transaction_count": int(rng.poisson([60, 25, 12][truth[i]])),
                "has_loan": bool(rng.random() < [0.1, 0.2, 0.85][truth[i]]),
            }
        )
    return rows, truth


def income_score(n: int, rng: np.random.Generator) -> tuple[list[dict], np.ndarray]:
    """The mall picture: five groups in (annual income, spending score)."""
    centres = np.array([[25, 20], [25, 80], [55, 50], [90, 18], [90, 82]])
    truth = rng.choice(5, size=n, p=[0.15, 0.15, 0.35, 0.18, 0.17])
    income = centres[truth, 0] + rng.normal(0, 5, n)
    score = np.clip(centres[truth, 1] + rng.normal(0, 6, n), 1, 100)
    rows = [{"annual_income": round(float(income[i]), 1), "spending_score": int(score[i])} for i in range(n)]
    return rows, truth


def categorical_carried(n: int, rng: np.random.Generator) -> tuple[list[dict], np.ndarray]:
    """Three groups told apart only by two categorical columns; the numbers are noise."""
    truth = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    region = np.array(["north", "south", "east"])[truth]
    product = np.array(["savings", "credit", "mortgage"])[truth]
    noise = rng.random(n) < 0.05  # a few customers off their group's pattern
    region[noise] = rng.choice(["north", "south", "east"], size=noise.sum())
    rows = [
        {
            "balance": round(float(rng.lognormal(7, 0.4)), 2),
            "tenure_years": int(rng.integers(1, 20)),
            "region": str(region[i]),
            "product": str(product[i]),
        }
        for i in range(n)
    ]
    return rows, truth


def one_blob(n: int, rng: np.random.Generator) -> tuple[list[dict], np.ndarray]:
    x = rng.multivariate_normal([50, 50, 50], np.eye(3) * 25, size=n)
    return [{"a": float(r[0]), "b": float(r[1]), "c": float(r[2])} for r in x], np.zeros(n, dtype=int)


def load_attributes(app, rows: list[dict], prefix: str = "C") -> list[str]:
    """Store rows as customers with text ids and attributes; returns the ids in order."""
    ids = [f"{prefix}{10001 + i}" for i in range(len(rows))]
    buf = io.StringIO()
    writer = csv.writer(buf)
    for cid, row in zip(ids, rows, strict=True):
        writer.writerow([cid, json.dumps(row)])
    buf.seek(0)
    with app.app_context():
        conn = db.engine.raw_connection()
        try:
            with conn.cursor() as cur:
                cur.execute("CREATE TEMP TABLE _a (external_id text, attributes jsonb)")
                cur.copy_expert("COPY _a FROM STDIN (FORMAT csv)", buf)
                cur.execute(
                    "INSERT INTO customers (external_id, attributes) SELECT external_id, attributes FROM _a"
                )
                types = {}
                for key, value in rows[0].items():
                    types[key] = (
                        "boolean"
                        if isinstance(value, bool)
                        else "category"
                        if isinstance(value, str)
                        else "number"
                    )
                for key, t in types.items():
                    cur.execute(
                        "INSERT INTO customer_columns (name, type, categories) VALUES (%s, %s, %s)",
                        (key, t, json.dumps(sorted({r[key] for r in rows})) if t == "category" else None),
                    )
            conn.commit()
        finally:
            conn.close()
    return ids


def truth_by_assignment(app, segmentation: str, ids: list[str], truth: np.ndarray) -> float:
    """ARI between the stored assignments of the active model and the generator's truth."""
    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT c.external_id, a.segment_id FROM segment_assignments a "
                "JOIN customers c USING (customer_id) JOIN model_versions mv ON mv.id = a.model_version_id "
                "JOIN segmentations s ON s.id = mv.segmentation_id WHERE mv.is_active AND s.name = :s"
            ),
            {"s": segmentation},
        ).all()
    got = dict(rows)
    placed = [i for i, cid in enumerate(ids) if cid in got]
    assert len(placed) == len(ids), f"{len(ids) - len(placed)} customers were not placed"
    return adjusted_rand_score(truth[placed], [got[ids[i]] for i in placed])


def train(runner, name: str, *extra: str):
    result = runner.invoke(args=["train", "--segmentation", name, *extra])
    out = json.loads(next(line for line in result.output.splitlines() if line.startswith("{")))
    return result.exit_code, out


# -- presets and kinds ---------------------------------------------------------------------------


def test_presets_are_listed_with_their_columns(client):
    response = client.get("/api/v1/segmentations/presets")
    assert response.status_code == 200
    presets = {p["name"]: p for p in response.get_json()["items"]}
    assert set(presets) == {"lifestyle", "bank-profile", "income-score", "value-rfm"}
    assert len(presets["bank-profile"]["features"]) == 14
    kinds = {f["name"]: f["kind"] for f in presets["bank-profile"]["features"]}
    assert (
        kinds["gender"] == "categorical"
        and kinds["has_loan"] == "binary"
        and kinds["monthly_income"] == "money"
    )


def test_only_lifestyle_exists_at_first_and_is_the_default(client):
    items = client.get("/api/v1/segmentations").get_json()["items"]
    assert [s["name"] for s in items] == ["lifestyle"]
    assert items[0]["method"] == "kmeans" and len(items[0]["features"]) == 8
    assert client.get("/api/v1/segmentation/segments?segmentation=nope").status_code == 404
    assert client.get("/api/v1/segmentation/model?segmentation=nope").get_json()["message"] == (
        "No segmentation named 'nope'."
    )


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        (
            {"name": "x", "features": [{"name": "nosuch", "kind": "money"}]},
            ("features", "0", "name"),
            "No column named 'nosuch'",
        ),
        (
            {"name": "x", "features": [{"name": "region", "kind": "money"}]},
            ("features", "0", "kind"),
            "needs numbers",
        ),
        (
            {"name": "x", "features": [{"name": "balance", "kind": "categorical"}]},
            ("features", "0", "kind"),
            "categorical needs",
        ),
        ({"name": "Bad Name", "features": [{"name": "balance", "kind": "money"}]}, ("name",), "lower-case"),
        (
            {"name": "lifestyle", "features": [{"name": "balance", "kind": "money"}]},
            ("name",),
            "exists already",
        ),
        (
            {
                "name": "x",
                "features": [{"name": "balance", "kind": "money"}, {"name": "BALANCE", "kind": "count"}],
            },
            ("features", "1", "name"),
            "more than once",
        ),
    ],
)
def test_create_rejects_what_the_source_cannot_give(app, client, body, where, message):
    load_attributes(app, categorical_carried(20, np.random.default_rng(1))[0])
    response = client.post("/api/v1/segmentations", json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    for key in where:
        errors = errors[key]
    assert message in " ".join(errors)
    assert [s["name"] for s in client.get("/api/v1/segmentations").get_json()["items"]] == ["lifestyle"]


def test_bank_profile_preset_recovers_the_groups(app, runner):
    rows, truth = bank_profile(3000, np.random.default_rng(11))
    ids = load_attributes(app, rows)
    result = runner.invoke(args=["create-segmentation", "profile", "--preset", "bank-profile"])
    assert result.exit_code == 0, result.output
    code, out = train(runner, "profile")
    assert code == 0, out
    assert truth_by_assignment(app, "profile", ids, truth) >= 0.8


def test_income_score_preset_finds_the_five_groups(app, client, runner):
    rows, truth = income_score(2000, np.random.default_rng(5))
    ids = load_attributes(app, rows, prefix="M")
    assert runner.invoke(args=["create-segmentation", "mall", "--preset", "income-score"]).exit_code == 0
    code, out = train(runner, "mall")
    assert code == 0, out
    model = client.get("/api/v1/segmentation/model?segmentation=mall").get_json()
    assert model["k"] == 5 and model["k_reason"]
    assert [f["name"] for f in model["feature_specs"]] == ["annual_income", "spending_score"]
    assert truth_by_assignment(app, "mall", ids, truth) >= 0.85
    segments = client.get("/api/v1/segmentation/segments?segmentation=mall").get_json()["segments"]
    names = [s["name"] for s in segments]
    assert len(set(names)) == len(names)
    assert not any("Spender (" in n for n in names)  # not lifestyle names
    for s in segments:
        assert set(s["profile_detail"]) == {"annual_income", "spending_score"}
        assert s["profile_detail"]["annual_income"]["median"] > 0


def test_structure_carried_by_categories_side_by_side_with_lifestyle(
    trained_app, trained_client, monkeypatch
):
    runner = trained_app.test_cli_runner()
    rows, truth = categorical_carried(1500, np.random.default_rng(3))
    ids = load_attributes(trained_app, rows, prefix="K")
    created = trained_client.post(
        "/api/v1/segmentations",
        json={
            "name": "products",
            "features": [
                {"name": "balance", "kind": "money"},
                {"name": "tenure_years", "kind": "count"},
                {"name": "region", "kind": "categorical"},
                {"name": "product", "kind": "categorical"},
            ],
        },
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["method"] == "kprototypes"
    code, out = train(runner, "products", "--k", "3")
    assert code == 0, out
    assert truth_by_assignment(trained_app, "products", ids, truth) >= 0.85

    model = trained_client.get("/api/v1/segmentation/model?segmentation=products").get_json()
    region = next(f for f in model["feature_specs"] if f["name"] == "region")
    assert region["kind"] == "categorical" and region["categories"] == ["east", "north", "south"]

    url = "/api/v1/segmentation/predict-segment?segmentation=products"
    ok = trained_client.post(
        url, json=[{"balance": "1200.50", "tenure_years": 4, "Region": "south", "product": "credit"}]
    )
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["model_version"] == model["version"]
    # spelt as the model spells it: one profile labelled in plain Python (ml/scalar.py), the
    # label a batch's vectorised pass gives
    labels = []
    label = Scalar.label
    monkeypatch.setattr(Scalar, "label", lambda *a: labels.append(label(*a)) or labels[-1])
    for balance, region, product in [("1200.50", "south", "credit"), ("15", "east", "savings")]:
        exact = {"balance": balance, "tenure_years": 4, "region": region, "product": product}
        one = trained_client.post(url, json=[exact]).get_json()["predictions"]
        assert one == trained_client.post(url, json=[exact, exact]).get_json()["predictions"][:1]
    assert len(labels) == 2 and None not in labels
    bad = trained_client.post(
        url, json=[{"balance": 10, "tenure_years": 4, "region": "west", "product": "credit"}]
    )
    assert bad.status_code == 422
    assert bad.get_json()["errors"]["json"]["0"]["region"] == ["Must be one of: east, north, south."]
    # a control character is refused, even one that stripping the category would remove
    control = trained_client.post(
        url, json=[{"balance": 10, "tenure_years": 4, "region": "south\u001f", "product": "credit"}]
    )
    assert control.status_code == 422
    assert control.get_json()["errors"]["json"] == {"0": {"region": [NO_CONTROL]}}
    wrong = trained_client.post(url, json=[{"Utilities": 10}])
    assert wrong.status_code == 422

    # lifestyle is untouched: same model, same answer shape, its own segments
    life = trained_client.post(
        "/api/v1/segmentation/predict-segment",
        json=[
            {
                c: "100"
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
            }
        ],
    )
    assert life.status_code == 200 and life.get_json()["model_version"] == 1
    life_ids = {s["id"] for s in trained_client.get("/api/v1/segmentation/segments").get_json()["segments"]}
    product_ids = {
        s["id"]
        for s in trained_client.get("/api/v1/segmentation/segments?segmentation=products").get_json()[
            "segments"
        ]
    }
    assert life_ids and product_ids and not life_ids & product_ids
    versions = trained_client.get("/api/v1/segmentation/models?segmentation=products").get_json()["items"]
    assert [v["version"] for v in versions] == [model["version"]]
    assert [
        s["active_model_version"] for s in trained_client.get("/api/v1/segmentations").get_json()["items"]
    ] == [1, model["version"]]


def test_no_structure_is_rejected_with_exit_3_and_nothing_active(app, client, runner):
    rows, _ = one_blob(3000, np.random.default_rng(2))
    load_attributes(app, rows, prefix="B")
    assert (
        runner.invoke(
            args=[
                "create-segmentation",
                "blob",
                "--feature",
                "a:score",
                "--feature",
                "b:score",
                "--feature",
                "c:score",
            ]
        ).exit_code
        == 0
    )
    code, out = train(runner, "blob")
    assert code == 3, out
    assert "no clear segment structure" in out["error"]
    response = client.get("/api/v1/segmentation/model?segmentation=blob")
    assert (response.status_code, response.get_json()["reason"]) == (409, "no_active_model")


# -- the bank's own relation ------------------------------------------------------------------


def _bank_table(app, rows: list[dict]) -> None:
    with app.app_context():
        conn = db.engine.raw_connection()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "CREATE TABLE bank_cards (cust_id text PRIMARY KEY, annual_income float8, spending_score int, closed bool)"
                )
                for i, r in enumerate(rows):
                    cur.execute(
                        "INSERT INTO bank_cards VALUES (%s, %s, %s, %s)",
                        (f"CARD{i:05d}", r["annual_income"], r["spending_score"], i % 50 == 0),
                    )
                cur.execute("CREATE VIEW open_cards AS SELECT * FROM bank_cards WHERE NOT closed")
            conn.commit()
        finally:
            conn.close()


def test_source_view_trains_and_exports_the_banks_ids(app, runner, tmp_path):
    rows, truth = income_score(1500, np.random.default_rng(9))
    _bank_table(app, rows)
    result = runner.invoke(
        args=[
            "create-segmentation",
            "cards",
            "--source",
            "open_cards",
            "--id-column",
            "cust_id",
            "--feature",
            "annual_income:money",
            "--feature",
            "spending_score:score",
        ]
    )
    assert result.exit_code == 0, result.output
    code, out = train(runner, "cards")
    assert code == 0, out
    target = tmp_path / "cards.csv"
    result = runner.invoke(args=["export-assignments", "--segmentation", "cards", "--output", str(target)])
    assert result.exit_code == 0, result.output
    with target.open() as fh:
        exported = list(csv.DictReader(fh))
    assert list(exported[0]) == ["customer_id", "segment_id", "segment_name"]
    to_stdout = runner.invoke(args=["export-assignments", "--segmentation", "cards"])
    assert to_stdout.exit_code == 0 and to_stdout.stdout_bytes == target.read_bytes()
    open_ids = [f"CARD{i:05d}" for i in range(len(rows)) if i % 50]
    assert sorted(r["customer_id"] for r in exported) == sorted(open_ids)
    by_id = {r["customer_id"]: int(r["segment_id"]) for r in exported}
    keep = [i for i in range(len(rows)) if i % 50]
    assert adjusted_rand_score(truth[keep], [by_id[f"CARD{i:05d}"] for i in keep]) >= 0.85


def test_a_select_source_cannot_write(app, client):
    with app.app_context():
        before = db.session.scalar(text("SELECT last_value FROM customers_customer_id_seq"))
    rows, _ = income_score(50, np.random.default_rng(1))
    _bank_table(app, rows)
    response = client.post(
        "/api/v1/segmentations",
        json={
            "name": "sneaky",
            "source": "WITH gone AS (DELETE FROM bank_cards RETURNING *) SELECT * FROM gone",
            "id_column": "cust_id",
            "features": [{"name": "annual_income", "kind": "money"}],
        },
    )
    assert response.status_code == 422
    assert "cannot read the source" in " ".join(response.get_json()["errors"]["json"]["source"])
    # a SELECT that calls a writing function runs in a read-only transaction
    setval = client.post(
        "/api/v1/segmentations",
        json={
            "name": "sneaky",
            "source": "SELECT cust_id, annual_income, setval('customers_customer_id_seq', 1) AS s FROM bank_cards",
            "id_column": "cust_id",
            "features": [{"name": "annual_income", "kind": "money"}],
        },
    )
    assert setval.status_code == 201  # reading no rows writes nothing; reading them is refused
    result = app.test_cli_runner().invoke(args=["train", "--segmentation", "sneaky"])
    assert result.exit_code == 1
    assert "read-only transaction" in result.output
    two = client.post(
        "/api/v1/segmentations",
        json={
            "name": "two",
            "source": "SELECT 1; DROP TABLE bank_cards",
            "features": [{"name": "x", "kind": "money"}],
        },
    )
    assert two.status_code == 422
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM bank_cards")) == 50
        assert db.session.scalar(text("SELECT last_value FROM customers_customer_id_seq")) == before


def test_value_rfm_preset_uses_the_profiles_rfm_figures(app, client, runner):
    rng = np.random.default_rng(4)
    truth = rng.choice(3, size=1500, p=[0.5, 0.3, 0.2])
    recency = np.array([10, 120, 300])[truth] + rng.integers(0, 15, 1500)
    frequency = np.array([25, 6, 1])[truth] + rng.integers(0, 3, 1500)
    monetary = frequency * np.array([80, 45, 30])[truth] * rng.lognormal(0, 0.1, 1500)
    ids = load_attributes(app, [{} for _ in range(1500)], prefix="R")
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO spending_profiles (customer_id, recency_days, frequency, monetary, source) "
                "SELECT c.customer_id, r.recency, r.frequency, r.monetary, 'transactions' FROM customers c "
                "JOIN unnest(:ids, :r, :f, :m) AS r(external_id, recency, frequency, monetary) USING (external_id)"
            ),
            {"ids": ids, "r": recency.tolist(), "f": frequency.tolist(), "m": np.round(monetary, 2).tolist()},
        )
        db.session.commit()
    assert runner.invoke(args=["create-segmentation", "value", "--preset", "value-rfm"]).exit_code == 0
    code, out = train(runner, "value")
    assert code == 0, out
    assert truth_by_assignment(app, "value", ids, truth) >= 0.85
    segments = client.get("/api/v1/segmentation/segments?segmentation=value").get_json()["segments"]
    assert all(s["rfm"] and s["rfm"]["frequency"] is not None for s in segments)


def test_unknown_segmentation_is_404_everywhere(trained_client):
    for path in ("segments", "model", "models", "jobs", "drift", "projection", "assignments.csv"):
        response = trained_client.get(f"/api/v1/segmentation/{path}?segmentation=nope")
        assert response.status_code == 404, path
    assert (
        trained_client.post("/api/v1/segmentation/predict-segment?segmentation=nope", json=[{}]).status_code
        == 404
    )
    assert trained_client.post("/api/v1/segmentation/trigger-training?segmentation=nope").status_code == 404


def test_train_unknown_segmentation_exits_1(runner):
    result = runner.invoke(args=["train", "--segmentation", "nope"])
    assert result.exit_code == 1 and "No segmentation named 'nope'" in result.output


def test_viewer_cannot_create_segmentations(app):
    response = authorized(app, "viewer").post(
        "/api/v1/segmentations", json={"name": "x", "preset": "income-score"}
    )
    assert response.status_code == 403


def test_external_source_without_setting_is_a_clear_error(client):
    response = client.post(
        "/api/v1/segmentations",
        json={
            "name": "ext",
            "source": "cards",
            "external": True,
            "features": [{"name": "a", "kind": "money"}],
        },
    )
    assert response.status_code == 422
    assert "SOURCE_DATABASE_URL" in " ".join(response.get_json()["errors"]["json"]["source"])


def test_features_read_in_key_ranges_on_two_connections_equal_one_statement(app, runner):
    """Everyone's features are read a key range at a time, two connections side by side;
    put together in key order they are exactly what one COPY statement returns."""
    from psycopg2 import sql

    from segmentation.data import bulk
    from segmentation.segmentations import service, sources

    runner.invoke(args=["seed-demo", "--customers", "3000", "--seed", "3"])
    with app.app_context():
        specs = service.specs_of(service.get("lifestyle"))
        data = service.load(service.get("lifestyle"))
        first, second = db.engine.raw_connection(), db.engine.raw_connection()
        try:
            with first.cursor() as cur, second.cursor() as other:
                whole = sources.load_service(cur, specs, where=sql.SQL("TRUE"))  # one statement
                ranged = lambda lo, hi: (  # noqa: E731
                    f"SELECT customer_id, age::float8 FROM customers WHERE customer_id >= {lo} "
                    f"AND customer_id < {hi} ORDER BY customer_id"
                )
                ids, ages = bulk.copy_out_by_key(
                    cur, ranged, [np.int64, np.float64], (1, 3000, 10), 250, [other]
                )
                one = bulk.copy_out(
                    cur,
                    "SELECT customer_id, age::float8 FROM customers ORDER BY customer_id",
                    [np.int64, np.float64],
                )
        finally:
            first.close()
            second.close()
    assert len(data) == 3000
    assert np.array_equal(data.ids, whole.ids) and np.array_equal(data.num, whole.num, equal_nan=True)
    assert np.array_equal(ids, one[0]) and np.array_equal(ages[:, 0], one[1])


def _scans_of(plan: dict, relation: str) -> list[dict]:
    found = [plan] if plan.get("Relation Name") == relation else []
    for child in plan.get("Plans", []):
        found += _scans_of(child, relation)
    return found


@pytest.mark.parametrize(
    "names", [("Travel", "Dining"), ("age", "Travel")], ids=["profiles only", "left join"]
)
def test_a_key_range_query_reads_only_that_range_of_the_spending_profiles(app, runner, names):
    """PostgreSQL does not carry c's key range through the join's equality: stated for c only,
    every range's query read all of spending_profiles (10M rows per range at 10M customers)."""
    from segmentation.ml.kinds import FeatureSpec
    from segmentation.segmentations import sources

    runner.invoke(args=["seed-demo", "--customers", "2000", "--seed", "3"])
    specs = [FeatureSpec(n, "score" if n == "age" else "money") for n in names]
    query, _ = sources._service_query(specs, (500, 700))
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            with raw.cursor() as cur:
                cur.execute("SET enable_seqscan = off")  # a small table: the plan would scan it whole anyway
                cur.execute("EXPLAIN (FORMAT JSON) " + query.as_string(cur))
                plan = cur.fetchone()[0][0]["Plan"]
                cur.execute(query.as_string(cur))
                keys = sorted(r[0] for r in cur.fetchall())
        finally:
            raw.rollback()
            raw.close()
    scans = _scans_of(plan, "spending_profiles")
    conditions = [s.get("Index Cond") or s.get("Recheck Cond", "") for s in scans]  # an index or bitmap scan
    assert conditions and all(">= 500" in c and "< 700" in c for c in conditions)
    assert keys == list(range(500, 700))
