"""Segments of the active model, model insight, projection, export and drift."""

from __future__ import annotations

from flask import Response, current_app, stream_with_context
from flask.views import MethodView
from flask_smorest import abort

from ..auth import requires
from ..auth.ratelimit import write_limit
from ..core.extensions import Blueprint, db
from ..monitoring.drift import current_drift
from ..segmentations import service as segmentations
from ..segmentations.current import NO_MODEL_DOC, NOT_LOADED_DOC, active_model, served_model
from ..segmentations.schemas import SegmentationArgs
from . import export, insights, service
from .schemas import (
    DriftSchema,
    ModelInsightSchema,
    ProjectionArgs,
    ProjectionSchema,
    SegmentListSchema,
    SegmentPatchSchema,
    SegmentSchema,
)

blp = Blueprint(
    "segments",
    __name__,
    url_prefix="/api/v1/segmentation",
    description="What the segments are, how the model was chosen, and whether it still fits.",
)


@blp.route("/segments")
class Segments(MethodView):
    @requires("viewer")
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    @blp.response(200, SegmentListSchema)
    @blp.alt_response(409, **NO_MODEL_DOC)
    def get(self, segmentation):
        """Every segment of the active model with size, share and members' profile"""
        seg, mv = active_model(segmentation)
        return insights.segment_summaries(mv, seg)


@blp.route("/segments/<int:segment_id>")
class SegmentItem(MethodView):
    decorators = [write_limit()]

    @requires("analyst")
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    @blp.arguments(SegmentPatchSchema)
    @blp.response(200, SegmentSchema)
    @blp.alt_response(404, description="Not a segment of the active model")
    @blp.alt_response(409, **NO_MODEL_DOC)
    def patch(self, data, segment_id, segmentation):
        """Rename a segment or edit its strategy (kept across retraining)"""
        seg, mv = active_model(segmentation)
        if not service.edit(mv, segment_id, data):
            abort(404, message=f"Segment {segment_id} is not a segment of the active model v{mv.id}.")
        return insights.segment_summaries(mv, seg, only=segment_id)["segments"][0]


@blp.route("/model")
class ModelInsight(MethodView):
    @requires("viewer")
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    @blp.response(200, ModelInsightSchema)
    @blp.alt_response(409, **NO_MODEL_DOC)
    def get(self, segmentation):
        """The active model: features with their kinds, metrics, the k-selection curve and why this k"""
        seg, mv = active_model(segmentation)
        return {
            "segmentation": seg.name,
            "method": segmentations.method_of(seg),
            "feature_specs": mv.feature_specs
            or [{"name": f, "kind": "money", "label": f} for f in mv.features],
            "k_reason": mv.k_reason,
            "notes": mv.notes or [],
            **{
                c: getattr(mv, c)
                for c in (
                    "k",
                    "feature_set",
                    "features",
                    "metrics",
                    "k_curve",
                    "training_seconds",
                    "n_train_rows",
                    "ari_vs_previous",
                    "created_at",
                    "activated_at",
                    "sklearn_version",
                )
            },
            "version": mv.id,
        }


@blp.route("/projection")
class Projection(MethodView):
    @requires("viewer")
    @blp.arguments(ProjectionArgs, location="query")
    @blp.response(200, ProjectionSchema)
    @blp.alt_response(409, **NO_MODEL_DOC)
    @blp.alt_response(503, **NOT_LOADED_DOC)
    def get(self, args):
        """2-D PCA coordinates of a sample stratified by segment, for plotting"""
        seg = segmentations.get(args["segmentation"])
        snapshot = served_model(seg.name)
        return insights.projection(
            seg, snapshot.predictor, snapshot.version, args["sample"], current_app.config["RANDOM_STATE"]
        )


@blp.route("/assignments.csv")
class Assignments(MethodView):
    @requires("viewer")
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    @blp.response(200, {"type": "string"}, content_type="text/csv")
    @blp.alt_response(409, **NO_MODEL_DOC)
    def get(self, segmentation):
        """Every customer's segment under the active model, streamed as CSV"""
        seg, mv = active_model(segmentation)
        version = mv.id
        db.session.remove()
        return Response(
            stream_with_context(export.assignment_chunks(version, export.API_COLUMNS)),
            mimetype="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="segment-assignments-{seg.name}-v{version}.csv"'
            },
        )


@blp.route("/drift")
class Drift(MethodView):
    @requires("viewer")
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    @blp.response(200, DriftSchema)
    @blp.alt_response(409, **NO_MODEL_DOC)
    @blp.alt_response(503, **NOT_LOADED_DOC)
    def get(self, segmentation):
        """Current data against the active model's training data (PSI) and whether to retrain"""
        seg, mv = active_model(segmentation)
        return current_drift(seg, mv, served_model(seg.name, mv.id).predictor)
