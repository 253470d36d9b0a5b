"""Liveness and readiness."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields

from ..auth import PUBLIC, requires
from ..core.extensions import Blueprint
from ..data.dataset import database_reachable
from ..predict.serving import holder

blp = Blueprint("health", __name__, description="Process health for load balancers and orchestrators.")


class HealthSchema(ma.Schema):
    status = fields.String(required=True)


class ReadySchema(ma.Schema):
    status = fields.String(required=True)
    model_version = fields.Integer(required=True)


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
    @blp.alt_response(503, description="Database unreachable or no model loaded")
    def get(self):
        """The database is reachable and a model is loaded"""
        if not database_reachable():
            abort(503, message="Not ready: the database is unreachable.")
        snapshot = holder(current_app._get_current_object()).current()
        if snapshot is None:
            abort(503, message="Not ready: no model is loaded (none active yet, or its file was refused).")
        return {"status": "ready", "model_version": snapshot.version}
