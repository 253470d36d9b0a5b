"""POST /api/v1/segmentation/predict-segment."""

from __future__ import annotations

import numpy as np
from flask import current_app
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import text

from ..auth import requires
from ..auth.ratelimit import limiter
from ..core.extensions import Blueprint, db
from ..monitoring.metrics import observe_predictions
from ..segmentations import service as segmentations
from ..segmentations.schemas import SegmentationArgs
from ..training.resegment import segments_of
from . import wire
from .schemas import (
    PredictCustomersResponseSchema,
    PredictCustomersSchema,
    PredictResponseSchema,
    ProfileSchema,
)
from .serving import holder

NON_EMPTY_PROFILES = {"type": "array", "minItems": 1, "items": ProfileSchema}

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
    @blp.alt_response(503, description="No model is active yet")
    def post(self):
        """Predict the segment of each profile (spending, or the segmentation's own features)

        Uses the active model kept in memory (no database access), so predictions keep
        flowing while the database is down or a new model is being activated.
        """
        name = wire.segmentation_arg()
        snapshot, num, cat = wire.profiles(wire.json_body(), name)
        if snapshot is None:
            abort(503, message="No model is active yet. Train one: flask --app segmentation train")
        ids = snapshot.predictor.predict(num, cat)
        observe_predictions(snapshot.segmentation, ids)
        return wire.answer(snapshot, ids)


@blp.route("/predict-customers")
class PredictCustomers(MethodView):
    decorators = [limiter.exempt]

    @requires("viewer")
    @blp.arguments(SegmentationArgs, location="query", as_kwargs=True)
    @blp.arguments(PredictCustomersSchema)
    @blp.response(200, PredictCustomersResponseSchema)
    @blp.alt_response(503, description="No model is active yet")
    def post(self, body, segmentation):
        """Segments of known customers, from their stored features

        Unknown ids are listed in ``unknown_ids``; they do not fail the batch.
        """
        seg = segmentations.get(segmentation)
        snapshot = holder(current_app._get_current_object()).current(seg.name)
        if snapshot is None:
            abort(503, message="No model is active yet. Train one: flask --app segmentation train")
        wanted = list(dict.fromkeys(body["customer_ids"]))
        keys = internal_keys(wanted)
        data = segmentations.load_customers(seg, list(keys.values()))
        if data is None:  # the bank's own relation: its latest assignments
            by_key = current_assignments(snapshot.version, list(keys.values()))
        else:
            found, segments = segments_of(snapshot.predictor, data)
            by_key = dict(zip(found.tolist(), segments.tolist(), strict=True))
        by_id = {c: by_key[keys[c]] for c in wanted if c in keys and keys[c] in by_key}
        ordered = [c for c in wanted if c in by_id]
        observe_predictions(snapshot.segmentation, [by_id[c] for c in ordered])
        return {
            "predictions": [{"customer_id": c, "segment_id": by_id[c]} for c in ordered],
            "segments": wire.referenced(snapshot, np.asarray([by_id[c] for c in ordered], dtype=np.int64)),
            "unknown_ids": [c for c in wanted if c not in by_id],
            "model_version": snapshot.version,
        }


def internal_keys(external_ids: list[str]) -> dict[str, int]:
    rows = db.session.execute(
        text("SELECT external_id, customer_id FROM customers WHERE external_id = ANY(:ids)"),
        {"ids": external_ids},
    )
    return dict(rows.all())


def current_assignments(version: int, keys: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        text(
            "SELECT customer_id, segment_id FROM segment_assignments "
            "WHERE model_version_id = :v AND customer_id = ANY(:ids)"
        ),
        {"v": version, "ids": keys},
    )
    return dict(rows.all())
