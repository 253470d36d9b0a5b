"""Segmentation schemas, and the ``?segmentation=NAME`` argument every endpoint takes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..ml.kinds import KINDS
from .presets import PRESETS
from .service import DEFAULT, NAME


class SegmentationArgs(ma.Schema):
    """Which segmentation a request concerns (default ``lifestyle``)."""

    class Meta:
        unknown = ma.RAISE

    segmentation = fields.String(
        load_default=DEFAULT,
        validate=validate.Regexp(NAME, error="Not a segmentation name."),
        metadata={"description": "Name of the segmentation (default lifestyle)", "example": DEFAULT},
    )


class FeatureSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(required=True, validate=validate.Length(1, 128))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    label = fields.String(validate=validate.Length(0, 80))
    unit = fields.String(allow_none=True, validate=validate.Length(0, 32))
    categories = fields.List(fields.String(), dump_only=True)
    signed = fields.Boolean(
        dump_only=True, metadata={"description": "Negative values accepted (they occurred in training)"}
    )


class SegmentationCreateSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(required=True, validate=validate.Length(1, 64))
    features = fields.List(fields.Nested(FeatureSchema), validate=validate.Length(0, 64))
    source = fields.String(
        allow_none=True,
        validate=validate.Length(0, 20_000),
        metadata={
            "description": "A table or view name, or a read-only SELECT; empty: the service's customers"
        },
    )
    external = fields.Boolean(
        load_default=False, metadata={"description": "Read the source from SOURCE_DATABASE_URL"}
    )
    id_column = fields.String(load_default="customer_id", validate=validate.Length(1, 128))
    preset = fields.String(allow_none=True, validate=validate.OneOf(list(PRESETS)))


class SegmentationSchema(ma.Schema):
    name = fields.String(required=True)
    preset = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    source_database = fields.String(required=True)
    id_column = fields.String(required=True)
    method = fields.String(required=True, metadata={"enum": ["kmeans", "kprototypes"]})
    features = fields.List(fields.Nested(FeatureSchema), required=True)
    active_model_version = fields.Integer(allow_none=True)
    created_at = fields.DateTime(required=True)


class SegmentationListSchema(ma.Schema):
    items = fields.List(fields.Nested(SegmentationSchema), required=True)


class PresetSchema(ma.Schema):
    name = fields.String(required=True)
    description = fields.String(required=True)
    features = fields.List(fields.Nested(FeatureSchema), required=True)


class PresetListSchema(ma.Schema):
    items = fields.List(fields.Nested(PresetSchema), required=True)
