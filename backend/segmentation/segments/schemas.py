"""Segment, model-insight, projection and drift schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..segmentations.schemas import FeatureSchema, SegmentationArgs
from ..training.schemas import KPointSchema, MetricsSchema

Money = fields.Dict(keys=fields.String(), values=fields.Float())


class SegmentRfmSchema(ma.Schema):
    recency_days = fields.Integer(
        allow_none=True, metadata={"description": "Members' average days since last purchase"}
    )
    frequency = fields.Integer(allow_none=True)
    monetary = fields.Float(allow_none=True)
    customers = fields.Integer(metadata={"description": "Members with a purchase history"})


class SegmentSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    strategy = fields.String(required=True)
    edited = fields.Dict(
        keys=fields.String(),
        values=fields.Boolean(),
        metadata={"description": "Whether staff edited the name / strategy"},
    )
    size = fields.Integer(required=True)
    share = fields.Float(required=True)
    profile = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        required=True,
        metadata={"description": "Members' mean of each numeric feature at training time (feature units)"},
    )
    profile_detail = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        metadata={
            "description": "Per feature: {mean, median} (numeric) or {mode, shares} (categorical), "
            "the members' real values at training time"
        },
    )
    relative_profile = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        required=True,
        metadata={"description": "Mean spend relative to the population (1 = average)"},
    )
    rfm = fields.Nested(SegmentRfmSchema, allow_none=True)
    previous_size = fields.Integer(allow_none=True)


class SegmentListSchema(ma.Schema):
    model_version = fields.Integer(required=True)
    segmentation = fields.String(required=True)
    population_mean = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    segments = fields.List(fields.Nested(SegmentSchema), required=True)


class SegmentPatchSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(validate=validate.Length(1, 80))
    strategy = fields.String(validate=validate.Length(1, 2000))

    @ma.pre_load
    def strip(self, data, **kwargs):
        if isinstance(data, dict):
            return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        return data

    @ma.validates_schema
    def not_empty(self, data, **kwargs):
        if not data:
            raise ma.ValidationError("Give a name, a strategy, or both.")


class ModelInsightSchema(ma.Schema):
    version = fields.Integer(required=True)
    segmentation = fields.String(required=True)
    method = fields.String(metadata={"enum": ["kmeans", "kprototypes"]})
    feature_specs = fields.List(fields.Nested(FeatureSchema), required=True)
    k_reason = fields.String(allow_none=True, metadata={"description": "Why this number of segments"})
    notes = fields.List(
        fields.String(), metadata={"description": "What training noticed (outliers, rows left out)"}
    )
    k = fields.Integer(required=True)
    feature_set = fields.String(required=True)
    features = fields.List(fields.String(), required=True)
    metrics = fields.Nested(MetricsSchema, required=True)
    k_curve = fields.List(fields.Nested(KPointSchema), required=True)
    training_seconds = fields.Float(required=True)
    n_train_rows = fields.Integer(required=True)
    ari_vs_previous = fields.Float(allow_none=True)
    created_at = fields.DateTime(required=True)
    activated_at = fields.DateTime(allow_none=True)
    sklearn_version = fields.String(required=True)


class ProjectionArgs(SegmentationArgs):
    class Meta:
        unknown = ma.RAISE

    sample = fields.Integer(load_default=2000, validate=validate.Range(10, 5000))


class PointSchema(ma.Schema):
    x = fields.Float(required=True)
    y = fields.Float(required=True)
    segment_id = fields.Integer(required=True)


class ProjectionSchema(ma.Schema):
    model_version = fields.Integer(required=True)
    points = fields.List(fields.Nested(PointSchema), required=True)
    explained_variance = fields.List(fields.Float(), required=True)


class FeatureDriftSchema(ma.Schema):
    feature = fields.String(required=True)
    psi = fields.Float(required=True)
    status = fields.String(required=True, metadata={"enum": ["stable", "shifted", "drifted"]})
    training_mean = fields.Float(allow_none=True, metadata={"description": "Numeric features only"})
    current_mean = fields.Float(allow_none=True)


class SegmentShareSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    training_share = fields.Float(required=True)
    current_share = fields.Float(required=True)


class DriftSchema(ma.Schema):
    model_version = fields.Integer(required=True)
    n_customers = fields.Integer(required=True)
    features = fields.List(fields.Nested(FeatureDriftSchema), required=True)
    segments = fields.List(fields.Nested(SegmentShareSchema), required=True)
    segment_psi = fields.Float(required=True)
    retrain_advisable = fields.Boolean(required=True)
    summary = fields.String(required=True)
