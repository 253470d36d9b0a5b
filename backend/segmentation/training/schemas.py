"""Training, job and model-version schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate, validates_schema

from ..segmentations.schemas import SegmentationArgs


class TriggerSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    k = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(2, 50),
        metadata={"description": "Force this many segments (skips k selection)"},
    )
    min_clusters = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(2, 50))
    max_clusters = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(2, 50))

    @validates_schema
    def check_range(self, data, **kwargs):
        lo, hi = data.get("min_clusters"), data.get("max_clusters")
        if lo is not None and hi is not None and lo > hi:
            raise ma.ValidationError("Must be at least min_clusters.", "max_clusters")
        if data.get("k") is not None and (lo is not None or hi is not None):
            raise ma.ValidationError("Give either k or a min_clusters/max_clusters range, not both.", "k")


class MetricsSchema(ma.Schema):
    k = fields.Integer()
    inertia = fields.Float()
    silhouette = fields.Float()
    davies_bouldin = fields.Float()
    calinski_harabasz = fields.Float()
    n_rows = fields.Integer()
    silhouette_sample = fields.Integer()


class KPointSchema(ma.Schema):
    k = fields.Integer(required=True)
    inertia = fields.Float(required=True)
    silhouette = fields.Float(required=True)
    davies_bouldin = fields.Float(required=True)
    calinski_harabasz = fields.Float(required=True)


class JobSchema(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(
        required=True, metadata={"enum": ["queued", "running", "succeeded", "failed", "rejected"]}
    )
    stage = fields.String(
        allow_none=True,
        metadata={
            "enum": ["loading data", "selecting k", "fitting", "scoring", "publishing", "re-segmenting"]
        },
    )
    progress = fields.Integer(required=True, metadata={"description": "0-100"})
    params = fields.Dict(required=True)
    trigger = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    error = fields.String(allow_none=True)
    stage_seconds = fields.Dict(keys=fields.String(), values=fields.Float())
    peak_rss_mb = fields.Float(allow_none=True)
    model_version = fields.Integer(allow_none=True, attribute="model_version_id")
    metrics = fields.Nested(MetricsSchema, allow_none=True)


class JobListSchema(ma.Schema):
    items = fields.List(fields.Nested(JobSchema), required=True)


class JobListArgs(SegmentationArgs):
    class Meta:
        unknown = ma.RAISE

    limit = fields.Integer(load_default=20, validate=validate.Range(1, 200))


class ModelVersionSchema(ma.Schema):
    version = fields.Integer(required=True, attribute="id")
    status = fields.String(required=True, metadata={"enum": ["candidate", "active", "retired", "rejected"]})
    is_active = fields.Boolean(required=True)
    k = fields.Integer(required=True)
    feature_set = fields.String(required=True)
    features = fields.List(fields.String(), required=True)
    metrics = fields.Nested(MetricsSchema, required=True)
    n_train_rows = fields.Integer(required=True)
    training_seconds = fields.Float(required=True)
    ari_vs_previous = fields.Float(allow_none=True)
    previous_version = fields.Integer(allow_none=True, attribute="previous_version_id")
    sha256 = fields.String(required=True)
    sklearn_version = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    activated_at = fields.DateTime(allow_none=True)
    rejection_reason = fields.String(allow_none=True)
    k_reason = fields.String(allow_none=True, metadata={"description": "Why this number of segments"})
    notes = fields.List(fields.String(), metadata={"description": "What training noticed"})
    training_run = fields.Integer(allow_none=True, attribute="training_run_id")


class ModelListSchema(ma.Schema):
    items = fields.List(fields.Nested(ModelVersionSchema), required=True)
