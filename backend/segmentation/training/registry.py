"""Model versions in the database: publishing, activation and loading, per segmentation."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import sklearn
from flask import current_app
from sqlalchemy import select, text, update

from ..core.extensions import db
from ..ml import artifacts
from ..ml.matching import match_by_members
from ..ml.naming import describe_all
from ..ml.predictor import FastPredictor
from ..ml.trainer import TrainedModel
from ..segmentations.models import Segmentation
from ..segments.models import Segment
from .models import ModelSegment, ModelVersion

log = logging.getLogger(__name__)

# serialises publishing and activation of one segmentation across processes
REGISTRY_LOCK = 724_001


class ActivationError(Exception):
    pass


def lock_registry(segmentation_id: int) -> None:
    db.session.execute(
        text("SELECT pg_advisory_xact_lock(:key, :seg)"), {"key": REGISTRY_LOCK, "seg": segmentation_id}
    )


def active_version(segmentation_id: int = 1) -> ModelVersion | None:
    return db.session.scalars(
        select(ModelVersion).where(ModelVersion.is_active, ModelVersion.segmentation_id == segmentation_id)
    ).first()


def get_version(version_id: int | None) -> ModelVersion | None:
    return db.session.get(ModelVersion, version_id) if version_id else None


def versions(segmentation_id: int) -> list[ModelVersion]:
    """Every stored version of a segmentation, newest first."""
    query = (
        select(ModelVersion)
        .where(ModelVersion.segmentation_id == segmentation_id)
        .order_by(ModelVersion.id.desc())
    )
    return list(db.session.scalars(query))


def artifact_path(mv: ModelVersion) -> Path:
    return Path(current_app.config["MODEL_DIR"]) / mv.artifact_path


def load_version(mv: ModelVersion) -> dict:
    """The version's artifact, after the hash check."""
    return artifacts.load_artifact(artifact_path(mv), mv.sha256)


def predictor_for(mv: ModelVersion) -> FastPredictor:
    return FastPredictor.from_artifact(load_version(mv))


def segment_ids_for(
    model: TrainedModel, seg: Segmentation, previous_segments: np.ndarray | None
) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """A segment id for every cluster label: the id of the previous model's segment that the
    cluster continues (same customers), new ids (with suggested names) otherwise.

    ``previous_segments`` is the previous model's segment for each row the new model was
    trained on (None without a comparable previous model)."""
    described = describe_all(model.profiles, model.population, model.specs)
    mapping = {} if previous_segments is None else match_by_members(model.labels, previous_segments, model.k)
    ids = np.zeros(model.k, dtype=np.int64)
    # new segments are numbered largest first
    for label in sorted(range(model.k), key=lambda lab: -model.sizes[lab]):
        if label in mapping:
            ids[label] = mapping[label]
        else:
            name, strategy = described[label]
            segment = Segment(segmentation_id=seg.id, name=name, strategy=strategy)
            db.session.add(segment)
            db.session.flush()
            ids[label] = segment.id
    return ids, described


def publish(
    model: TrainedModel,
    seg: Segmentation,
    run_id: int | None,
    training_seconds: float,
    previous: ModelVersion | None,
    ari: float | None,
    segment_ids: np.ndarray,
    described: list[tuple[str, str]],
    extra: dict | None = None,
) -> tuple[ModelVersion, dict]:
    """Store a new candidate version: artifact file, hash, metrics and segments."""
    n = int(model.sizes.sum())
    payload = model.artifact_payload()
    mv = ModelVersion(
        segmentation_id=seg.id,
        status="candidate",
        artifact_path="",
        sha256="",
        k=model.k,
        feature_set=(seg.preset or "custom")[:32],
        features=model.features,
        feature_specs=_specs_with_categories(payload, (extra or {}).get("signed", ())),
        k_reason=model.k_reason,
        population=model.population,
        notes=list(model.notes),
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
        **payload,
        "version": mv.id,
        "segmentation": seg.name,
        "segment_ids": segment_ids.tolist(),
        "sklearn_version": sklearn.__version__,
        **(extra or {}),
    }
    path, sha = artifacts.write_artifact(current_app.config["MODEL_DIR"], artifact)
    mv.artifact_path, mv.sha256 = path.name, sha
    for label in range(model.k):
        db.session.add(
            ModelSegment(
                model_version_id=mv.id,
                segment_id=int(segment_ids[label]),
                cluster_label=label,
                centroid=model.profiles[label],
                size=int(model.sizes[label]),
                share=float(model.sizes[label]) / max(n, 1),
                auto_name=described[label][0],
                auto_strategy=described[label][1],
            )
        )
    db.session.flush()
    return mv, artifact


def _specs_with_categories(payload: dict, signed=()) -> list[dict]:
    """The specs as served: categories of categorical features, ``signed`` for numeric
    features whose training values were negative (predict accepts negatives only there)."""
    categories = payload.get("categories") or {}
    out = []
    for s in payload["specs"]:
        spec = dict(s)
        if s["name"] in categories:
            spec["categories"] = list(categories[s["name"]])
        elif s["kind"] != "categorical":
            spec["signed"] = s["name"] in signed
        out.append(spec)
    return out


def activate(version: int) -> ModelVersion:
    """Make ``version`` its segmentation's active model (also used for rollback). Its
    artifact must load."""
    mv = db.session.get(ModelVersion, version)
    if mv is None:
        raise LookupError(version)
    lock_registry(mv.segmentation_id)
    try:
        FastPredictor.from_artifact(load_version(mv))
    except (artifacts.ArtifactError, ValueError) as exc:
        db.session.rollback()  # releases the registry lock; nothing was changed
        raise ActivationError(str(exc)) from exc
    old = active_version(mv.segmentation_id)
    if old is not None and old.id != mv.id:
        db.session.execute(
            update(ModelVersion)
            .where(ModelVersion.is_active, ModelVersion.segmentation_id == mv.segmentation_id)
            .values(is_active=False, status="retired")
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
    if mv.segmentation_id == 1:
        # the file other tools know: the lifestyle segmentation's active model
        artifacts.publish_active(current_app.config["MODEL_DIR"], artifact_path(mv))
    log.info(
        "model v%s active for segmentation %s (previous v%s)",
        mv.id,
        mv.segmentation_id,
        old.id if old else None,
    )
    return mv
