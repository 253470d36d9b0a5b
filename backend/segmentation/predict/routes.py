"""POST /api/v1/segmentation/predict-segment."""
from __future__ import annotations

import numpy as np
from flask.views import MethodView
from flask_smorest import abort

from ..extensions import Blueprint
from .schemas import PredictResponseSchema, ProfileSchema

blp = Blueprint(
    "predict", __name__, url_prefix="/api/v1/segmentation",
    description="Segments for spending profiles, from the active model held in memory.",
)


@blp.route("/predict-segment")
class PredictSegment(MethodView):
    @blp.arguments(ProfileSchema(many=True), description=(
        "A list of profiles (at most MAX_BATCH_ROWS, default 10,000) or one bare profile object."
    ))
    @blp.response(200, PredictResponseSchema)
    @blp.alt_response(422, description="Invalid profiles: errors.json[row][field] lists the reasons")
    @blp.alt_response(503, description="No model is active yet")
    def post(self, body):
        """Predict the segment of each spending profile

        Uses the active model kept in memory (no database access), so predictions keep
        flowing while the database is down or a new model is being activated.
        """
        snapshot, X = body["snapshot"], body["X"]
        if snapshot is None:
            abort(503, message="No model is active yet. Train one: flask --app segmentation train")
        ids = snapshot.predictor.predict(X)
        uniques, first = np.unique(ids, return_index=True)
        segments = [
            snapshot.segments.get(int(s), {"id": int(s), "name": f"Segment {s}", "strategy": ""})
            for s in uniques[np.argsort(first)]
        ]
        return {"predictions": ids, "segments": segments, "model_version": snapshot.version}


