"""The models each web worker serves, kept current without restarts.

Every worker holds an immutable ``Snapshot`` per segmentation (fast predictor plus segment
names; only its memo of single-profile answers fills as they are first given). A background
thread polls PostgreSQL for the active versions; when one changes, the new artifact is loaded
and hash-checked *outside* the request path, then swapped in
with a single reference assignment, so requests never wait and never see half a model. If
a load fails (missing or altered file), the previous snapshot keeps serving.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import text

from ..core.extensions import db
from ..ml import artifacts
from ..ml.predictor import FastPredictor
from .batch import BatchDecoder
from .parsing import InputPlan

log = logging.getLogger(__name__)
RETRY_REFUSED = 30.0

POINTER = text(
    "SELECT s.name AS segmentation, mv.id, mv.sha256, mv.artifact_path, "
    "(SELECT max(updated_at) FROM segments WHERE segmentation_id = s.id) AS names_stamp "
    "FROM model_versions mv JOIN segmentations s ON s.id = mv.segmentation_id WHERE mv.is_active"
)
SEGMENTS = text(
    "SELECT s.id, s.name, s.strategy FROM model_segments ms "
    "JOIN segments s ON s.id = ms.segment_id WHERE ms.model_version_id = :v ORDER BY s.id"
)


@dataclass(frozen=True)
class Snapshot:
    segmentation: str
    version: int
    sha256: str
    predictor: FastPredictor
    segments: dict[int, dict]
    names_stamp: object
    plan: InputPlan
    batch: BatchDecoder  # the plan's typed decoder, built with the snapshot
    # one profile's whole answer per segment id, written on first use (wire.payload); a
    # snapshot with other names starts empty
    answers: dict[int, bytes] = field(default_factory=dict, compare=False, repr=False)


class ModelHolder:
    def __init__(self, app: Flask):
        self.app = app
        # segmentation name -> snapshot; replaced whole, never mutated
        self.snapshots: dict[str, Snapshot] = {}
        # called as listener(before, after) whenever the snapshots are replaced (metrics)
        self.listeners: list[Callable[[dict[str, Snapshot], dict[str, Snapshot]], None]] = []
        self.last_error: str | None = None
        self._last_check = 0.0
        # a version whose file failed its check is retried only every RETRY_REFUSED seconds
        self._refused: dict[tuple[int, str], float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def snapshot(self) -> Snapshot | None:
        """The lifestyle segmentation's snapshot (the default everywhere)."""
        return self.snapshots.get("lifestyle")

    # -- reading -------------------------------------------------------------
    def current(self, segmentation: str = "lifestyle") -> Snapshot | None:
        """The snapshot to serve; outside watch mode, refreshed lazily."""
        if self._thread is None:
            interval = self.app.config["MODEL_POLL_SECONDS"]
            if segmentation not in self.snapshots or time.monotonic() - self._last_check > interval:
                self.refresh_quietly()
        return self.snapshots.get(segmentation)

    # -- refreshing ----------------------------------------------------------
    def refresh(self) -> bool:
        """Load every active model that changed; True when a snapshot was replaced."""
        with self._lock, self.app.app_context():
            try:
                self._last_check = time.monotonic()
                rows = db.session.execute(POINTER).all()
                snapshots = dict(self.snapshots)
                changed = False
                for row in rows:
                    new = self._load(row, snapshots.get(row.segmentation))
                    if new is not None:
                        snapshots[row.segmentation] = new
                        changed = True
                active = {row.segmentation for row in rows}
                for name in list(snapshots):
                    if name not in active:  # a deleted segmentation
                        del snapshots[name]
                        changed = True
                if changed:
                    before, self.snapshots = self.snapshots, snapshots
                    for listener in self.listeners:
                        listener(before, snapshots)
                    # said once it is served, listeners (the "model served" gauges) included
                    for name, snap in snapshots.items():
                        old = before.get(name)
                        if old is None or (old.version, old.sha256) != (snap.version, snap.sha256):
                            log.info("serving model v%s for %s", snap.version, name)
                return changed
            finally:
                db.session.remove()

    def _load(self, row, current: Snapshot | None) -> Snapshot | None:
        """A new snapshot for ``row`` when it differs from ``current``, else None."""
        if current and current.version == row.id and current.sha256 == row.sha256:
            if current.names_stamp != row.names_stamp:
                return Snapshot(
                    current.segmentation,
                    current.version,
                    current.sha256,
                    current.predictor,
                    self._segments(row.id),
                    row.names_stamp,
                    current.plan,
                    current.batch,
                )
            return None
        refused_at = self._refused.get((row.id, row.sha256))
        if refused_at is not None and time.monotonic() - refused_at < RETRY_REFUSED:
            return None
        path = f"{self.app.config['MODEL_DIR']}/{row.artifact_path}"
        try:
            artifact = artifacts.load_artifact(path, row.sha256)
            predictor = FastPredictor.from_artifact(artifact)
            plan = input_plan(artifact)
            decoder = BatchDecoder(plan)
        except (artifacts.ArtifactError, ValueError, TypeError) as exc:
            self._refused[(row.id, row.sha256)] = time.monotonic()
            self.last_error = str(exc)
            log.error(
                "model v%s of %s refused, still serving v%s: %s",
                row.id,
                row.segmentation,
                current.version if current else None,
                exc,
            )
            return None
        self.last_error = None
        segments = self._segments(row.id)
        return Snapshot(
            row.segmentation, row.id, row.sha256, predictor, segments, row.names_stamp, plan, decoder
        )

    def refresh_quietly(self) -> bool:
        try:
            return self.refresh()
        except Exception as exc:  # database down: keep serving what we have
            message = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
            if message != self.last_error:
                log.warning(
                    "model check failed (%s), still serving %s",
                    message,
                    ", ".join(f"{n} v{s.version}" for n, s in self.snapshots.items()) or "nothing",
                )
            self.last_error = message
            return False

    def _segments(self, version: int) -> dict[int, dict]:
        return {
            r.id: {"id": r.id, "name": r.name, "strategy": r.strategy}
            for r in db.session.execute(SEGMENTS, {"v": version})
        }

    # -- watching ------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self.refresh_quietly()
        self._thread = threading.Thread(target=self._watch, name="model-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        interval = self.app.config["MODEL_POLL_SECONDS"]
        keys = self.app.extensions["api_keys"]
        keys.background = True
        keys.poll()
        while not self._stop.wait(interval):
            self.refresh_quietly()
            keys.poll()  # API-key revocations reach every worker within one interval


def input_plan(artifact: dict) -> InputPlan:
    """How predict-segment bodies for this model are checked: its features, their kinds,
    the categories it knows, and the features whose training values were negative."""
    categories = artifact.get("categories") or {}
    specs = [{**s, "categories": categories.get(s["name"], [])} for s in artifact["specs"]]
    return InputPlan.from_specs(specs, artifact.get("signed", ()))


def holder(app: Flask) -> ModelHolder:
    return app.extensions["model_holder"]
