"""predict-segment request and response schemas."""

from __future__ import annotations

import marshmallow as ma
import marshmallow.validate  # noqa: F401  (ma.validate)
from marshmallow import fields

from ..core.values import MONEY_MAX_FLOAT, NON_NEGATIVE_PATTERN
from ..customers.schemas import CustomerId
from ..ml.features import CATEGORIES
from ..web.fields import SegmentRefSchema

_AMOUNT_DOC = {
    "oneOf": [
        {"type": "number", "minimum": 0, "maximum": MONEY_MAX_FLOAT},
        {"type": "string", "pattern": NON_NEGATIVE_PATTERN},
    ],
    "example": "120.50",
}
_ProfileFields = ma.Schema.from_dict(
    {
        c: fields.Raw(required=True, metadata={**_AMOUNT_DOC, "description": f"Monthly spend on {c}"})
        for c in CATEGORIES
    },
    name="ProfileFields",
)


class ProfileSchema(_ProfileFields):
    """One customer's average monthly spend per category (money units, >= 0).

    Field names match case-insensitively; values may be numbers or numeric strings. The
    fields required are the active model's features (GET /api/v1/segmentation/model).
    This schema documents the body; ``wire.py`` and ``parsing.parse_inputs`` check it in
    bulk, against the model's own features.
    """


class IdArray(fields.List):
    """A list of integers serialised straight from a NumPy array."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value.tolist() if hasattr(value, "tolist") else list(value)


class PredictResponseSchema(ma.Schema):
    predictions = IdArray(
        fields.Integer(),
        required=True,
        metadata={"description": "Segment id of each profile, in input order"},
    )
    segments = fields.List(
        fields.Nested(SegmentRefSchema),
        required=True,
        metadata={"description": "Each segment referenced, in order of first appearance"},
    )
    model_version = fields.Integer(required=True)


class PredictCustomersSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    customer_ids = fields.List(
        CustomerId(),
        required=True,
        validate=ma.validate.Length(1, 10_000),
    )


class CustomerPredictionSchema(ma.Schema):
    customer_id = fields.String(required=True)
    segment_id = fields.Integer(required=True)


class PredictCustomersResponseSchema(ma.Schema):
    predictions = fields.List(
        fields.Nested(CustomerPredictionSchema),
        required=True,
        metadata={"description": "Known customers, in request order"},
    )
    segments = fields.List(fields.Nested(SegmentRefSchema), required=True)
    unknown_ids = fields.List(
        fields.String(), required=True, metadata={"description": "Requested ids with no stored profile"}
    )
    model_version = fields.Integer(required=True)
