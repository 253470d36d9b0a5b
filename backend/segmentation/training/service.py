"""Training runs end to end: load, fit, gate, publish, activate, re-segment.

The CLI (``flask train``), the queue worker and tests all call ``execute_run``; the API
only creates runs and queues them.
"""

from __future__ import annotations

import logging
import resource
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from flask import current_app
from sklearn.metrics import adjusted_rand_score
from sqlalchemy import select, text

from ..dataset import load_features
from ..extensions import db
from ..ml import artifacts
from ..ml.features import features_for
from ..ml.predictor import FastPredictor
from ..ml.trainer import TrainOptions, fit
from ..models import ModelVersion, TrainingRun
from . import registry
from .resegment import resegment

log = logging.getLogger(__name__)

STAGES = {
    "loading data": (0, 10),
    "selecting k": (10, 55),
    "fitting": (55, 70),
    "scoring": (70, 78),
    "publishing": (78, 88),
    "re-segmenting": (88, 100),
}


class TrainingRejected(Exception):
    """The data or the new model failed the validation gate; nothing was activated."""


@dataclass
class RunParams:
    k: int | None = None
    min_clusters: int | None = None
    max_clusters: int | None = None

    @classmethod
    def from_dict(cls, params: dict) -> RunParams:
        return cls(**{k: params.get(k) for k in ("k", "min_clusters", "max_clusters")})


class Progress:
    """Writes stage and progress of a run in its own short transactions."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.stage: str | None = None
        self.stage_started = time.perf_counter()
        self.seconds: dict[str, float] = {}
        self.last_write = 0.0
        self.last_progress = -1

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.perf_counter()
        if stage != self.stage:
            if self.stage is not None:
                self.seconds[self.stage] = round(now - self.stage_started, 3)
            self.stage, self.stage_started = stage, now
            log.info("run %s: %s", self.run_id, stage)
        lo, hi = STAGES[stage]
        progress = int(lo + (hi - lo) * min(max(fraction, 0.0), 1.0))
        if progress != self.last_progress and (now - self.last_write > 0.25 or fraction in (0.0, 1.0)):
            self._write(stage=stage, progress=progress)
            self.last_progress, self.last_write = progress, now

    def finish(self) -> dict:
        if self.stage is not None:
            self.seconds[self.stage] = round(time.perf_counter() - self.stage_started, 3)
        return self.seconds

    def _write(self, **values) -> None:
        sets = ", ".join([f"{k} = :{k}" for k in values] + ["heartbeat_at = now()"])
        with db.engine.begin() as conn:
            conn.execute(
                text(f"UPDATE training_runs SET {sets} WHERE id = :id"), {**values, "id": self.run_id}
            )


def create_run(params: dict, trigger: str) -> TrainingRun:
    run = TrainingRun(params=params, trigger=trigger, status="queued", progress=0)
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
    progress = Progress(run_id)
    try:
        with heartbeat(run_id):
            version = _train(run_id, RunParams.from_dict(run.params or {}), progress)
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
    return run


@contextmanager
def heartbeat(run_id: int, every: float = 5.0):
    """Keep ``heartbeat_at`` fresh while the block runs (long stages write no progress)."""
    stop = threading.Event()
    engine = db.engine

    def beat():
        while not stop.wait(every):
            try:
                with engine.begin() as conn:
                    conn.execute(
                        text("UPDATE training_runs SET heartbeat_at = now() WHERE id = :id"), {"id": run_id}
                    )
            except Exception as exc:  # the run itself will notice a dead database
                log.warning("heartbeat for run %s failed: %s", run_id, exc)

    thread = threading.Thread(target=beat, name=f"heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every)


TRIGGER_LOCK = 724_002
ACTIVE_STATUSES = ("queued", "running")


class QueueUnavailable(Exception):
    pass


def fail_stale_runs() -> list[int]:
    """Mark runs whose worker died (no heartbeat for RUN_STALE_SECONDS) as failed."""
    stale = current_app.config["RUN_STALE_SECONDS"]
    rows = db.session.execute(
        text(
            "UPDATE training_runs SET status = 'failed', finished_at = now(), "
            "error = 'The worker stopped during training (killed or crashed); the active model was not changed.' "
            "WHERE status = 'running' AND coalesce(heartbeat_at, started_at, created_at) "
            "< now() - make_interval(secs => :stale) RETURNING id, queue_job_id"
        ),
        {"stale": stale},
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


def request_training(params: dict, trigger: str, queue) -> tuple[TrainingRun, bool]:
    """Queue a training run, or return the one already queued or running.

    Returns ``(run, created)``. Serialised by an advisory lock so two triggers never
    start two trainings."""
    from ..jobs import TRAIN_TASK, defer

    fail_stale_runs()
    db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": TRIGGER_LOCK})
    existing = db.session.scalars(
        select(TrainingRun).where(TrainingRun.status.in_(ACTIVE_STATUSES)).order_by(TrainingRun.id)
    ).first()
    if existing is not None:
        db.session.commit()
        return existing, False
    run = TrainingRun(params=params, trigger=trigger, status="queued", progress=0)
    db.session.add(run)
    db.session.commit()
    try:
        run.queue_job_id = defer(queue, TRAIN_TASK, run_id=run.id)
    except Exception as exc:
        run.status, run.error, run.finished_at = "failed", f"could not queue the job: {exc}", db.func.now()
        db.session.commit()
        raise QueueUnavailable(str(exc)) from exc
    db.session.commit()
    return run, True


def _train(run_id: int, params: RunParams, progress: Progress) -> int:
    cfg = current_app.config
    started = time.perf_counter()
    options = TrainOptions.from_config(cfg, params.k, params.min_clusters, params.max_clusters)
    feature_set = cfg["FEATURE_SET"]
    features = list(features_for(feature_set))

    progress("loading data", 0.0)
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cur:
            ids, X = load_features(cur, features)
        raw.commit()
    finally:
        raw.close()
    needed = max(cfg["TRAIN_MIN_ROWS"], 10 * (options.k or options.max_clusters))
    if len(ids) < needed:
        raise TrainingRejected(
            f"only {len(ids)} customers have spending profiles; at least {needed} are needed"
        )
    progress("loading data", 1.0)

    model = fit(X, features, options, on_stage=progress)

    progress("publishing", 0.0)
    registry.lock_registry()
    previous = registry.active_version()
    segment_ids, described = registry.segment_ids_for(model, previous)
    ari = _ari_vs(previous, X, features, segment_ids[model.labels])
    mv, artifact = registry.publish(
        model, run_id, feature_set, time.perf_counter() - started, previous, ari, segment_ids, described
    )
    reason = gate(mv, previous)
    if reason:
        mv.status, mv.rejection_reason = "rejected", reason
        db.session.commit()
        run = db.session.get(TrainingRun, run_id)
        run.model_version_id = mv.id
        db.session.commit()
        raise TrainingRejected(f"model v{mv.id} not activated: {reason}")
    db.session.commit()
    progress("publishing", 0.5)
    registry.activate(mv.id)
    progress("publishing", 1.0)

    progress("re-segmenting", 0.0)
    resegment(mv.id, FastPredictor.from_artifact(artifact), lambda f: progress("re-segmenting", f))
    progress("re-segmenting", 1.0)
    return mv.id


def gate(mv: ModelVersion, previous: ModelVersion | None) -> str | None:
    """Why ``mv`` must not become active, or None when it passes."""
    cfg = current_app.config
    smallest = min(ms.share for ms in mv.segments)
    if smallest < cfg["MIN_SEGMENT_SHARE"]:
        return (
            f"smallest segment holds {smallest:.2%} of customers, "
            f"below the minimum of {cfg['MIN_SEGMENT_SHARE']:.2%}"
        )
    if previous is not None:
        floor = previous.metrics["silhouette"] - cfg["MAX_SILHOUETTE_DROP"]
        if mv.metrics["silhouette"] < floor:
            return (
                f"silhouette {mv.metrics['silhouette']:.3f} is more than {cfg['MAX_SILHOUETTE_DROP']} "
                f"below the active model's {previous.metrics['silhouette']:.3f}"
            )
    return None


def _ari_vs(
    previous: ModelVersion | None, X: np.ndarray, features: list[str], new_segments: np.ndarray
) -> float | None:
    """Adjusted Rand index between the previous model's and the new model's assignments."""
    if previous is None or not set(previous.features) <= set(features):
        return None
    try:
        old = registry.predictor_for(previous)
    except artifacts.ArtifactError as exc:
        log.warning("cannot compare with v%s: %s", previous.id, exc)
        return None
    cols = [features.index(f) for f in old.features]
    return round(float(adjusted_rand_score(old.predict(X[:, cols]), new_segments)), 6)


def latest_runs(limit: int) -> list[TrainingRun]:
    return list(db.session.scalars(select(TrainingRun).order_by(TrainingRun.id.desc()).limit(limit)))
