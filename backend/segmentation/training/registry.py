"""Model versions in the database: publishing, activation and loading."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import sklearn
from flask import current_app
from sqlalchemy import select, text, update

from ..extensions import db
from ..ml import artifacts
from ..ml.alignment import match_clusters
from ..ml.naming import describe_all
from ..ml.predictor import FastPredictor
from ..ml.trainer import TrainedModel
from ..models import ModelSegment, ModelVersion, Segment

log = logging.getLogger(__name__)

# serialises publishing and activation across processes (CLI, workers, API)
REGISTRY_LOCK = 724_001


class ActivationError(Exception):
    pass


def lock_registry() -> None:
    db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REGISTRY_LOCK})


def active_version() -> ModelVersion | None:
    return db.session.scalars(select(ModelVersion).where(ModelVersion.is_active)).first()


def artifact_path(mv: ModelVersion) -> Path:
    return Path(current_app.config["MODEL_DIR"]) / mv.artifact_path


def load_version(mv: ModelVersion) -> dict:
    """The version's artifact, after the hash check."""
    return artifacts.load_artifact(artifact_path(mv), mv.sha256)


def segment_ids_for(
    model: TrainedModel, previous: ModelVersion | None
) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """A segment id for every cluster label: matched to the previous model's segments
    where the centroids agree, new ids (with suggested names) otherwise."""
    population = dict(zip(model.features, model.population_mean.tolist()))
    centroids = [dict(zip(model.features, c.tolist())) for c in model.centroids_money]
    described = describe_all(centroids, population)
    mapping: dict[int, int] = {}
    if previous is not None:
        scaler = model.pipeline.named_steps["scale"]
        mapping, _ = match_clusters(
            model.centroids_money,
            model.features,
            scaler.mean_,
            scaler.scale_,
            {ms.segment_id: ms.centroid for ms in previous.segments},
            current_app.config["MATCH_MAX_DISTANCE"],
        )
    ids = np.zeros(model.k, dtype=np.int64)
    # new segments are numbered largest first
    for label in sorted(range(model.k), key=lambda lab: -model.sizes[lab]):
        if label in mapping:
            ids[label] = mapping[label]
        else:
            name, strategy = described[label]
            segment = Segment(name=name, strategy=strategy)
            db.session.add(segment)
            db.session.flush()
            ids[label] = segment.id
    return ids, described


def publish(
    model: TrainedModel,
    run_id: int | None,
    feature_set: str,
    training_seconds: float,
    previous: ModelVersion | None,
    ari: float | None,
    segment_ids: np.ndarray,
    described: list[tuple[str, str]],
) -> tuple[ModelVersion, dict]:
    """Store a new candidate version: artifact file, hash, metrics and segments."""
    n = int(model.sizes.sum())
    mv = ModelVersion(
        status="candidate",
        artifact_path="",
        sha256="",
        k=model.k,
        feature_set=feature_set,
        features=model.features,
        sklearn_version=sklearn.__version__,
        n_train_rows=n,
        metrics=model.metrics,
        k_curve=model.k_curve,
        training_stats=model.stats,
        training_seconds=round(training_seconds, 3),
        ari_vs_previous=ari,
        previous_version_id=previous.id if previous else None,
        training_run_id=run_id,
    )
    db.session.add(mv)
    db.session.flush()
    artifact = {
        "format": artifacts.FORMAT,
        "version": mv.id,
        "pipeline": model.pipeline,
        "features": model.features,
        "feature_set": feature_set,
        "segment_ids": segment_ids.tolist(),
        "sklearn_version": sklearn.__version__,
        "n_train_rows": n,
        "metrics": model.metrics,
    }
    path, sha = artifacts.write_artifact(current_app.config["MODEL_DIR"], artifact)
    mv.artifact_path, mv.sha256 = path.name, sha
    for label in range(model.k):
        db.session.add(
            ModelSegment(
                model_version_id=mv.id,
                segment_id=int(segment_ids[label]),
                cluster_label=label,
                centroid={
                    f: round(float(v), 4) for f, v in zip(model.features, model.centroids_money[label])
                },
                size=int(model.sizes[label]),
                share=float(model.sizes[label]) / max(n, 1),
                auto_name=described[label][0],
                auto_strategy=described[label][1],
            )
        )
    db.session.flush()
    return mv, artifact


def activate(version: int) -> ModelVersion:
    """Make ``version`` the active model (also used for rollback). Its artifact must load."""
    lock_registry()
    mv = db.session.get(ModelVersion, version)
    if mv is None:
        raise LookupError(version)
    try:
        load_version(mv)
    except artifacts.ArtifactError as exc:
        raise ActivationError(str(exc)) from exc
    old = active_version()
    if old is not None and old.id != mv.id:
        db.session.execute(
            update(ModelVersion).where(ModelVersion.is_active).values(is_active=False, status="retired")
        )
        mv.previous_version_id = old.id
    mv.is_active, mv.status, mv.rejection_reason = True, "active", None
    mv.activated_at = db.func.now()
    for ms in mv.segments:
        if ms.segment.name_source == "auto":
            ms.segment.name = ms.auto_name
        if ms.segment.strategy_source == "auto":
            ms.segment.strategy = ms.auto_strategy
    db.session.commit()
    artifacts.publish_active(current_app.config["MODEL_DIR"], artifact_path(mv))
    log.info("model v%s active (previous v%s)", mv.id, old.id if old else None)
    return mv


def predictor_for(mv: ModelVersion) -> FastPredictor:
    return FastPredictor.from_artifact(load_version(mv))


def resegment_version(version: int) -> int:
    """Re-assign every customer with ``version`` (after an activation or rollback)."""
    from .resegment import resegment

    mv = db.session.get(ModelVersion, version)
    if mv is None:
        raise LookupError(version)
    return resegment(mv.id, predictor_for(mv))


def register_bootstrap(path: str | Path) -> ModelVersion:
    """Register a bootstrap artifact (its hash is checked against the ``.sha256`` file next
    to it), activate it and segment existing customers with it."""
    from ..bootstrap_model import from_artifact
    from .resegment import resegment

    sidecar = Path(f"{path}.sha256")
    if not sidecar.exists():
        raise artifacts.ArtifactError(f"{sidecar} is missing; refusing an unverified model file")
    artifact = artifacts.load_artifact(path, sidecar.read_text().split()[0])
    model = from_artifact(artifact)
    lock_registry()
    previous = active_version()
    segment_ids, described = segment_ids_for(model, previous)
    mv, stored = publish(
        model,
        None,
        artifact.get("feature_set", "spending"),
        artifact["summary"]["training_seconds"],
        previous,
        None,
        segment_ids,
        described,
    )
    db.session.commit()
    activate(mv.id)
    resegment(mv.id, FastPredictor.from_artifact(stored))
    return mv
