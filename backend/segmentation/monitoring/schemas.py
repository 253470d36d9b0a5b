"""Drift history, segment sizes over model versions and recent job outcomes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..segmentations.schemas import SegmentationArgs
from ..segments.schemas import FeatureDriftSchema, SegmentShareSchema


class HistoryArgs(SegmentationArgs):
    class Meta:
        unknown = ma.RAISE

    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))


class DriftCheckSchema(ma.Schema):
    id = fields.Integer(required=True)
    checked_at = fields.DateTime(required=True)
    trigger = fields.String(required=True, metadata={"enum": ["schedule", "cli"]})
    model_version = fields.Integer(required=True, attribute="model_version_id")
    n_customers = fields.Integer(required=True)
    max_psi = fields.Float(
        required=True, metadata={"description": "Largest PSI of the features and segment shares"}
    )
    segment_psi = fields.Float(required=True)
    threshold = fields.Float(required=True, metadata={"description": "DRIFT_THRESHOLD when the check ran"})
    drifted = fields.Boolean(required=True, metadata={"description": "max_psi reached the threshold"})
    features = fields.List(fields.Nested(FeatureDriftSchema), required=True)
    segments = fields.List(fields.Nested(SegmentShareSchema), required=True)
    training_run_id = fields.Integer(
        allow_none=True, metadata={"description": "Retraining queued by this check"}
    )


class DriftHistorySchema(ma.Schema):
    segmentation = fields.String(required=True)
    threshold = fields.Float(required=True)
    schedule = fields.String(
        allow_none=True, metadata={"description": "DRIFT_SCHEDULE (cron), null when off"}
    )
    items = fields.List(
        fields.Nested(DriftCheckSchema), required=True, metadata={"description": "Oldest first"}
    )


class SegmentSizeSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    size = fields.Integer(required=True)
    share = fields.Float(required=True)


class VersionSizesSchema(ma.Schema):
    version = fields.Integer(required=True)
    status = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    segments = fields.List(fields.Nested(SegmentSizeSchema), required=True)


class JobOutcomeSchema(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    trigger = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(allow_none=True)
    seconds = fields.Float(allow_none=True, metadata={"description": "Start to end state"})
    error = fields.String(allow_none=True)
    model_version = fields.Integer(allow_none=True, attribute="model_version_id")


class OverviewSchema(DriftHistorySchema):
    versions = fields.List(
        fields.Nested(VersionSizesSchema),
        required=True,
        metadata={"description": "Segment sizes at training, oldest first"},
    )
    jobs = fields.List(
        fields.Nested(JobOutcomeSchema), required=True, metadata={"description": "Newest first"}
    )
