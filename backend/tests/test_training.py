import json
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score
from sqlalchemy import select, text

from segmentation.core.extensions import db
from segmentation.ml import artifacts
from segmentation.segments.models import Segment
from segmentation.training.models import ModelVersion, TrainingRun
from segmentation.training.service import create_run, execute_run

EXPECTED_NAMES = {
    "Utilities Only",
    "Frequent Online Shopper",
    "Family Essentials",
    "Frequent Traveller",
    "Daily Commuter",
}


def assignments(app, version):
    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT c.customer_id, c.latent_segment, a.segment_id FROM customers c "
                "JOIN segment_assignments a ON a.customer_id = c.customer_id AND a.model_version_id = :v "
                "ORDER BY c.customer_id"
            ),
            {"v": version},
        ).all()
    return rows


def test_auto_k_recovers_latent_segments(trained_app):
    with trained_app.app_context():
        mv = db.session.scalars(select(ModelVersion).where(ModelVersion.is_active)).one()
        assert mv.k == 5
        assert [p["k"] for p in mv.k_curve] == list(range(2, 9))
        for point in mv.k_curve:
            assert {"k", "inertia", "silhouette", "davies_bouldin", "calinski_harabasz"} <= set(point)
        assert mv.k_reason
        assert {"silhouette", "inertia"} <= set(mv.metrics)
        names = {ms.segment.name for ms in mv.segments}
        version = mv.id
    rows = assignments(trained_app, version)
    assert len(rows) == 6000
    ari = adjusted_rand_score([r.latent_segment for r in rows], [r.segment_id for r in rows])
    assert ari >= 0.90
    assert names == EXPECTED_NAMES


def test_retraining_unchanged_data_keeps_every_segment_id(trained_app):
    runner = trained_app.test_cli_runner()
    with trained_app.app_context():
        first = db.session.scalars(select(ModelVersion).where(ModelVersion.is_active)).one().id
    result = runner.invoke(args=["train"])
    assert result.exit_code == 0, result.output
    second = json.loads(result.output.strip().splitlines()[-1])["model_version"]
    assert second != first
    before = {r.customer_id: r.segment_id for r in assignments(trained_app, first)}
    after = {r.customer_id: r.segment_id for r in assignments(trained_app, second)}
    assert before == after
    with trained_app.app_context():
        mv = db.session.get(ModelVersion, second)
        assert mv.ari_vs_previous == pytest.approx(1.0)
        assert mv.previous_version_id == first
        assert db.session.get(ModelVersion, first).status == "retired"
        # history: the first model's assignments are still there
        assert (
            db.session.scalar(text("SELECT count(DISTINCT model_version_id) FROM segment_assignments")) == 2
        )


def test_forced_k_and_new_segments_get_new_ids(trained_app):
    runner = trained_app.test_cli_runner()
    result = runner.invoke(args=["train", "--k", "6"])
    assert result.exit_code == 0, result.output
    with trained_app.app_context():
        mv = db.session.scalars(select(ModelVersion).where(ModelVersion.is_active)).one()
        assert mv.k == 6 and [p["k"] for p in mv.k_curve] == [6]
        ids = sorted(ms.segment_id for ms in mv.segments)
        # five clusters match the old segments (1-5); the extra one gets a new id
        assert ids == [1, 2, 3, 4, 5, 6]
        assert db.session.scalar(select(db.func.count()).select_from(Segment)) == 6


def test_artifact_is_hashed_versioned_and_active_copy_published(trained_app):
    with trained_app.app_context():
        mv = db.session.scalars(select(ModelVersion).where(ModelVersion.is_active)).one()
        model_dir = Path(trained_app.config["MODEL_DIR"])
        path = model_dir / mv.artifact_path
        assert path.name == f"model-v{mv.id:05d}.joblib"
        assert artifacts.sha256_bytes(path.read_bytes()) == mv.sha256
        assert (model_dir / "kmeans_model.joblib").read_bytes() == path.read_bytes()
        artifact = artifacts.load_artifact(path, mv.sha256)
        assert artifact["features"] == mv.features and artifact["version"] == mv.id
        assert artifact["n_train_rows"] == 6000 and artifact["sklearn_version"]
        assert len(artifact["segment_ids"]) == mv.k
        assert not list(model_dir.glob("*.tmp")), "no temp files left behind"


def test_altered_artifact_is_refused(trained_app):
    with trained_app.app_context():
        mv = db.session.scalars(select(ModelVersion).where(ModelVersion.is_active)).one()
        path = Path(trained_app.config["MODEL_DIR"]) / mv.artifact_path
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.chmod(0o644)
        path.write_bytes(bytes(data))
        with pytest.raises(artifacts.ArtifactError, match="does not match"):
            artifacts.load_artifact(path, mv.sha256)
        from segmentation.training.registry import ActivationError, activate

        with pytest.raises(ActivationError):
            activate(mv.id)
    # a fresh worker refuses to serve it
    from conftest import authorized

    response = authorized(trained_app).post(
        "/api/v1/segmentation/predict-segment",
        json={
            "Utilities": 1,
            "Groceries": 1,
            "Transport": 1,
            "Dining": 1,
            "Entertainment": 1,
            "OnlineShopping": 1,
            "Travel": 1,
            "Healthcare": 1,
        },
    )
    assert response.status_code == 503 and response.get_json()["reason"] == "model_not_loaded"
    assert response.headers["Retry-After"] == "5"
    assert trained_app.test_client().get("/ready").status_code == 503


def test_too_few_rows_is_rejected_without_a_model(app, runner):
    runner.invoke(args=["seed-demo", "--customers", "30"])
    result = runner.invoke(args=["train"])
    assert result.exit_code == 3
    out = json.loads(next(line for line in result.output.splitlines() if line.startswith("{")))
    assert out["status"] == "rejected" and "at least" in out["error"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(ModelVersion)) == 0
        run = db.session.get(TrainingRun, out["run"])
        assert run.finished_at is not None


def test_gate_keeps_model_but_does_not_activate(trained_app):
    trained_app.config["MIN_SEGMENT_SHARE"] = 0.5  # impossible: every segment would need half
    with trained_app.app_context():
        before = db.session.scalars(select(ModelVersion).where(ModelVersion.is_active)).one().id
        run = execute_run(create_run({}, trigger="cli").id)
        assert run.status == "rejected" and "smallest segment" in run.error
        rejected = db.session.get(ModelVersion, run.model_version_id)
        assert rejected.status == "rejected" and not rejected.is_active
        assert "smallest segment" in rejected.rejection_reason
        assert db.session.scalars(select(ModelVersion).where(ModelVersion.is_active)).one().id == before


def test_a_corrupt_new_version_is_refused_and_the_old_one_keeps_serving(trained_app):
    """Someone activates a version whose file was altered (bypassing the API's check):
    workers refuse to load it and go on serving the model they hold."""
    from conftest import authorized

    from segmentation.predict.serving import holder

    client = authorized(trained_app)
    with trained_app.app_context():
        run = execute_run(create_run({}, trigger="cli").id)
        assert run.status == "succeeded"
        db.session.execute(text("UPDATE model_versions SET is_active = false WHERE id = 2"))
        db.session.execute(text("UPDATE model_versions SET is_active = true WHERE id = 1"))
        db.session.commit()
    served = holder(trained_app)
    served.refresh()
    assert served.snapshot.version == 1
    path = Path(trained_app.config["MODEL_DIR"]) / "model-v00002.joblib"
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b"x")
    with trained_app.app_context():
        db.session.execute(text("UPDATE model_versions SET is_active = false WHERE id = 1"))
        db.session.execute(text("UPDATE model_versions SET is_active = true WHERE id = 2"))
        db.session.commit()
    assert served.refresh() is False
    assert served.snapshot.version == 1 and "does not match" in served.last_error
    body = client.post(
        "/api/v1/segmentation/predict-segment",
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
    ).get_json()
    assert body["model_version"] == 1
    assert client.get("/ready").status_code == 200
