"""Segments of the active model, model insight, projection, export and drift."""

from __future__ import annotations

from flask import Response, current_app, stream_with_context
from flask.views import MethodView
from flask_smorest import abort

from ..auth import audit, requires
from ..auth.ratelimit import write_limit
from ..core.extensions import Blueprint, db
from ..monitoring.drift import current_drift
from ..predict.serving import holder
from ..segmentations import service as segmentations
from ..segmentations.models import Segmentation
from ..segmentations.schemas import SegmentationArgs
from ..training.models import ModelSegment, ModelVersion
from ..training.registry import active_version
from . import export, insights
from .models import Segment
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


def _active(name: str) -> tuple[Segmentation, ModelVersion]:
    """The segmentation and its active model (404 when it has none)."""
    seg = segmentations.get(name)
    mv = active_version(seg.id)
    if mv is None:
        abort(404, message=f"No model of segmentation '{seg.name}' is active yet.")
    return seg, mv


@blp.route("/segments")
class Segments(MethodView):
    @requires("viewer")
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    @blp.response(200, SegmentListSchema)
    def get(self, segmentation):
        """Every segment of the active model with size, share and members' profile"""
        seg, mv = _active(segmentation)
        return insights.segment_summaries(mv, seg)


@blp.route("/segments/<int:segment_id>")
class SegmentItem(MethodView):
    decorators = [write_limit()]

    @requires("analyst")
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    @blp.arguments(SegmentPatchSchema)
    @blp.response(200, SegmentSchema)
    @blp.alt_response(404, description="Not a segment of the active model")
    def patch(self, data, segment_id, segmentation):
        """Rename a segment or edit its strategy (kept across retraining)"""
        seg, mv = _active(segmentation)
        segment = db.session.get(Segment, segment_id, with_for_update=True)
        in_model = db.session.get(ModelSegment, (mv.id, segment_id))
        if segment is None or in_model is None:
            abort(404, message=f"Segment {segment_id} is not a segment of the active model v{mv.id}.")
        if "name" in data:
            segment.name, segment.name_source = data["name"], "staff"
        if "strategy" in data:
            segment.strategy, segment.strategy_source = data["strategy"], "staff"
        audit.record("segment.update", str(segment_id), fields=sorted(data))
        db.session.commit()
        return insights.segment_summaries(mv, seg, only=segment_id)["segments"][0]


@blp.route("/model")
class ModelInsight(MethodView):
    @requires("viewer")
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    @blp.response(200, ModelInsightSchema)
    @blp.alt_response(404, description="No model is active yet")
    def get(self, segmentation):
        """The active model: features with their kinds, metrics, the k-selection curve and why this k"""
        seg, mv = _active(segmentation)
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
    @blp.alt_response(404, description="No model is active yet")
    def get(self, args):
        """2-D PCA coordinates of a sample stratified by segment, for plotting"""
        seg = segmentations.get(args["segmentation"])
        snapshot = holder(current_app._get_current_object()).current(seg.name)
        if snapshot is None:
            abort(404, message=f"No model of segmentation '{seg.name}' is active yet.")
        return insights.projection(
            seg, snapshot.predictor, snapshot.version, args["sample"], current_app.config["RANDOM_STATE"]
        )


@blp.route("/assignments.csv")
class Assignments(MethodView):
    @requires("viewer")
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    @blp.response(200, {"type": "string"}, content_type="text/csv")
    @blp.alt_response(404, description="No model is active yet")
    def get(self, segmentation):
        """Every customer's segment under the active model, streamed as CSV"""
        seg, mv = _active(segmentation)
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
    @blp.alt_response(404, description="No model is active yet")
    def get(self, segmentation):
        """Current data against the active model's training data (PSI) and whether to retrain"""
        seg, mv = _active(segmentation)
        snapshot = holder(current_app._get_current_object()).current(seg.name)
        if snapshot is None or snapshot.version != mv.id:
            abort(503, message="The active model is still loading; try again in a moment.")
        return current_drift(seg, mv, snapshot.predictor)
