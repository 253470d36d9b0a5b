"""Drift of a segmentation's current data against its active model's training data.

``current_drift`` is what ``GET /segmentation/drift`` answers; ``run_check`` stores it in the
history (``drift_checks``, the last DRIFT_HISTORY_DAYS of it) and, when DRIFT_RETRAIN is on
and the largest PSI reaches DRIFT_THRESHOLD, queues a retraining. The worker's periodic
job, the CLI and the tests all call ``run_checks`` / ``run_check``.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select, text

from ..core.extensions import db
from ..data.dataset import session_cursor
from ..ml.predictor import FastPredictor
from ..segmentations import service as segmentations
from ..segmentations.models import Segmentation
from ..segments import insights
from ..segments.service import segment_names
from ..training.models import ModelSegment, ModelVersion
from ..training.registry import active_version, predictor_for
from . import metrics
from .models import DriftCheck

log = logging.getLogger(__name__)
# a segmentation's checks older than DRIFT_HISTORY_DAYS, deleted with each new check
EXPIRED = text(
    "DELETE FROM drift_checks WHERE segmentation_id = :seg AND checked_at < now() - make_interval(days => :days)"
)


def current_drift(seg: Segmentation, mv: ModelVersion, predictor: FastPredictor) -> dict:
    """PSI per feature and of the segment shares, the segmentation's data now against ``mv``'s
    training data (``predictor`` is ``mv``'s); a sample of INSIGHT_SAMPLE_ROWS customers when
    there are more."""
    cfg = current_app.config
    data = insights.current_data(seg, cfg["INSIGHT_SAMPLE_ROWS"], cfg["RANDOM_STATE"])
    shares = {
        ms.segment_id: ms.share
        for ms in db.session.scalars(select(ModelSegment).where(ModelSegment.model_version_id == mv.id))
    }
    with session_cursor() as cur:
        names = segment_names(cur, mv.id)
    return {"model_version": mv.id, **insights.drift(predictor, mv.training_stats, shares, names, data)}


def run_check(seg: Segmentation, trigger: str) -> DriftCheck | None:
    """Check one segmentation and store the result; None when it has no active model."""
    mv = active_version(seg.id)
    if mv is None:
        log.info("drift of %s not checked: no active model", seg.name)
        return None
    result = current_drift(seg, mv, predictor_for(mv))
    threshold = current_app.config["DRIFT_THRESHOLD"]
    worst = max([f["psi"] for f in result["features"]] + [result["segment_psi"]], default=0.0)
    check = DriftCheck(
        segmentation_id=seg.id,
        model_version_id=mv.id,
        trigger=trigger,
        n_customers=result["n_customers"],
        max_psi=worst,
        segment_psi=result["segment_psi"],
        threshold=threshold,
        drifted=worst >= threshold,
        features=result["features"],
        segments=result["segments"],
    )
    db.session.add(check)
    db.session.execute(EXPIRED, {"seg": seg.id, "days": current_app.config["DRIFT_HISTORY_DAYS"]})
    db.session.commit()
    log.info("drift of %s (model v%s): largest PSI %.3f, threshold %.2f", seg.name, mv.id, worst, threshold)
    if check.drifted and current_app.config["DRIFT_RETRAIN"]:
        from ..training.service import request_training

        run, created = request_training(
            {}, trigger="drift", queue=current_app.extensions["queue"], segmentation_id=seg.id
        )
        check = db.session.get(DriftCheck, check.id)
        check.training_run_id = run.id
        db.session.commit()
        log.info(
            "drift of %s crossed the threshold: retraining run %s %s",
            seg.name,
            run.id,
            "queued" if created else "already active",
        )
    return check


def run_checks(trigger: str) -> list[DriftCheck]:
    """Check every segmentation; one failing (its source unreachable) does not stop the others."""
    done = []
    for seg in segmentations.all_segmentations():
        name = seg.name
        try:
            check = run_check(seg, trigger)
        except Exception:
            db.session.rollback()
            log.exception("drift check of %s failed", name)
            metrics.drift_checks.labels(name, "failed").inc()
            continue
        metrics.drift_checks.labels(name, "skipped" if check is None else "succeeded").inc()
        if check is not None:
            done.append(check)
    return done


def history(seg: Segmentation, limit: int) -> list[DriftCheck]:
    """The latest ``limit`` checks of ``seg``, oldest first."""
    rows = db.session.scalars(
        select(DriftCheck)
        .where(DriftCheck.segmentation_id == seg.id)
        .order_by(DriftCheck.checked_at.desc(), DriftCheck.id.desc())
        .limit(limit)
    ).all()
    return list(reversed(rows))


SIZES = text(
    "SELECT mv.id AS version, mv.status, mv.is_active, mv.created_at, ms.segment_id, s.name, ms.size, ms.share "
    "FROM model_versions mv JOIN model_segments ms ON ms.model_version_id = mv.id "
    "JOIN segments s ON s.id = ms.segment_id "
    "WHERE mv.id IN (SELECT id FROM model_versions WHERE segmentation_id = :seg ORDER BY id DESC LIMIT :n) "
    "ORDER BY mv.id, ms.segment_id"
)


def segment_sizes(seg: Segmentation, versions: int) -> list[dict]:
    """Segment sizes at training time of the latest ``versions`` model versions, oldest first."""
    out: dict[int, dict] = {}
    for r in db.session.execute(SIZES, {"seg": seg.id, "n": versions}):
        v = out.setdefault(
            r.version,
            {
                "version": r.version,
                "status": r.status,
                "is_active": r.is_active,
                "created_at": r.created_at,
                "segments": [],
            },
        )
        v["segments"].append({"id": r.segment_id, "name": r.name, "size": r.size, "share": r.share})
    return list(out.values())
