"""The stage and progress (0-100) of a long job's row, for the pages that poll it."""

from __future__ import annotations

import logging
import time

from sqlalchemy import text

from ..core.extensions import db
from .heartbeat import TABLES

log = logging.getLogger(__name__)


class Progress:
    """Called as ``progress(stage, fraction)``: maps the fraction into the stage's band of
    ``stages`` ({stage: (low, high)}) and writes stage, progress and ``heartbeat_at`` in its
    own short transaction, at most every 0.25 s (and at each stage's start and end). Keeps
    the seconds each stage took (``finish``), and of finer steps named with ``mark``."""

    def __init__(self, table: str, row_id: int, stages: dict[str, tuple[int, int]]):
        if table not in TABLES:
            raise ValueError(f"{table!r} has no progress")
        self.row_id, self.stages = row_id, stages
        self.label = table.rstrip("s").replace("_", " ")
        self.update = text(
            f"UPDATE {table} SET stage = :stage, progress = :progress, heartbeat_at = now() WHERE id = :id"
        )
        self.stage: str | None = None
        self.stage_started = time.perf_counter()
        self.seconds: dict[str, float] = {}
        self.step: str | None = None
        self.step_started = self.stage_started
        self.step_seconds: dict[str, float] = {}
        self.last_write = 0.0
        self.last_progress = -1

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.perf_counter()
        new_stage = stage != self.stage
        if new_stage:
            if self.stage is not None:
                self.seconds[self.stage] = round(now - self.stage_started, 3)
            self.stage, self.stage_started = stage, now
            log.info("%s %s: %s", self.label, self.row_id, stage)
        lo, hi = self.stages[stage]
        progress = int(lo + (hi - lo) * min(max(fraction, 0.0), 1.0))
        # a new stage is always written, even when its first percentage equals the last
        # stage's end (the row would name the stage before otherwise)
        if new_stage or (
            progress != self.last_progress and (now - self.last_write > 0.25 or fraction in (0.0, 1.0))
        ):
            with db.engine.begin() as conn:
                conn.execute(self.update, {"stage": stage, "progress": progress, "id": self.row_id})
            self.last_progress, self.last_write = progress, now

    def mark(self, step: str) -> None:
        """Start timing ``step`` (where a slow job spends its time; ``""`` ends the last one)."""
        now = time.perf_counter()
        if self.step:
            self.step_seconds[self.step] = round(now - self.step_started, 2)
        self.step, self.step_started = step, now

    def finish(self) -> dict[str, float]:
        """Seconds per stage, the last one included."""
        if self.stage is not None:
            self.seconds[self.stage] = round(time.perf_counter() - self.stage_started, 3)
        return self.seconds
