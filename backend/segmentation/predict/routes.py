"""POST /api/v1/segmentation/predict-segment."""

from __future__ import annotations

import numpy as np
from flask import current_app
from flask.views import MethodView
from flask_smorest import abort

from ..auth import requires
from ..auth.ratelimit import limiter
from ..dataset import features_of
from ..extensions import Blueprint
from ..serving import holder
from .schemas import (
    PredictCustomersResponseSchema,
    PredictCustomersSchema,
    PredictResponseSchema,
    ProfileSchema,
)

NON_EMPTY_PROFILES = {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Profile"}}

blp = Blueprint(
    "predict",
    __name__,
    url_prefix="/api/v1/segmentation",
    description="Segments for spending profiles, from the active model held in memory.",
)


@blp.route("/predict-segment")
class PredictSegment(MethodView):
    # the hot path: no rate-limit bookkeeping (it would cost a database round trip)
    decorators = [limiter.exempt]

    @requires("viewer", unless_off="PREDICT_AUTH_REQUIRED")
    @blp.arguments(
        ProfileSchema(many=True),
        description=(
            "A list of profiles (at most MAX_BATCH_ROWS, default 10,000) or one bare profile object."
        ),
    )
    @blp.doc(requestBody={"content": {"application/json": {"schema": NON_EMPTY_PROFILES}}})  # [] is a 422
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
        return {"predictions": ids, "segments": referenced(snapshot, ids), "model_version": snapshot.version}


def referenced(snapshot, ids: np.ndarray) -> list[dict]:
    """Each segment in ``ids`` once, in order of first appearance."""
    uniques, first = np.unique(ids, return_index=True)
    return [
        snapshot.segments.get(int(s), {"id": int(s), "name": f"Segment {s}", "strategy": ""})
        for s in uniques[np.argsort(first)]
    ]


@blp.route("/predict-customers")
class PredictCustomers(MethodView):
    decorators = [limiter.exempt]

    @requires("viewer")
    @blp.arguments(PredictCustomersSchema)
    @blp.response(200, PredictCustomersResponseSchema)
    @blp.alt_response(503, description="No model is active yet")
    def post(self, body):
        """Segments of known customers, from their stored profiles

        Unknown ids are listed in ``unknown_ids``; they do not fail the batch.
        """
        snapshot = holder(current_app._get_current_object()).current()
        if snapshot is None:
            abort(503, message="No model is active yet. Train one: flask --app segmentation train")
        wanted = list(dict.fromkeys(body["customer_ids"]))
        found, X = features_of(wanted, snapshot.predictor.features)
        segments = snapshot.predictor.predict(X) if len(found) else np.empty(0, dtype=np.int64)
        by_id = dict(zip(found.tolist(), segments.tolist()))
        ordered = [c for c in wanted if c in by_id]
        return {
            "predictions": [{"customer_id": c, "segment_id": by_id[c]} for c in ordered],
            "segments": referenced(snapshot, np.asarray([by_id[c] for c in ordered], dtype=np.int64)),
            "unknown_ids": [c for c in wanted if c not in by_id],
            "model_version": snapshot.version,
        }
