"""The drift history and the Monitoring page's overview."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from ..auth import requires
from ..core.extensions import Blueprint
from ..segmentations import service as segmentations
from ..training.service import latest_runs
from . import drift
from .schemas import DriftHistorySchema, HistoryArgs, OverviewSchema

blp = Blueprint(
    "monitoring",
    __name__,
    url_prefix="/api/v1/monitoring",
    description="Drift over time, segment sizes over model versions and recent job outcomes.",
)


def _history(seg, limit: int) -> dict:
    config = current_app.config
    return {
        "segmentation": seg.name,
        "threshold": config["DRIFT_THRESHOLD"],
        "schedule": config["DRIFT_SCHEDULE"],
        "items": drift.history(seg, limit),
    }


@blp.route("/drift-checks")
class DriftChecks(MethodView):
    @requires("viewer")
    @blp.arguments(HistoryArgs, location="query")
    @blp.response(200, DriftHistorySchema)
    def get(self, args):
        """The drift checks of a segmentation (PSI per feature and of the segment shares), oldest first"""
        return _history(segmentations.get(args["segmentation"]), args["limit"])


@blp.route("/overview")
class Overview(MethodView):
    @requires("viewer")
    @blp.arguments(HistoryArgs, location="query")
    @blp.response(200, OverviewSchema)
    def get(self, args):
        """Drift history, segment sizes of the latest model versions and the latest training jobs"""
        seg = segmentations.get(args["segmentation"])
        runs = latest_runs(10, seg.id)
        return {
            **_history(seg, args["limit"]),
            "versions": drift.segment_sizes(seg, 10),
            "jobs": [
                {
                    "id": r.id,
                    "status": r.status,
                    "trigger": r.trigger,
                    "created_at": r.created_at,
                    "finished_at": r.finished_at,
                    "seconds": (r.finished_at - r.started_at).total_seconds()
                    if r.finished_at and r.started_at
                    else None,
                    "error": r.error,
                    "model_version_id": r.model_version_id,
                }
                for r in runs
            ],
        }
