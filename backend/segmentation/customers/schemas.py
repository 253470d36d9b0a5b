"""Customer, transaction and explanation schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..core.values import COUNT_MAX
from ..ml.features import CATEGORIES
from ..web.fields import Amount, SegmentRefSchema, SpendingPatchSchema, SpendingSchema
from .models import CHANNELS, EDUCATION_LEVELS, GENDERS

MAX_ID_LENGTH = 64


class CustomerId(fields.Field):
    """The bank's customer id: text such as "C10001" (an integer is taken as its digits)."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {
            "oneOf": [{"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH}, {"type": "integer"}],
            "example": "C10001",
            **kwargs.get("metadata", {}),
        }
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ma.ValidationError("Must be a string or an integer.")
        text = str(value).strip()
        if not text:
            raise ma.ValidationError("Must not be blank.")
        if len(text) > MAX_ID_LENGTH:
            raise ma.ValidationError(f"Longer than {MAX_ID_LENGTH} characters.")
        if "/" in text or any(ord(ch) < 32 for ch in text):
            raise ma.ValidationError("Must not contain '/' or control characters.")
        return text

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class CustomerWriteSchema(ma.Schema):
    """Writable customer fields; ``spending`` nests the monthly profile."""

    class Meta:
        unknown = ma.RAISE

    age = fields.Integer(allow_none=True, strict=True, validate=validate.Range(16, 120))
    gender = fields.String(allow_none=True, validate=validate.OneOf(GENDERS))
    monthly_income = Amount(allow_none=True)
    account_balance = Amount(allow_none=True, minimum=None)
    loyalty_score = fields.Integer(allow_none=True, strict=True, validate=validate.Range(1, 1000))
    education_level = fields.String(allow_none=True, validate=validate.OneOf(EDUCATION_LEVELS))
    has_loan = fields.Boolean(truthy={True}, falsy={False})
    online_interactions = fields.Integer(strict=True, validate=validate.Range(0, COUNT_MAX))
    branch_visits = fields.Integer(strict=True, validate=validate.Range(0, COUNT_MAX))
    call_center_calls = fields.Integer(strict=True, validate=validate.Range(0, COUNT_MAX))


class CustomerCreateSchema(CustomerWriteSchema):
    customer_id = CustomerId(required=True, metadata={"description": "The bank's own customer id"})
    spending = fields.Nested(SpendingSchema, required=True)


class CustomerPatchSchema(CustomerWriteSchema):
    spending = fields.Nested(
        SpendingPatchSchema(partial=True), metadata={"description": "Only the categories given change"}
    )

    @ma.validates_schema
    def not_empty(self, data, **kwargs):
        if not data:
            raise ma.ValidationError("Give at least one field to change.")


class RfmSchema(ma.Schema):
    recency_days = fields.Integer(
        allow_none=True,
        metadata={"description": "Days from the last purchase to the window's end; null = no history"},
    )
    frequency = fields.Integer(allow_none=True)
    monetary = fields.Float(allow_none=True)


class CustomerSegmentSchema(ma.Schema):
    segmentation = fields.String(required=True)
    segment = fields.Nested(SegmentRefSchema, allow_none=True)


class CustomerSchema(ma.Schema):
    customer_id = fields.String(required=True, metadata={"description": "The bank's own customer id"})
    age = fields.Integer(allow_none=True)
    gender = fields.String(allow_none=True, metadata={"enum": list(GENDERS)})
    monthly_income = fields.Float(allow_none=True)
    account_balance = fields.Float(allow_none=True)
    loyalty_score = fields.Integer(allow_none=True)
    education_level = fields.String(allow_none=True, metadata={"enum": list(EDUCATION_LEVELS)})
    has_loan = fields.Boolean()
    online_interactions = fields.Integer()
    branch_visits = fields.Integer()
    call_center_calls = fields.Integer()
    attributes = fields.Dict(
        keys=fields.String(),
        metadata={
            "description": "Imported columns (GET /customers/columns gives their types); null = missing"
        },
    )
    spending = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        allow_none=True,
        metadata={
            "description": f"Monthly spend per category: {', '.join(CATEGORIES)}; null without a profile"
        },
    )
    spending_source = fields.String(metadata={"enum": ["declared", "transactions"]})
    rfm = fields.Nested(RfmSchema, allow_none=True)
    segment = fields.Nested(SegmentRefSchema, allow_none=True)
    previous_segment = fields.Nested(SegmentRefSchema, allow_none=True)
    segments = fields.List(
        fields.Nested(CustomerSegmentSchema),
        metadata={"description": "Current segment per segmentation (single customer only)"},
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class CustomerListArgs(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    page = fields.Integer(load_default=1, validate=validate.Range(1, 1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 200))
    segment_id = fields.Integer(validate=validate.Range(1, 2**31 - 1))
    q = fields.String(
        validate=validate.Length(1, MAX_ID_LENGTH),
        metadata={"description": "Customer ids starting with this text"},
    )


class CustomerListSchema(ma.Schema):
    items = fields.List(fields.Nested(CustomerSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class TransactionSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    booked_at = fields.AwareDateTime(required=True, default_timezone=None)
    amount = Amount(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))

    @ma.pre_load
    def canonical_names(self, data, **kwargs):
        """Category names match case-insensitively (as elsewhere); channels are lower case."""
        if isinstance(data, dict):
            data = dict(data)
            lower = {c.lower(): c for c in CATEGORIES}
            if isinstance(data.get("category"), str):
                data["category"] = lower.get(data["category"].strip().lower(), data["category"])
            if isinstance(data.get("channel"), str):
                data["channel"] = data["channel"].strip().lower()
        return data

    @ma.validates("amount")
    def positive(self, value, **kwargs):
        if value <= 0:
            raise ma.ValidationError("Must be greater than 0.")


class TransactionBatchSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    transactions = fields.List(
        fields.Nested(TransactionSchema), required=True, validate=validate.Length(1, 10_000)
    )


class TransactionResultSchema(ma.Schema):
    inserted = fields.Integer(required=True)
    customer = fields.Nested(CustomerSchema, required=True)


class DriverSchema(ma.Schema):
    feature = fields.String(required=True)
    value = fields.Float(required=True)
    segment_mean = fields.Float(required=True)
    population_mean = fields.Float(required=True)
    text = fields.String(required=True)


class NeighbourSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    distance = fields.Float(required=True)


class ExplanationSchema(ma.Schema):
    customer_id = fields.String(required=True)
    model_version = fields.Integer(required=True)
    segment = fields.Nested(NeighbourSchema, required=True)
    distance = fields.Float(required=True)
    runner_up = fields.Nested(NeighbourSchema, allow_none=True)
    drivers = fields.List(fields.Nested(DriverSchema), required=True)
    summary = fields.String(required=True)


class ColumnSchema(ma.Schema):
    name = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": ["number", "boolean", "category", "date", "text"]})
    suggested_kind = fields.String(
        allow_none=True, metadata={"enum": ["money", "count", "ratio", "score", "binary", "categorical"]}
    )
    categories = fields.List(fields.String(), allow_none=True)
    n_values = fields.Integer(required=True)
    n_missing = fields.Integer(required=True)
    builtin = fields.Boolean(required=True)


class ColumnListSchema(ma.Schema):
    items = fields.List(fields.Nested(ColumnSchema), required=True)
