"""Training runs end to end: load, fit, gate, publish, activate, re-segment.

The CLI (``flask train``), the queue worker and tests all call ``execute_run``; the API
only creates runs and queues them.
"""

from __future__ import annotations

import logging
import resource
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, text, update

from ..core.extensions import db
from ..jobs.heartbeat import heartbeat, is_stale, read_as_seen
from ..jobs.progress import Progress
from ..ml.trainer import TrainOptions
from ..monitoring import metrics
from .models import TrainingRun
from .pipeline import TrainingRejected, train

log = logging.getLogger(__name__)

STAGES = {
    "loading data": (0, 10),
    "selecting k": (10, 55),
    "fitting": (55, 70),
    "scoring": (70, 78),
    "publishing": (78, 88),
    "re-segmenting": (88, 100),
}


@dataclass
class RunParams:
    k: int | None = None
    min_clusters: int | None = None
    max_clusters: int | None = None

    @classmethod
    def from_dict(cls, params: dict) -> RunParams:
        return cls(**{k: params.get(k) for k in ("k", "min_clusters", "max_clusters")})


def create_run(params: dict, trigger: str, segmentation_id: int = 1) -> TrainingRun:
    run = TrainingRun(
        params=params, trigger=trigger, status="queued", progress=0, segmentation_id=segmentation_id
    )
    db.session.add(run)
    db.session.commit()
    return run


def execute_run(run_id: int) -> TrainingRun:
    """Run a queued training run to its end state; never raises for a failed run."""
    run = db.session.get(TrainingRun, run_id)
    if run is None:
        raise LookupError(f"training run {run_id} does not exist")
    if run.status != "queued":
        log.warning("run %s is %s, not queued; not running it again", run_id, run.status)
        return run
    run.status, run.started_at, run.heartbeat_at, run.error = "running", db.func.now(), db.func.now(), None
    db.session.commit()
    progress = Progress("training_runs", run_id, STAGES)
    try:
        with heartbeat("training_runs", run_id):
            params = RunParams.from_dict(run.params or {})
            options = TrainOptions.from_config(
                current_app.config, params.k, params.min_clusters, params.max_clusters
            )
            version = train(run, options, progress)
        status, error = "succeeded", None
    except TrainingRejected as exc:
        db.session.rollback()
        version, status, error = None, "rejected", str(exc)
    except Exception as exc:  # recorded on the run; the active model keeps serving
        db.session.rollback()
        log.exception("run %s failed", run_id)
        version, status, error = None, "failed", f"{type(exc).__name__}: {exc}"
    run = db.session.get(TrainingRun, run_id)
    run.status, run.error, run.finished_at = status, error, db.func.now()
    run.stage_seconds = progress.finish()
    run.peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if status in ("succeeded", "rejected"):
        run.progress = 100
    if version is not None:
        run.model_version_id = version
    db.session.commit()
    log.info("run %s %s%s", run_id, status, f": {error}" if error else "")
    metrics.training_finished(run)
    return run


TRIGGER_LOCK = 724_002
ACTIVE_STATUSES = ("queued", "running")


class QueueUnavailable(Exception):
    pass


STALE_ERROR = "The worker stopped during training (killed or crashed); the active model was not changed."


def get_run(run_id: int) -> TrainingRun | None:
    return next(
        iter(read_as_seen(select(TrainingRun).where(TrainingRun.id == run_id), _stale(), STALE_ERROR)), None
    )


def _stale():
    return is_stale(TrainingRun, TrainingRun.started_at, TrainingRun.created_at)


def fail_stale_runs() -> list[int]:
    """Mark runs whose worker died (no heartbeat for RUN_STALE_SECONDS) as failed, and
    their queue jobs with them. Called when a worker starts and before a run is created
    (``request_training``): never on a read."""
    rows = db.session.execute(
        update(TrainingRun)
        .where(_stale())
        .values(status="failed", finished_at=func.now(), error=STALE_ERROR)
        .returning(TrainingRun.id, TrainingRun.queue_job_id)
    ).all()
    job_ids = [r.queue_job_id for r in rows if r.queue_job_id]
    if job_ids:
        db.session.execute(
            text("UPDATE procrastinate_jobs SET status = 'failed' WHERE id = ANY(:ids) AND status = 'doing'"),
            {"ids": job_ids},
        )
    db.session.commit()
    for r in rows:
        log.warning("run %s marked failed: its worker stopped", r.id)
    return [r.id for r in rows]


def request_training(params: dict, trigger: str, queue, segmentation_id: int = 1) -> tuple[TrainingRun, bool]:
    """Queue a training run of a segmentation, or return the one already queued or running.

    Returns ``(run, created)``. Serialised by an advisory lock per segmentation so two
    triggers never start two trainings of it."""
    from ..jobs import TRAIN_TASK, defer

    fail_stale_runs()
    db.session.execute(
        text("SELECT pg_advisory_xact_lock(:k, :s)"), {"k": TRIGGER_LOCK, "s": segmentation_id}
    )
    existing = db.session.scalars(
        select(TrainingRun)
        .where(TrainingRun.status.in_(ACTIVE_STATUSES), TrainingRun.segmentation_id == segmentation_id)
        .order_by(TrainingRun.id)
    ).first()
    if existing is not None:
        db.session.commit()
        return existing, False
    run = create_run(params, trigger, segmentation_id)
    try:
        run.queue_job_id = defer(queue, TRAIN_TASK, run_id=run.id)
    except Exception as exc:
        run.status, run.error, run.finished_at = "failed", f"could not queue the job: {exc}", db.func.now()
        db.session.commit()
        raise QueueUnavailable(str(exc)) from exc
    db.session.commit()
    return run, True


def latest_runs(limit: int, segmentation_id: int | None = None) -> list[TrainingRun]:
    query = select(TrainingRun).order_by(TrainingRun.id.desc()).limit(limit)
    if segmentation_id is not None:
        query = query.where(TrainingRun.segmentation_id == segmentation_id)
    return read_as_seen(query, _stale(), STALE_ERROR)
