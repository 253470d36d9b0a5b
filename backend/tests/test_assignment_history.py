"""Assignment history at scale: partitions per model version, retention, stored summaries,
atomic re-segmenting, the streamed export and the migration that introduced them."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC

import numpy as np
import pytest
from conftest import authorized, close, make_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from segmentation.core.extensions import db

BASE = "/api/v1/segmentation"

SCAN = text(
    "SELECT segment_id, count(*) FROM segment_assignments WHERE model_version_id = :v GROUP BY 1 ORDER BY 1"
)
STORED = text(
    "SELECT segment_id, customers FROM segment_summaries WHERE model_version_id = :v AND customers > 0 ORDER BY 1"
)
PARTITIONS = text(
    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
    "WHERE i.inhparent = 'segment_assignments'::regclass ORDER BY 1"
)
STRAY = text("SELECT relname FROM pg_class WHERE relname ~ '^segment_assignments_v[0-9]+_' AND relkind = 'r'")


def rows(app, query, **params):
    with app.app_context():
        return [tuple(r) for r in db.session.execute(query, params).all()]


def retrain(app) -> int:
    from segmentation.training.service import create_run, execute_run

    with app.app_context():
        run = execute_run(create_run({}, trigger="cli").id)
        assert run.status == "succeeded", run.error
        return run.model_version_id


@pytest.fixture
def history_app(trained_database_url, trained_template, tmp_path):
    shutil.copytree(trained_template[1], tmp_path / "models")
    app = make_app(trained_database_url, tmp_path, ASSIGNMENT_HISTORY_VERSIONS=2)
    yield app
    close(app)


def test_retention_keeps_the_last_versions_and_every_summary(history_app):
    sizes_v1 = rows(history_app, SCAN, v=1)
    v2, v3 = retrain(history_app), retrain(history_app)
    sizes_v2 = rows(history_app, SCAN, v=v2)
    v4 = retrain(history_app)
    assert rows(history_app, PARTITIONS) == [
        ("segment_assignments_default",),
        (f"segment_assignments_v{v3}",),
        (f"segment_assignments_v{v4}",),
    ]
    # older versions: rows gone, per-segment sizes kept
    assert rows(history_app, SCAN, v=1) == [] and rows(history_app, SCAN, v=v2) == []
    assert rows(history_app, STORED, v=1) == sizes_v1 and rows(history_app, STORED, v=v2) == sizes_v2
    # the active version and its predecessor are whole
    for v in (v3, v4):
        assert sum(n for _, n in rows(history_app, SCAN, v=v)) == 6000
    # a customer's previous segment still comes from the predecessor's rows
    customer = authorized(history_app).get("/api/v1/customers/5").get_json()
    assert customer["segment"]["model_version"] == v4
    with history_app.app_context():
        notes = db.session.execute(text("SELECT notes FROM model_versions WHERE id = :v"), {"v": v4}).scalar()
    assert any(n.startswith("After re-segmenting: 6,000 customers placed; 2 versions") for n in notes)


def test_stored_summaries_equal_a_full_scan_after_api_writes(trained_app, trained_client):
    from test_customers import new_customer

    new = new_customer(customer_id="S-1")
    assert trained_client.post("/api/v1/customers", json=new).status_code == 201
    changed = trained_client.patch("/api/v1/customers/7", json={"spending": {"Travel": 4000, "Dining": 900}})
    assert changed.status_code == 200
    assert trained_client.delete("/api/v1/customers/9").status_code == 204
    with trained_app.app_context():
        db.session.execute(
            text("UPDATE segment_assignments SET segment_id = 1 WHERE customer_id BETWEEN 20 AND 60")
        )
        db.session.execute(text("DELETE FROM customers WHERE customer_id BETWEEN 100 AND 130"))
        db.session.commit()
    scan = rows(trained_app, SCAN, v=1)
    assert rows(trained_app, STORED, v=1) == scan and sum(n for _, n in scan) == 6000 + 1 - 1 - 31
    listed = trained_client.get(f"{BASE}/segments").get_json()["segments"]
    assert sorted((s["id"], s["size"]) for s in listed if s["size"]) == scan


def test_rfm_figures_equal_a_full_scan_after_recompute(trained_app, trained_client):
    with trained_app.app_context():
        db.session.execute(
            text(
                "INSERT INTO transactions (customer_id, booked_at, amount, category, channel) "
                "SELECT g, now() - (g % 40) * interval '1 day', 10 + g % 90, 'Travel', 'pos' "
                "FROM generate_series(1, 3000) g"
            )
        )
        db.session.commit()
        from segmentation.customers.rfm import recompute_all

        recompute_all()
        expected = db.session.execute(
            text(
                "SELECT a.segment_id, round(avg(p.frequency)), round(avg(p.monetary)::numeric, 2), count(*) "
                "FROM segment_assignments a JOIN spending_profiles p USING (customer_id) "
                "WHERE a.model_version_id = 1 AND p.frequency > 0 GROUP BY 1 ORDER BY 1"
            )
        ).all()
    listed = trained_client.get(f"{BASE}/segments").get_json()["segments"]
    got = sorted(
        (s["id"], s["rfm"]["frequency"], s["rfm"]["monetary"], s["rfm"]["customers"])
        for s in listed
        if s["rfm"]
    )
    assert got and got == [(sid, int(f), float(m), n) for sid, f, m, n in expected]
    # segments without members with a purchase history show none
    assert {s["id"] for s in listed if not s["rfm"]} == {s["id"] for s in listed} - {e[0] for e in expected}


def _state(app):
    return (
        rows(app, PARTITIONS),
        rows(app, SCAN, v=1),
        rows(app, STORED, v=1),
        rows(app, text("SELECT customer_id, segment_id FROM segment_assignments ORDER BY 1")),
    )


@pytest.mark.parametrize("fail_at", [0.1, 0.9, "after swap"])
def test_a_failed_resegmenting_changes_nothing(trained_app, monkeypatch, fail_at):
    """A run that fails while writing, or after its partition was swapped in but before the
    commit, leaves the previous partition, its rows and its summaries as they were, and no
    half-built table."""
    from segmentation.segmentations import service as segmentations
    from segmentation.training import registry
    from segmentation.training.resegment import resegment

    before = _state(trained_app)

    def fail(fraction):
        if isinstance(fail_at, float) and fraction >= fail_at:
            raise RuntimeError("disk full")

    if fail_at == "after swap":
        from segmentation.segments import summaries

        def broken(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(summaries, "compute", broken)

    with trained_app.app_context():
        mv = registry.active_version(1)
        data = segmentations.load(segmentations.get("lifestyle"))
        data.num[:, 0] = data.num[:, 0] * 7  # a run that would move customers
        with pytest.raises(RuntimeError, match="disk full"):
            resegment(mv.id, registry.predictor_for(mv), data, fail)
    assert _state(trained_app) == before
    assert rows(trained_app, STRAY) == []


def test_customers_deleted_while_a_run_works_are_left_out_of_its_partition(trained_app):
    """The ATTACH validates the foreign keys: rows of customers deleted after the run read
    its data are dropped, and the stored sizes count what was kept."""
    from segmentation.segmentations import service as segmentations
    from segmentation.training import registry
    from segmentation.training.resegment import resegment

    with trained_app.app_context():
        mv = registry.active_version(1)
        data = segmentations.load(segmentations.get("lifestyle"))
        db.session.execute(text("DELETE FROM customers WHERE customer_id BETWEEN 100 AND 130"))
        db.session.commit()
        resegment(mv.id, registry.predictor_for(mv), data)
    scan = rows(trained_app, SCAN, v=1)
    assert sum(n for _, n in scan) == 6000 - 31
    assert rows(trained_app, STORED, v=1) == scan
    assert rows(trained_app, STRAY) == []


def test_resegmenting_a_version_again_swaps_its_partition_and_keeps_newer_api_rows(trained_app):
    from segmentation.training.pipeline import resegment_version

    with trained_app.app_context():
        db.session.execute(text("UPDATE segment_assignments SET segment_id = 1 WHERE customer_id <= 50"))
        db.session.commit()
        assert resegment_version(1) == 6000
    scan = rows(trained_app, SCAN, v=1)
    assert rows(trained_app, STORED, v=1) == scan and sum(n for _, n in scan) == 6000
    moved = rows(
        trained_app,
        text("SELECT count(*) FROM segment_assignments WHERE customer_id <= 50 AND segment_id <> 1"),
    )
    assert moved[0][0] > 0  # the hand-made changes were replaced by the model's segments
    assert rows(trained_app, STRAY) == []
    assert ("segment_assignments_v1",) in rows(trained_app, PARTITIONS)


def test_api_writes_during_a_rebuild_win_over_the_rebuilt_rows(trained_app):
    from segmentation.segments import partitions

    with trained_app.app_context():
        raw = db.engine.raw_connection()
        try:
            with raw.cursor() as cur:
                stage = partitions.create_stage(cur, 1)
                cur.execute(
                    f"INSERT INTO {stage} (customer_id, model_version_id, segment_id) "
                    "SELECT customer_id, 1, 2 FROM customers"
                )
                partitions.seal_stage(cur, stage, 1)
                cur.execute("SELECT now()")
                since = cur.fetchone()[0]
                # meanwhile (another connection): the API re-places customer 3 in segment 4
                other = db.engine.raw_connection()
                with other.cursor() as ocur:
                    ocur.execute(
                        "UPDATE segment_assignments SET segment_id = 4, assigned_at = now() WHERE customer_id = 3"
                    )
                other.commit()
                other.close()
                live = partitions.merge_writes(cur, stage, 1, since)
                partitions.attach(cur, stage, 1, live)
            raw.commit()
        finally:
            raw.close()
    got = dict(
        rows(
            trained_app,
            text("SELECT customer_id, segment_id FROM segment_assignments WHERE customer_id <= 4"),
        )
    )
    assert got == {1: 2, 2: 2, 3: 4, 4: 2}


def test_export_content_matches_the_database(trained_app, trained_client):
    evil = "=cmd|' /C calc'!A0"
    assert trained_client.patch(f"{BASE}/segments/2", json={"name": evil}).status_code == 200
    # names are written into the query: a quote, a backslash, a comma and text beyond ASCII
    quoted = 'L\'\u00e9pargne \\ "or", s\u00fbr \u20ac'
    assert trained_client.patch(f"{BASE}/segments/3", json={"name": quoted}).status_code == 200
    with trained_app.app_context():
        db.session.execute(
            text("UPDATE customers SET external_id = '+44' || external_id WHERE customer_id <= 3")
        )
        # times Python and PostgreSQL write differently: a trailing zero, whole seconds, one microsecond
        for customer, at in ((4, "05.754210"), (5, "05"), (6, "05.000001"), (7, "05.100000")):
            db.session.execute(
                text("UPDATE segment_assignments SET assigned_at = :at WHERE customer_id = :c"),
                {"at": f"2026-01-02 03:04:{at}+00", "c": customer},
            )
        db.session.commit()
        expected = db.session.execute(
            text(
                "SELECT c.external_id, a.segment_id, s.name, a.assigned_at FROM segment_assignments a "
                "JOIN customers c USING (customer_id) JOIN segments s ON s.id = a.segment_id "
                "WHERE a.model_version_id = 1 ORDER BY a.customer_id"
            )
        ).all()
    body = trained_client.get(f"{BASE}/assignments.csv").get_data(as_text=True)
    got = list(csv.reader(io.StringIO(body)))
    assert got[0] == ["customer_id", "segment_id", "segment_name", "model_version", "assigned_at"]

    def safe(value):
        return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value

    assert got[1:] == [
        [safe(e), str(s), safe(n), "1", at.astimezone(UTC).isoformat()] for e, s, n, at in expected
    ]
    assert got[1][0] == "'+441" and any(r[2] == "'" + evil for r in got[1:])
    assert any(r[2] == quoted for r in got[1:])
    assert [r[4] for r in got[4:8]] == [
        "2026-01-02T03:04:05.754210+00:00",
        "2026-01-02T03:04:05+00:00",
        "2026-01-02T03:04:05.000001+00:00",
        "2026-01-02T03:04:05.100000+00:00",
    ]


@pytest.mark.parametrize("usual", ["05", "05.100000"])
def test_export_writes_the_usual_time_once_and_every_other_time_itself(
    trained_app, trained_client, usual, monkeypatch
):
    """Most rows share one time (a whole second, or one whose text keeps a trailing zero): the
    export writes that text as it is for them and formats the few others, with the same text."""
    from segmentation.segments import export
    from segmentation.segments.export import API_COLUMNS, copy_sql, usual_time

    used = []

    def recorded(version, columns, usual=None, names=None):  # the download's query is given the usual time
        used.append(usual)
        return copy_sql(version, columns, usual, names)

    monkeypatch.setattr(export, "copy_sql", recorded)

    with trained_app.app_context():
        db.session.execute(
            text("UPDATE segment_assignments SET assigned_at = :at"), {"at": f"2026-01-02 03:04:{usual}+00"}
        )
        for customer, at in ((4, "05.754210"), (5, "06"), (6, "05.000001")):
            db.session.execute(
                text("UPDATE segment_assignments SET assigned_at = :at WHERE customer_id = :c"),
                {"at": f"2026-01-02 03:04:{at}+00", "c": customer},
            )
        db.session.commit()
        cur = db.session.connection().connection.cursor()
        cur.execute("SET TimeZone = 'UTC'")
        at, written = usual_time(cur, 1)
        assert written == f"2026-01-02T03:04:{usual}+00:00"
        assert f"THEN '{written}'" in copy_sql(1, API_COLUMNS, (at, written), {}).as_string(cur.connection)
        expected = [
            r[0].astimezone(UTC).isoformat()
            for r in db.session.execute(
                text(
                    "SELECT assigned_at FROM segment_assignments WHERE model_version_id = 1 ORDER BY customer_id"
                )
            )
        ]
        db.session.rollback()
    body = trained_client.get(f"{BASE}/assignments.csv").get_data(as_text=True)
    got = [r[4] for r in list(csv.reader(io.StringIO(body)))[1:]]
    assert got == expected and len(got) == 6000 and used == [(at, written)]
    assert got[3:6] == [
        "2026-01-02T03:04:05.754210+00:00",
        "2026-01-02T03:04:06+00:00",
        "2026-01-02T03:04:05.000001+00:00",
    ]


def test_migration_down_and_up_keeps_every_assignment(trained_app):
    everything = text(
        "SELECT customer_id, model_version_id, segment_id, assigned_at FROM segment_assignments ORDER BY 1, 2"
    )
    before = rows(trained_app, everything)
    with trained_app.app_context():
        downgrade(revision="0007m")
        kind = db.session.execute(
            text("SELECT relkind FROM pg_class WHERE relname = 'segment_assignments'")
        ).scalar()
        assert kind == "r"
        assert [tuple(r) for r in db.session.execute(everything).all()] == before
        db.session.remove()
        upgrade()
        kind = db.session.execute(
            text("SELECT relkind FROM pg_class WHERE relname = 'segment_assignments'")
        ).scalar()
        assert kind == "p"
        db.session.remove()
    assert rows(trained_app, everything) == before
    assert rows(trained_app, STORED, v=1) == rows(trained_app, SCAN, v=1)
    assert ("segment_assignments_v1",) in rows(trained_app, PARTITIONS)


def test_drift_and_projection_read_a_sample_above_insight_sample_rows(
    trained_database_url, trained_template, tmp_path
):
    shutil.copytree(trained_template[1], tmp_path / "models")
    app = make_app(trained_database_url, tmp_path, INSIGHT_SAMPLE_ROWS=1000)
    try:
        client = authorized(app)
        with app.app_context():
            db.session.execute(text("ANALYZE customers"))
            db.session.commit()
        drift = client.get(f"{BASE}/drift").get_json()
        assert 0 < drift["n_customers"] <= 1000 and drift["retrain_advisable"] is False
        points = client.get(f"{BASE}/projection?sample=500").get_json()["points"]
        assert 0 < len(points) <= 500 and {p["segment_id"] for p in points} == {1, 2, 3, 4, 5}
        with app.app_context():
            from segmentation.data.dataset import session_cursor
            from segmentation.ml.kinds import FeatureSpec
            from segmentation.segmentations import service, sources
            from segmentation.segments import insights

            seg = service.get("lifestyle")
            everyone = service.load(seg)
            sample = insights.current_data(seg, 1000, 7)
            # at most 1,000 customers spread over the table, each with its own values
            assert 500 <= len(sample) <= 1000 and len(set(sample.ids.tolist())) == len(sample)
            assert sample.ids.max() - sample.ids.min() > len(everyone) / 2
            rows = np.searchsorted(everyone.ids, sample.ids)
            assert (everyone.ids[rows] == sample.ids).all()
            assert np.array_equal(everyone.num[rows], sample.num, equal_nan=True)
            assert insights.current_data(seg, 1000, 8).ids.tolist() != sample.ids.tolist()
            # a customer without a profile: left out when every feature is an amount, kept
            # (amounts missing) when one is the customer's own column; categories read too
            db.session.execute(
                text("UPDATE customers SET gender = CASE WHEN customer_id % 3 = 0 THEN 'F' ELSE 'M' END")
            )
            db.session.execute(text("UPDATE customers SET gender = NULL WHERE customer_id % 11 = 0"))
            db.session.execute(text("DELETE FROM spending_profiles WHERE customer_id % 7 = 0"))
            amounts = [FeatureSpec("Groceries", "money"), FeatureSpec("Dining", "money")]
            mixed = [FeatureSpec("Groceries", "money"), FeatureSpec("gender", "categorical")]
            with session_cursor() as cur:
                part = sources.load_service(cur, amounts, sample=(20.0, 7))
                assert len(part) > 500 and not (part.ids % 7 == 0).any() and not np.isnan(part.num).any()
                whole = sources.load_service(cur, mixed)
                part = sources.load_service(cur, mixed, sample=(20.0, 7))
            rows = np.searchsorted(whole.ids, part.ids)
            assert len(part) > 500 and (whole.ids[rows] == part.ids).all()
            assert np.array_equal(whole.num[rows], part.num, equal_nan=True)
            assert part.categories == whole.categories == [["F", "M"]]
            assert (part.cat[:, 0] == whole.cat[rows, 0]).all()
            assert (part.cat[:, 0] == -1).any() and {0, 1} <= set(part.cat[:, 0].tolist())
            assert np.isnan(part.num[part.ids % 7 == 0]).all() and (part.ids % 7 == 0).any()
            db.session.rollback()
    finally:
        close(app)


@pytest.mark.parametrize(
    "setting, value, message",
    [
        ("ASSIGNMENT_HISTORY_VERSIONS", 1, "ASSIGNMENT_HISTORY_VERSIONS must be at least 2"),
        ("INSIGHT_SAMPLE_ROWS", 10, "INSIGHT_SAMPLE_ROWS must be at least 1000"),
    ],
)
def test_history_and_sample_settings_are_checked(setting, value, message):
    from segmentation.core.config import Config

    with pytest.raises(ValueError, match=message):
        Config.from_env(**{setting: value})
