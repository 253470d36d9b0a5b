"""Customer, transaction and explanation schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..fields import Amount, SegmentRefSchema, SpendingPatchSchema, SpendingSchema
from ..ml.features import CATEGORIES
from ..models import CHANNELS, EDUCATION_LEVELS, GENDERS
from ..values import COUNT_MAX
from ..values import CUSTOMER_ID_MAX as MAX_ID


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
    customer_id = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, MAX_ID),
        metadata={"description": "The bank's own customer id"},
    )
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
    recency_days = fields.Integer(allow_none=True)
    frequency = fields.Integer(allow_none=True)
    monetary = fields.Float(allow_none=True)


class CustomerSchema(ma.Schema):
    customer_id = fields.Integer(required=True)
    age = fields.Integer(allow_none=True)
    gender = fields.String(allow_none=True)
    monthly_income = fields.Float(allow_none=True)
    account_balance = fields.Float(allow_none=True)
    loyalty_score = fields.Integer(allow_none=True)
    education_level = fields.String(allow_none=True)
    has_loan = fields.Boolean()
    online_interactions = fields.Integer()
    branch_visits = fields.Integer()
    call_center_calls = fields.Integer()
    spending = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        metadata={"description": f"Monthly spend per category: {', '.join(CATEGORIES)}"},
    )
    spending_source = fields.String(metadata={"enum": ["declared", "transactions"]})
    rfm = fields.Nested(RfmSchema, allow_none=True)
    segment = fields.Nested(SegmentRefSchema, allow_none=True)
    previous_segment = fields.Nested(SegmentRefSchema, allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class CustomerListArgs(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    page = fields.Integer(load_default=1, validate=validate.Range(1, 1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 200))
    segment_id = fields.Integer(validate=validate.Range(1, 2**31 - 1))
    q = fields.String(
        validate=[validate.Length(1, 19), validate.Regexp(r"^[0-9]+$", error="Digits only.")],
        metadata={"description": "Customer ids starting with these digits"},
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
    customer_id = fields.Integer(required=True)
    model_version = fields.Integer(required=True)
    segment = fields.Nested(NeighbourSchema, required=True)
    distance = fields.Float(required=True)
    runner_up = fields.Nested(NeighbourSchema, allow_none=True)
    drivers = fields.List(fields.Nested(DriverSchema), required=True)
    summary = fields.String(required=True)
