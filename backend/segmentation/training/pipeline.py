"""The training pipeline of one segmentation: load, fit, publish, gate, activate, re-segment.

``train`` is what a training run executes; ``activate_and_resegment`` is the single
publish-to-serving path shared by training, manual activation (rollback) and the bootstrap
model.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from flask import current_app
from sklearn.metrics import adjusted_rand_score

from ..core.extensions import db
from ..ml import artifacts
from ..ml.kinds import FeatureData
from ..ml.predictor import FastPredictor
from ..ml.trainer import TrainedModel, TrainOptions
from ..segmentations import service as segmentations
from ..segmentations.models import Segmentation
from . import engines, registry
from .models import ModelVersion, TrainingRun
from .resegment import predict_in_chunks, resegment

log = logging.getLogger(__name__)

Stage = Callable[[str, float], None]


class TrainingRejected(Exception):
    """The data or the new model failed the validation gate; nothing was activated."""


def train(run: TrainingRun, options: TrainOptions, progress: Stage) -> int:
    """Train ``run``'s segmentation; returns the new active version or raises TrainingRejected."""
    cfg = current_app.config
    started = time.perf_counter()
    seg = db.session.get(Segmentation, run.segmentation_id)
    progress("loading data", 0.0)
    data = segmentations.load(seg)
    needed = max(cfg["TRAIN_MIN_ROWS"], 10 * (options.k or options.max_clusters))
    if len(data) < needed:
        raise TrainingRejected(
            f"only {len(data)} customers have values for the features of '{seg.name}'; at least {needed} are needed"
        )
    progress("loading data", 1.0)

    model = engines.fit(data, options, progress, cfg)  # TRAINING_ENGINE: local or spark
    if model.no_structure:
        raise TrainingRejected(model.no_structure)

    progress("publishing", 0.0)
    registry.lock_registry(seg.id)
    previous = registry.active_version(seg.id)
    # no copy when every row was kept (the usual case; 10M rows of 8 features are 640 MB)
    kept = data if model.kept.all() else data.take(np.flatnonzero(model.kept))
    old = _previous_segments(previous, kept)
    segment_ids, described = registry.segment_ids_for(model, seg, old)
    ari = round(agreement(old, model.labels), 6) if old is not None else None
    mv, artifact = registry.publish(
        model,
        seg,
        run.id,
        time.perf_counter() - started,
        previous,
        ari,
        segment_ids,
        described,
        extra={"signed": signed_features(kept)},
    )
    reason = gate(mv, previous, model)
    if reason:
        mv.status, mv.rejection_reason = "rejected", reason
        db.session.get(TrainingRun, run.id).model_version_id = mv.id
        db.session.commit()
        raise TrainingRejected(f"model v{mv.id} not activated: {reason}")
    db.session.commit()
    progress("publishing", 0.5)
    activate_and_resegment(
        mv.id, FastPredictor.from_artifact(artifact), data, lambda f: progress("re-segmenting", f)
    )
    return mv.id


def activate_and_resegment(
    version: int,
    predictor: FastPredictor | None = None,
    data: FeatureData | None = None,
    on_progress: Callable[[float], None] = lambda f: None,
) -> ModelVersion:
    """Activate ``version`` and place every customer of its segmentation with it."""
    mv = registry.activate(version)
    predictor = predictor or registry.predictor_for(mv)
    if data is None:
        data = segmentations.load(db.session.get(Segmentation, mv.segmentation_id))
    on_progress(0.0)
    resegment(mv.id, predictor, data, on_progress)
    on_progress(1.0)
    return mv


def agreement(old: np.ndarray, labels: np.ndarray) -> float:
    """scikit-learn's ``adjusted_rand_score(old, labels)`` (previous segment ids, new cluster
    labels) from one ``np.bincount`` table: the same integers, so the same value, without its
    sorts and sparse matrix (seconds at 10M rows)."""
    if not len(old) or old.min() < 0 or old.max() > 1_000_000:
        return float(adjusted_rand_score(old, labels))
    counts = np.bincount(old)
    present = np.flatnonzero(counts)
    codes = np.zeros(len(counts), dtype=np.int64)
    codes[present] = np.arange(len(present))
    width = int(labels.max()) + 1
    table = np.bincount(codes[old] * width + labels, minlength=len(present) * width).reshape(-1, width)
    n = len(old)
    squares = int((table**2).sum())
    fp = int((table @ table.sum(axis=0)).sum()) - squares
    fn = int((table.T @ table.sum(axis=1)).sum()) - squares
    tp, tn = squares - n, n * n - fp - fn - squares
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def signed_features(data: FeatureData) -> list[str]:
    """Numeric features with negative values in training (balances): predict accepts
    negative values only for these."""
    return [
        s.name
        for j, s in enumerate(data.numeric_specs)
        if len(data) and np.nanmin(np.where(np.isnan(data.num[:, j]), 0.0, data.num[:, j])) < 0
    ]


def register_bootstrap(path: str | Path) -> ModelVersion:
    """Register a bootstrap artifact (its hash is checked against the ``.sha256`` file next
    to it) as a lifestyle version, activate it and segment existing customers with it."""
    from .bootstrap import from_artifact

    sidecar = Path(f"{path}.sha256")
    if not sidecar.exists():
        raise artifacts.ArtifactError(f"{sidecar} is missing; refusing an unverified model file")
    artifact = artifacts.load_artifact(path, sidecar.read_text().split()[0])
    model = from_artifact(artifact)
    seg = segmentations.get(segmentations.DEFAULT)
    registry.lock_registry(seg.id)
    previous = registry.active_version(seg.id)
    segment_ids, described = registry.segment_ids_for(model, seg, None)
    mv, stored = registry.publish(
        model,
        seg,
        None,
        artifact["summary"]["training_seconds"],
        previous,
        None,
        segment_ids,
        described,
        extra={"signed": artifact.get("signed", [])},
    )
    db.session.commit()
    return activate_and_resegment(mv.id, FastPredictor.from_artifact(stored))


def resegment_version(version: int) -> int:
    """Place every customer of the version's segmentation with it (after a rollback)."""
    mv = db.session.get(ModelVersion, version)
    if mv is None:
        raise LookupError(version)
    data = segmentations.load(db.session.get(Segmentation, mv.segmentation_id))
    return resegment(mv.id, registry.predictor_for(mv), data)


def gate(mv: ModelVersion, previous: ModelVersion | None, model: TrainedModel) -> str | None:
    """Why ``mv`` must not become active, or None when it passes."""
    cfg = current_app.config
    smallest = min(ms.share for ms in mv.segments)
    if smallest < cfg["MIN_SEGMENT_SHARE"]:
        return (
            f"smallest segment holds {smallest:.2%} of customers, "
            f"below the minimum of {cfg['MIN_SEGMENT_SHARE']:.2%}"
        )
    silhouette = mv.metrics.get("silhouette")
    if silhouette is not None and silhouette < cfg["MIN_SILHOUETTE"]:
        return (
            f"no clear segment structure was found: silhouette {silhouette:.3f} is below "
            f"the floor of {cfg['MIN_SILHOUETTE']}"
        )
    if previous is not None and previous.metrics.get("silhouette") is not None and silhouette is not None:
        floor = previous.metrics["silhouette"] - cfg["MAX_SILHOUETTE_DROP"]
        if silhouette < floor and list(previous.features) == list(mv.features):
            return (
                f"silhouette {silhouette:.3f} is more than {cfg['MAX_SILHOUETTE_DROP']} "
                f"below the active model's {previous.metrics['silhouette']:.3f}"
            )
    return None


def _previous_segments(previous: ModelVersion | None, data: FeatureData) -> np.ndarray | None:
    """The previous model's segment for each row, when it uses the same features."""
    if previous is None or list(previous.features) != [s.name for s in data.specs]:
        return None
    try:
        return predict_in_chunks(
            registry.predictor_for(previous), data, current_app.config["RESEGMENT_CHUNK"]
        )
    except (artifacts.ArtifactError, ValueError) as exc:
        log.warning("cannot compare with v%s: %s", previous.id, exc)
        return None
