"""Customer imports as the API sees them: an upload saved (owner-only) and queued, the
list and the state of imports, and imports whose worker died marked failed. The import
itself is ``runner.run_import``."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import current_app
from sqlalchemy import select, text

from ..core.extensions import db
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


def get(import_id: int) -> Import | None:
    fail_stale_imports()
    return db.session.get(Import, import_id)


def latest(limit: int) -> list[Import]:
    fail_stale_imports()
    return list(db.session.scalars(select(Import).order_by(Import.id.desc()).limit(limit)))


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
        raise QueueUnavailable(str(exc)) from exc
    db.session.commit()
    return imp


def create_import(filename: str, path: str, id_column: str, types: dict, actor: str | None) -> Import:
    imp = Import(
        filename=filename[:255], path=path, id_column=id_column, types=types, actor=actor, status="queued"
    )
    db.session.add(imp)
    db.session.commit()
    return imp


def fail_stale_imports() -> None:
    stale = current_app.config["RUN_STALE_SECONDS"]
    db.session.execute(
        text(
            "UPDATE imports SET status = 'failed', finished_at = now(), "
            "error = 'The import stopped before it finished (killed or crashed); nothing was written.' "
            "WHERE status = 'running' AND coalesce(heartbeat_at, started_at) < now() - make_interval(secs => :s)"
        ),
        {"s": stale},
    )
    db.session.commit()
