"""Segments of the active model, model insight, projection, export and drift."""

from __future__ import annotations

import io

from flask import Response, current_app, stream_with_context
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from .. import audit, csvsafe, dataset
from ..auth import requires
from ..auth.ratelimit import write_limit
from ..extensions import Blueprint, db
from ..models import ModelSegment, ModelVersion, Segment
from ..serving import holder
from ..training.registry import active_version
from . import insights
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


def _active() -> ModelVersion:
    mv = active_version()
    if mv is None:
        abort(404, message="No model is active yet.")
    return mv


@blp.route("/segments")
class Segments(MethodView):
    @requires("viewer")
    @blp.response(200, SegmentListSchema)
    def get(self):
        """Every segment of the active model with size, share and mean profile"""
        mv = _active()
        return insights.segment_summaries(mv.id, mv.previous_version_id)


@blp.route("/segments/<int:segment_id>")
class SegmentItem(MethodView):
    decorators = [write_limit()]

    @requires("analyst")
    @blp.arguments(SegmentPatchSchema)
    @blp.response(200, SegmentSchema)
    @blp.alt_response(404, description="Not a segment of the active model")
    def patch(self, data, segment_id):
        """Rename a segment or edit its strategy (kept across retraining)"""
        mv = _active()
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
        return insights.segment_summaries(mv.id, mv.previous_version_id, only=segment_id)["segments"][0]


@blp.route("/model")
class ModelInsight(MethodView):
    @requires("viewer")
    @blp.response(200, ModelInsightSchema)
    @blp.alt_response(404, description="No model is active yet")
    def get(self):
        """The active model: features, metrics and the k-selection curve"""
        mv = _active()
        return {
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
        snapshot = holder(current_app._get_current_object()).current()
        if snapshot is None:
            abort(404, message="No model is active yet.")
        return insights.projection(
            snapshot.predictor, snapshot.version, args["sample"], current_app.config["RANDOM_STATE"]
        )


@blp.route("/assignments.csv")
class Assignments(MethodView):
    @requires("viewer")
    @blp.response(200, {"type": "string"}, content_type="text/csv")
    @blp.alt_response(404, description="No model is active yet")
    def get(self):
        """Every customer's segment under the active model, streamed as CSV"""
        mv = _active()
        version = mv.id
        db.session.remove()

        def rows():
            raw = db.engine.raw_connection()
            try:
                # a server-side cursor: rows arrive in batches, memory stays flat
                with raw.cursor(name="assignments_export") as cur:
                    cur.itersize = 20_000
                    cur.execute(
                        "SELECT a.customer_id, a.segment_id, s.name, a.assigned_at FROM segment_assignments a "
                        "JOIN segments s ON s.id = a.segment_id WHERE a.model_version_id = %s "
                        "ORDER BY a.customer_id",
                        (version,),
                    )
                    buf = io.StringIO()
                    writer = csvsafe.Writer(buf)  # segment names are staff text: no formulas
                    writer.writerow(
                        ["customer_id", "segment_id", "segment_name", "model_version", "assigned_at"]
                    )
                    for i, (cid, sid, name, at) in enumerate(cur, 1):
                        writer.writerow([cid, sid, name, version, at.isoformat()])
                        if i % 5000 == 0:
                            yield buf.getvalue()
                            buf.seek(0)
                            buf.truncate()
                    yield buf.getvalue()
            finally:
                raw.close()

        return Response(
            stream_with_context(rows()),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="segment-assignments-v{version}.csv"'},
        )


@blp.route("/drift")
class Drift(MethodView):
    @requires("viewer")
    @blp.response(200, DriftSchema)
    @blp.alt_response(404, description="No model is active yet")
    def get(self):
        """Current data against the active model's training data (PSI) and whether to retrain"""
        snapshot = holder(current_app._get_current_object()).current()
        mv = _active()
        if snapshot is None or snapshot.version != mv.id:
            abort(503, message="The active model is still loading; try again in a moment.")
        raw = db.engine.raw_connection()
        try:
            with raw.cursor() as cur:
                _, X = dataset.load_features(cur, snapshot.predictor.features)
        finally:
            raw.close()
        shares = {
            ms.segment_id: ms.share
            for ms in db.session.scalars(select(ModelSegment).where(ModelSegment.model_version_id == mv.id))
        }
        names = {s["id"]: s["name"] for s in snapshot.segments.values()}
        return {
            "model_version": mv.id,
            **insights.drift(snapshot.predictor, mv.training_stats, shares, names, X),
        }
