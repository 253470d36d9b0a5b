"""Segmentations: list, create and inspect them (``/api/v1/segmentations``)."""

from __future__ import annotations

from flask import jsonify
from flask.views import MethodView

from ..auth import audit, requires
from ..auth.ratelimit import write_limit
from ..core.extensions import Blueprint, db
from ..web.errors import error_body
from . import service
from .models import Segmentation
from .presets import PRESETS
from .schemas import PresetListSchema, SegmentationCreateSchema, SegmentationListSchema, SegmentationSchema

blp = Blueprint(
    "segmentations",
    __name__,
    url_prefix="/api/v1/segmentations",
    description="Named segmentations: a source, features with kinds, their own models and segments.",
)


@blp.app_errorhandler(service.NoSuchSegmentation)
def no_such_segmentation(exc):
    response = jsonify(error_body(404, str(exc)))
    response.status_code = 404
    return response


@blp.app_errorhandler(service.InvalidSegmentation)
def invalid_segmentation(exc):
    db.session.rollback()
    response = jsonify(error_body(422, str(exc), {"json": exc.errors}))
    response.status_code = 422
    return response


def view(seg: Segmentation, active: dict[int, int] | None = None) -> dict:
    active = service.active_versions() if active is None else active
    return {
        "name": seg.name,
        "preset": seg.preset,
        "source": seg.source,
        "source_database": seg.source_database,
        "id_column": seg.id_column,
        "method": service.method_of(seg),
        "features": seg.features,
        "active_model_version": active.get(seg.id),
        "created_at": seg.created_at,
    }


@blp.route("")
class Segmentations(MethodView):
    decorators = [write_limit()]

    @requires("viewer")
    @blp.response(200, SegmentationListSchema)
    def get(self):
        """Every segmentation with its features and active model version"""
        active = service.active_versions()
        return {"items": [view(s, active) for s in service.all_segmentations()]}

    @requires("admin")
    @blp.arguments(SegmentationCreateSchema)
    @blp.response(201, SegmentationSchema)
    @blp.alt_response(422, description="A feature names no column of the source, or a kind does not fit it")
    def post(self, data):
        """Create a segmentation on the bank's own columns (then train it)"""
        seg = service.create(
            data["name"],
            data.get("features"),
            source=data.get("source"),
            preset=data.get("preset"),
            id_column=data["id_column"],
            external=data["external"],
        )
        audit.record("segmentation.create", seg.name, features=[f["name"] for f in seg.features])
        db.session.commit()
        return view(seg)


@blp.route("/presets")
class Presets(MethodView):
    @requires("viewer")
    @blp.response(200, PresetListSchema)
    def get(self):
        """Ready-made segmentations and the columns each expects"""
        return {"items": [{"name": n, **p} for n, p in PRESETS.items()]}


@blp.route("/<string:name>")
class SegmentationItem(MethodView):
    @requires("viewer")
    @blp.response(200, SegmentationSchema)
    @blp.alt_response(404, description="No such segmentation")
    def get(self, name):
        """One segmentation"""
        return view(service.get(name))
