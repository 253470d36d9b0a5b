"""Bulk imports of customers files: upload (queued as a job), status, rejects."""

from __future__ import annotations

import logging

from flask import Response, current_app, request, url_for
from flask.views import MethodView
from flask_smorest import abort

from ..auth import audit, requires
from ..auth.ratelimit import write_limit
from ..core.extensions import Blueprint
from . import service
from .rejects import neutralised
from .schemas import ImportFileSchema, ImportFormSchema, ImportListArgs, ImportListSchema, ImportSchema

log = logging.getLogger(__name__)

blp = Blueprint(
    "imports",
    __name__,
    url_prefix="/api/v1/imports",
    description="Bulk import of the bank's customers (CSV or Parquet) as a background job.",
)


@blp.before_request
def allow_large_files():
    """Bank files are large: a multipart upload here may reach IMPORT_MAX_BYTES (its file
    part spooled to disk by werkzeug). Any other body keeps MAX_CONTENT_LENGTH: a form
    or JSON body is parsed in memory whole."""
    if request.method == "POST" and request.mimetype == "multipart/form-data":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


@blp.route("")
class Imports(MethodView):
    decorators = [write_limit()]

    @requires("viewer")
    @blp.arguments(ImportListArgs, location="query")
    @blp.response(200, ImportListSchema)
    def get(self, args):
        """Recent imports, newest first"""
        return {"items": [service.view(i) for i in service.latest(args["limit"])]}

    @requires("analyst")
    @blp.arguments(ImportFileSchema, location="files")
    @blp.arguments(ImportFormSchema, location="form")
    @blp.response(
        202,
        ImportSchema,
        headers={"Location": {"description": "URL of the import", "schema": {"type": "string"}}},
    )
    @blp.alt_response(503, description="The job queue is unreachable")
    def post(self, files, form):
        """Upload a customers file; it is checked and imported in the background

        Upserts by the bank's id column. Poll the Location for progress and counts.
        """
        upload = files["file"]
        try:
            imp = service.request_import(
                upload, form["id_column"], form["types"], audit.actor(), current_app.extensions["queue"]
            )
        except service.BadUpload as exc:
            abort(422, message=str(exc))
        except service.QueueUnavailable as exc:
            abort(503, message=f"The job queue is unavailable: {exc}")
        audit.record("import.queue", f"import {imp.id}", commit=True)
        return service.view(imp), 202, {"Location": url_for("imports.ImportItem", import_id=imp.id)}


@blp.route("/<int:import_id>")
class ImportItem(MethodView):
    @requires("viewer")
    @blp.response(200, ImportSchema)
    @blp.alt_response(404, description="No such import")
    def get(self, import_id):
        """Status, stage, progress and counts of an import"""
        return service.view(service.get(import_id) or _not_found(import_id))


@blp.route("/<int:import_id>/rejects.csv")
class ImportRejects(MethodView):
    @requires("analyst")
    @blp.response(200, content_type="text/csv")
    @blp.alt_response(404, description="No such import, or it rejected nothing")
    @blp.alt_response(410, description="The rejected lines were deleted (IMPORT_REJECTS_DAYS)")
    def get(self, import_id):
        """The rejected lines: line, column, reason, then the row as it was in the file

        Cells a spreadsheet would run as a formula start with an apostrophe. They hold customer
        rows: they are deleted IMPORT_REJECTS_DAYS after the import finished.
        """
        imp = service.get(import_id) or _not_found(import_id)
        if not imp.rejects_path and not imp.rejected:
            abort(404, message=f"Import {import_id} rejected no lines.")
        if not imp.rejects_path:
            days = current_app.config["IMPORT_REJECTS_DAYS"]
            abort(
                410,
                message=f"The rejected lines of import {import_id} were deleted: they are kept "
                f"{days} days after an import finishes (IMPORT_REJECTS_DAYS).",
            )
        try:  # opened here: deleted a moment later, it still downloads whole
            fh = open(imp.rejects_path, newline="", encoding="utf-8")
        except FileNotFoundError:
            log.error("import %s: its rejected lines are missing from the imports folder", import_id)
            abort(
                410,
                message=f"The rejected lines of import {import_id} are missing from the imports "
                "folder (deleted by hand, or a volume the worker and the API do not share).",
            )
        return Response(
            neutralised(fh),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="import-{import_id}-rejects.csv"'},
        )


def _not_found(import_id: int):
    abort(404, message=f"Import {import_id} does not exist.")
