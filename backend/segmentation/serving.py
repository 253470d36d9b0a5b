"""The model each web worker serves, kept current without restarts.

Every worker holds an immutable ``Snapshot`` (fast predictor plus segment names). A
background thread polls PostgreSQL for the active version; when it changes, the new
artifact is loaded and hash-checked *outside* the request path, then swapped in with a
single reference assignment, so requests never wait and never see half a model. If a
load fails (missing or altered file), the previous snapshot keeps serving.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import text

from .extensions import db
from .ml import artifacts
from .ml.predictor import FastPredictor

log = logging.getLogger(__name__)
RETRY_REFUSED = 30.0

POINTER = text(
    "SELECT mv.id, mv.sha256, mv.artifact_path, "
    "(SELECT max(updated_at) FROM segments) AS names_stamp "
    "FROM model_versions mv WHERE mv.is_active"
)
SEGMENTS = text(
    "SELECT s.id, s.name, s.strategy FROM model_segments ms "
    "JOIN segments s ON s.id = ms.segment_id WHERE ms.model_version_id = :v ORDER BY s.id"
)


@dataclass(frozen=True)
class Snapshot:
    version: int
    sha256: str
    predictor: FastPredictor
    segments: dict[int, dict]
    names_stamp: object


class ModelHolder:
    def __init__(self, app: Flask):
        self.app = app
        self.snapshot: Snapshot | None = None
        self.last_error: str | None = None
        self._last_check = 0.0
        # a version whose file failed its check is retried only every RETRY_REFUSED seconds
        self._refused: tuple[int, str, float] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- reading -------------------------------------------------------------
    def current(self) -> Snapshot | None:
        """The snapshot to serve; outside watch mode, refreshed lazily."""
        if self._thread is None:
            interval = self.app.config["MODEL_POLL_SECONDS"]
            if self.snapshot is None or time.monotonic() - self._last_check > interval:
                self.refresh_quietly()
        return self.snapshot

    # -- refreshing ----------------------------------------------------------
    def refresh(self) -> bool:
        """Load the active model if it changed; True when the snapshot was replaced."""
        with self._lock, self.app.app_context():
            try:
                self._last_check = time.monotonic()
                row = db.session.execute(POINTER).first()
                if row is None:
                    return False
                current = self.snapshot
                if current and current.version == row.id and current.sha256 == row.sha256:
                    if current.names_stamp != row.names_stamp:
                        self.snapshot = Snapshot(
                            current.version,
                            current.sha256,
                            current.predictor,
                            self._segments(row.id),
                            row.names_stamp,
                        )
                        return True
                    return False
                if (
                    self._refused
                    and self._refused[:2] == (row.id, row.sha256)
                    and time.monotonic() - self._refused[2] < RETRY_REFUSED
                ):
                    return False
                path = f"{self.app.config['MODEL_DIR']}/{row.artifact_path}"
                try:
                    predictor = FastPredictor.from_artifact(artifacts.load_artifact(path, row.sha256))
                except artifacts.ArtifactError as exc:
                    self._refused = (row.id, row.sha256, time.monotonic())
                    self.last_error = str(exc)
                    log.error(
                        "model v%s refused, still serving v%s: %s",
                        row.id,
                        current.version if current else None,
                        exc,
                    )
                    return False
                self.snapshot = Snapshot(
                    row.id, row.sha256, predictor, self._segments(row.id), row.names_stamp
                )
                self.last_error = None
                log.info("serving model v%s", row.id)
                return True
            finally:
                db.session.remove()

    def refresh_quietly(self) -> bool:
        try:
            return self.refresh()
        except Exception as exc:  # database down: keep serving what we have
            message = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
            if message != self.last_error:
                log.warning(
                    "model check failed, still serving v%s: %s",
                    self.snapshot.version if self.snapshot else None,
                    message,
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


def holder(app: Flask) -> ModelHolder:
    return app.extensions["model_holder"]
