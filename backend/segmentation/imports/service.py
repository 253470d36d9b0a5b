"""Customer imports as the API sees them: an upload saved (owner-only) and queued, the
list and the state of imports, and imports whose worker died: read as failed, and recorded
so at worker start and before a new import is created, never by a read. The import itself
is ``runner.run_import``.

Files under VAR_DIR/imports hold customer rows, so none is kept longer than it serves: an
upload is deleted once its import ends, whatever the outcome (also when it could not be
queued, or its worker died); an import's rejected lines are deleted IMPORT_REJECTS_DAYS after
it finished (at worker start, before a new import, and with each scheduled drift check); the
import keeps its counts."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, update

from ..core.extensions import db
from ..jobs.heartbeat import is_stale, read_as_seen
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
    forget_old_rejects()
    imp = Import(
        filename=filename[:255], path=path, id_column=id_column, types=types, actor=actor, status="queued"
    )
    db.session.add(imp)
    db.session.commit()
    return imp


def fail_stale_imports() -> None:
    """Record imports whose worker died as failed (worker start, before a new import); their
    uploaded files are deleted (no job will read them)."""
    paths = db.session.scalars(
        update(Import)
        .where(is_stale(Import, Import.started_at))
        .values(status="failed", finished_at=func.now(), error=STALE_ERROR)
        .returning(Import.path)
    ).all()
    db.session.commit()
    for path in paths:
        forget_upload(path)


def forget_upload(path: str | None) -> None:
    """An uploaded file is a copy of customer data: gone once its import ended (a file the
    CLI imported is the user's own and stays)."""
    p = Path(path or "")
    if p.name.startswith("upload-") and p.parent == imports_dir():
        p.unlink(missing_ok=True)


def forget_old_rejects() -> int:
    """Delete the rejected lines of imports that finished more than IMPORT_REJECTS_DAYS ago
    (the import keeps its counts; its rejects.csv then answers 410). Returns how many."""
    days = current_app.config["IMPORT_REJECTS_DAYS"]
    old = db.session.execute(
        select(Import.id, Import.rejects_path).where(
            Import.rejects_path.is_not(None), Import.finished_at < func.now() - timedelta(days=days)
        )
    ).all()
    if not old:
        return 0
    folder = imports_dir()
    for _, path in old:
        if Path(path).parent == folder:
            Path(path).unlink(missing_ok=True)
    db.session.execute(update(Import).where(Import.id.in_([i for i, _ in old])).values(rejects_path=None))
    db.session.commit()
    log.info("deleted the rejected lines of %d imports finished over %d days ago", len(old), days)
    return len(old)
