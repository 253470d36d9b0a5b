"""Running one customer import end to end. The CLI (``import-customers``), the queue worker
(API uploads) and the tests all call ``run_import``.

Order: read -> check every column in bulk -> write the rejects file -> one transaction that
COPYs the good rows into a staging table and upserts customers, profiles and column types,
re-segments changed profiles and records the outcome. Nothing is written before the checks
pass, and an error (or a kill) before the commit leaves no rows behind.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
from flask import current_app
from sqlalchemy import select, text

from ..core.extensions import db
from ..core.logs import code_path
from ..customers.models import CustomerColumn
from ..data.dataset import session_cursor
from ..jobs.heartbeat import heartbeat
from ..jobs.progress import Progress
from ..monitoring import metrics
from . import writing
from .columns import plan
from .models import Import
from .reading import FileError, read
from .rejects import find as find_rejects
from .rejects import path_of as rejects_path_of
from .rejects import write as write_rejects
from .service import forget_files, forget_upload, imports_dir

log = logging.getLogger(__name__)

STAGES = {"reading": (0, 20), "checking": (20, 35), "writing": (35, 90), "segmenting": (90, 99)}


@dataclass
class ImportResult:
    import_id: int
    status: str
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    error: str | None = None
    rejects: list[tuple[int, str, str]] = field(default_factory=list)
    rejects_path: str | None = None
    notes: list[str] = field(default_factory=list)
    columns: list[dict] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"{self.imported:,} imported, {self.updated:,} updated, {self.unchanged:,} unchanged, "
            f"{self.rejected:,} rejected"
        )


def run_import(import_id: int) -> ImportResult:
    """Run a queued import to its end state. File and data errors are recorded on the import
    (status failed); unexpected errors too, and are re-raised after the rollback."""
    imp = db.session.get(Import, import_id)
    if imp is None:
        raise LookupError(f"import {import_id} does not exist")
    if imp.status != "queued":
        log.warning("import %s is %s, not queued; not running it again", import_id, imp.status)
        return ImportResult(import_id, imp.status, error=imp.error)
    imp.status, imp.started_at, imp.heartbeat_at, imp.stage = (
        "running",
        db.func.now(),
        db.func.now(),
        "reading",
    )
    db.session.commit()
    path, id_column, types = imp.path, imp.id_column, dict(imp.types or {})
    progress = Progress("imports", import_id, STAGES)
    started = time.perf_counter()
    try:
        with heartbeat("imports", import_id):
            result = _execute(import_id, path, id_column, types, progress)
        forget_upload(path)
    except FileError as exc:
        db.session.rollback()
        result = ImportResult(import_id, "failed", error=str(exc))
        _finish(result)
        forget_upload(path)
    except Exception as exc:
        db.session.rollback()
        # the type and code path only: a database error's message quotes the row's values
        log.error("import %s failed: %s at %s", import_id, type(exc).__name__, code_path(exc))
        _finish(
            ImportResult(
                import_id, "failed", error=f"{type(exc).__name__}: the import failed; nothing was written"
            )
        )
        # nothing will read the upload again, nor the rejected lines it may have written
        forget_upload(path)
        rejects_path_of(imports_dir(), import_id).unlink(missing_ok=True)
        raise
    finally:
        _housekeeping()
    log.info(
        "import %s %s in %.1fs: %s", import_id, result.status, time.perf_counter() - started, result.summary
    )
    return result


def _housekeeping() -> None:
    """Old rejected lines and what dead imports left (service.forget_files); a failure there
    never changes the import's own outcome."""
    try:
        forget_files()
    except Exception as exc:
        db.session.rollback()
        log.warning("imports housekeeping failed: %s at %s", type(exc).__name__, code_path(exc))


def _finish(result: ImportResult) -> None:
    imp = db.session.get(Import, result.import_id)
    imp.status, imp.error, imp.finished_at = result.status, result.error, db.func.now()
    imp.imported, imp.updated, imp.unchanged, imp.rejected = (
        result.imported,
        result.updated,
        result.unchanged,
        result.rejected,
    )
    imp.rejects_path = result.rejects_path
    if result.columns:
        imp.columns = result.columns
    if result.status == "succeeded":
        imp.progress, imp.stage = 100, "done"
    db.session.commit()
    metrics.import_finished(result)


def _execute(import_id: int, path: str, id_column: str, types: dict, progress: Progress) -> ImportResult:
    progress("reading", 0.0)
    progress.mark("read")
    source = read(path)
    progress.mark("check")
    progress("checking", 0.0)
    existing = {name.lower(): name for name in db.session.scalars(select(CustomerColumn.name))}
    columns = plan(source.names, source.columns, id_column, types, existing)
    rejects, bad_rows = find_rejects(source, columns)
    result = ImportResult(import_id, "running", rejected=len({line for line, _, _ in rejects}))
    result.rejects = rejects
    result.notes = [note for c in columns for note in c.notes]
    result.columns = [
        {"name": c.name, "type": c.type or "builtin", "stored_as": c.target, "key": c.key} for c in columns
    ]
    if rejects:
        result.rejects_path = str(write_rejects(imports_dir(), import_id, source, columns, rejects))
    keep = np.flatnonzero(~bad_rows)
    db.session.execute(
        text("UPDATE imports SET rows_total = :n WHERE id = :id"),
        {"n": source.n_rows + len(source.malformed), "id": import_id},
    )
    db.session.commit()
    if not len(keep):
        result.status = "failed"
        # the error is shown to API callers: it names the download, not the server's file
        result.error = f"no valid rows: {result.rejected:,} rejected" + (
            f" (the rejected lines: GET /api/v1/imports/{import_id}/rejects.csv)"
            if result.rejects_path
            else ""
        )
        _finish(result)
        return result

    progress("writing", 0.0)
    with session_cursor() as cur:
        progress.mark("stage (COPY)")
        writing.stage(cur, columns, keep, source.lines, lambda f: progress("writing", 0.5 * f))
        progress("writing", 0.5)
        progress.mark("upsert customers")
        last_key, result.imported = writing.upsert_customers(cur, columns)
        progress("writing", 0.75)
        progress.mark("profiles and columns")
        profile_changed = writing.upsert_profiles(cur, columns)
        incomplete = writing.incomplete_profiles(cur, columns)
        result.updated = writing.updated_count(cur, profile_changed, last_key)
        writing.record_columns(cur, columns)
    result.unchanged = len(keep) - result.imported - result.updated
    if incomplete:
        result.notes.append(
            f"{incomplete:,} rows lack one or more of the 8 spending categories: no declared spending "
            "profile is kept for them (never zero-filled), so the lifestyle segmentation leaves them out"
        )
    progress("segmenting", 0.0)
    progress.mark("segment")
    _segment(profile_changed, lambda f: progress("segmenting", f))
    progress.mark("commit")
    result.status = "succeeded"
    _finish(result)  # commits the data and the outcome together
    progress.mark("")
    log.info("import %s seconds per step: %s", import_id, progress.step_seconds)
    return result


def _segment(customer_ids: list[int], on_progress) -> None:
    """Place customers whose spending profile changed with the active lifestyle model."""
    from ..customers.service import assign

    chunk = current_app.config["RESEGMENT_CHUNK"]
    for start in range(0, len(customer_ids), chunk):
        assign(customer_ids[start : start + chunk])
        on_progress((start + chunk) / len(customer_ids))
