"""Customer imports as the API sees them: an upload saved (owner-only) and queued, the
list and the state of imports, and imports whose worker died: read as failed, and recorded
so at worker start and before a new import is created, never by a read. The import itself
is ``runner.run_import``.

Files under VAR_DIR/imports hold customer rows, so none is kept longer than it serves: an
upload is deleted once its import ends (by the import; at once when it could not be queued);
:func:`forget_files` deletes an import's rejected lines IMPORT_REJECTS_DAYS after it finished
(the import keeps its counts) and what an import whose worker died left behind. It runs at
worker start, after each import and daily (the worker's housekeeping task)."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, update

from ..core.extensions import db
from ..jobs.heartbeat import is_stale, read_as_seen
from . import rejects
from .models import Import

log = logging.getLogger(__name__)


def imports_dir() -> Path:
    path = Path(current_app.config["VAR_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


class BadUpload(Exception):
    pass


class QueueUnavailable(Exception):
    pass


STALE_ERROR = "The import stopped before it finished (killed or crashed); nothing was written."


def get(import_id: int) -> Import | None:
    query = select(Import).where(Import.id == import_id)
    return next(iter(read_as_seen(query, is_stale(Import, Import.started_at), STALE_ERROR)), None)


def latest(limit: int) -> list[Import]:
    query = select(Import).order_by(Import.id.desc()).limit(limit)
    return read_as_seen(query, is_stale(Import, Import.started_at), STALE_ERROR)


ImportView = (
    "id",
    "status",
    "filename",
    "id_column",
    "stage",
    "progress",
    "rows_total",
    "imported",
    "updated",
    "unchanged",
    "rejected",
    "error",
    "columns",
    "created_at",
    "started_at",
    "finished_at",
)


def view(imp: Import) -> dict:
    data = {c: getattr(imp, c) for c in ImportView}
    data["has_rejects"] = bool(imp.rejects_path)
    return data


def request_import(upload, id_column: str, types: dict, actor: str, queue) -> Import:
    """Save an uploaded file under VAR_DIR/imports (owner-only) and queue its import."""
    import shutil
    import uuid

    from ..jobs import IMPORT_TASK, defer
    from .reading import SUFFIXES

    filename = Path(upload.filename or "upload").name
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise BadUpload(f"{filename}: unknown file type {suffix!r}; use .csv or .parquet")
    path = imports_dir() / f"upload-{uuid.uuid4().hex}{suffix}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        shutil.copyfileobj(upload.stream, fh, 1 << 20)
    imp = create_import(filename, str(path), id_column, types, actor)
    try:
        imp.queue_job_id = defer(queue, IMPORT_TASK, import_id=imp.id)
    except Exception as exc:
        imp.status, imp.error, imp.finished_at = "failed", f"could not queue the job: {exc}", db.func.now()
        db.session.commit()
        forget_upload(str(path))  # no job will read it
        raise QueueUnavailable(str(exc)) from exc
    db.session.commit()
    return imp


def create_import(filename: str, path: str, id_column: str, types: dict, actor: str | None) -> Import:
    fail_stale_imports()
    imp = Import(
        filename=filename[:255], path=path, id_column=id_column, types=types, actor=actor, status="queued"
    )
    db.session.add(imp)
    db.session.commit()
    return imp


def fail_stale_imports() -> None:
    """Record imports whose worker died as failed (worker start, before a new import)."""
    db.session.execute(
        update(Import)
        .where(is_stale(Import, Import.started_at))
        .values(status="failed", finished_at=func.now(), error=STALE_ERROR)
    )
    db.session.commit()


def forget_upload(path: str | None) -> None:
    """An uploaded file is a copy of customer data: gone once its import ended (a file the
    CLI imported is the user's own and stays)."""
    if _uploaded(Path(path or ""), imports_dir()):
        Path(path).unlink(missing_ok=True)


def _uploaded(p: Path, folder: Path) -> bool:
    """A file the API saved from an upload into ``folder`` (named by ``request_import``)."""
    return p.name.startswith("upload-") and p.parent == folder


# a worker declared dead may in fact be slow and still reading its files: they are left this
# long after the import was recorded as failed
DEAD_IMPORT_GRACE = timedelta(hours=1)


def forget_files() -> int:
    """Housekeeping of VAR_DIR/imports; returns the number of imports whose files went.

    - The rejected lines of imports that finished more than IMPORT_REJECTS_DAYS ago: deleted,
      the import keeps its counts (its rejects.csv then answers 410).
    - An import that failed without recording rejected lines (its worker died, or an
      unexpected error) may have left its upload and rejected lines: deleted an hour later.
    """
    days = current_app.config["IMPORT_REJECTS_DAYS"]
    folder = imports_dir()
    expired = db.session.execute(
        select(Import.id, Import.rejects_path).where(
            Import.rejects_path.is_not(None), Import.finished_at < func.now() - timedelta(days=days)
        )
    ).all()
    gone = []
    for import_id, path in expired:
        if Path(path).name != rejects.path_of(folder, import_id).name:  # not a file this service wrote
            log.warning("import %s: rejects path %s not deleted (not a rejects file)", import_id, path)
            continue
        Path(path).unlink(missing_ok=True)
        gone.append(import_id)
    if gone:
        db.session.execute(update(Import).where(Import.id.in_(gone)).values(rejects_path=None))
        db.session.commit()
        log.info("deleted the rejected lines of %d imports finished over %d days ago", len(gone), days)
    ended = db.session.execute(
        select(Import.id, Import.path).where(
            Import.status == "failed",
            Import.rejects_path.is_(None),
            Import.finished_at < func.now() - DEAD_IMPORT_GRACE,
        )
    ).all()
    left = 0
    for import_id, path in ended:
        files = [rejects.path_of(folder, import_id)]
        if _uploaded(Path(path or ""), folder):
            files.append(Path(path))
        files = [p for p in files if p.exists()]
        for p in files:
            p.unlink(missing_ok=True)
        left += bool(files)
    if left:
        log.info("deleted the files %d failed imports left behind", left)
    return len(gone) + left
