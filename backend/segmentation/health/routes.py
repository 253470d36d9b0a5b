"""Liveness and readiness."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from marshmallow import fields

from ..auth import PUBLIC, requires
from ..core.extensions import Blueprint, ErrorSchema
from ..data.dataset import database_reachable
from ..predict.serving import holder
from ..web.errors import ApiError

blp = Blueprint("health", __name__, description="Process health for load balancers and orchestrators.")


class HealthSchema(ma.Schema):
    status = fields.String(required=True)


class ReadySchema(ma.Schema):
    status = fields.String(required=True)
    model_version = fields.Integer(required=True)


class NotReady(ApiError):
    """503 with the reason an orchestrator (or a person) can act on; the same reasons as the
    API's: ``database_unavailable`` or ``model_not_loaded``."""

    status = 503
    headers = {"Retry-After": "5"}

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@blp.route("/health")
class Health(MethodView):
    @requires(PUBLIC)
    @blp.response(200, HealthSchema)
    def get(self):
        """The process is alive"""
        return {"status": "ok"}


@blp.route("/ready")
class Ready(MethodView):
    @requires(PUBLIC)
    @blp.response(200, ReadySchema)
    @blp.alt_response(
        503,
        description="Database unreachable (reason `database_unavailable`) or no model loaded "
        "(reason `model_not_loaded`)",
        schema=ErrorSchema,
    )
    def get(self):
        """The database is reachable and a model is loaded"""
        if not database_reachable():
            raise NotReady("database_unavailable", "Not ready: the database is unreachable.")
        snapshot = holder(current_app._get_current_object()).current()
        if snapshot is None:
            raise NotReady(
                "model_not_loaded",
                "Not ready: no model is loaded (none active yet, or its file was refused).",
            )
        return {"status": "ready", "model_version": snapshot.version}
