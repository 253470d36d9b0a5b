"""POST /api/v1/segmentation/predict-segment."""

from __future__ import annotations

import numpy as np
from flask.views import MethodView

from ..auth import requires
from ..core.extensions import Blueprint
from ..monitoring.metrics import observe_predictions
from ..segmentations import current
from ..segmentations import service as segmentations
from ..segmentations.schemas import SegmentationArgs
from . import service, wire
from .schemas import (
    PredictCustomersResponseSchema,
    PredictCustomersSchema,
    PredictResponseSchema,
    ProfileSchema,
)

NON_EMPTY_PROFILES = {"type": "array", "minItems": 1, "items": ProfileSchema}

blp = Blueprint(
    "predict",
    __name__,
    url_prefix="/api/v1/segmentation",
    description="Segments for spending profiles, from the active model held in memory.",
)


@blp.route("/predict-segment")
class PredictSegment(MethodView):
    # the hot path: no rate limit (a limit would cost a database round trip per request)

    # Documented, not run: wire.py reads the query and the body with the same checks and
    # messages as these schemas, at a fraction of their cost per request.
    @requires("viewer", unless_off="PREDICT_AUTH_REQUIRED")
    @blp.doc(
        parameters=[{"in": "query", "schema": SegmentationArgs}],
        requestBody={
            "required": True,
            "description": (
                "A list of profiles (at most MAX_BATCH_ROWS, default 10,000) or one bare profile object."
            ),
            "content": {"application/json": {"schema": NON_EMPTY_PROFILES}},  # [] is a 422
        },
    )
    @blp.response(200, PredictResponseSchema)  # wire.answer writes this layout itself
    @blp.alt_response(422, description="Invalid profiles: errors.json[row][field] lists the reasons")
    @blp.alt_response(409, **current.NO_MODEL_DOC)
    @blp.alt_response(503, **current.NOT_LOADED_DOC)
    def post(self):
        """Predict the segment of each profile (spending, or the segmentation's own features)

        Uses the active model kept in memory (no database access), so predictions keep
        flowing while the database is down or a new model is being activated.
        """
        name = wire.segmentation_arg()
        snapshot, num, cat = wire.profiles(wire.json_body(), name)
        if snapshot is None:
            snapshot = current.served_model(name)  # raises why there is none
        ids = snapshot.predictor.predict(num, cat)
        observe_predictions(snapshot.segmentation, ids)
        return wire.answer(snapshot, ids)


@blp.route("/predict-customers")
class PredictCustomers(MethodView):
    @requires("viewer")
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    @blp.arguments(PredictCustomersSchema)
    @blp.response(200, PredictCustomersResponseSchema)
    @blp.alt_response(409, **current.NO_MODEL_DOC)
    @blp.alt_response(503, **current.NOT_LOADED_DOC)
    def post(self, body, segmentation):
        """Segments of known customers, from their stored features

        Unknown ids are listed in ``unknown_ids``; they do not fail the batch.
        """
        seg = segmentations.get(segmentation)
        snapshot = current.served_model(seg.name)
        wanted = list(dict.fromkeys(body["customer_ids"]))
        by_id = service.segments_by_customer(seg, snapshot, wanted)
        ordered = [c for c in wanted if c in by_id]
        observe_predictions(snapshot.segmentation, [by_id[c] for c in ordered])
        return {
            "predictions": [{"customer_id": c, "segment_id": by_id[c]} for c in ordered],
            "segments": wire.referenced(snapshot, np.asarray([by_id[c] for c in ordered], dtype=np.int64)),
            "unknown_ids": [c for c in wanted if c not in by_id],
            "model_version": snapshot.version,
        }
