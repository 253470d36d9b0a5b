"""Import schemas: the multipart upload and the Import resource."""

from __future__ import annotations

import json

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from ..customers.models import COLUMN_TYPES
from .models import IMPORT_STATUSES


class ImportFileSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    file = Upload(required=True, metadata={"description": "CSV (UTF-8, comma) or Parquet, by extension"})


class ImportFormSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    id_column = fields.String(
        load_default="customer_id",
        validate=validate.Length(1, 128),
        metadata={"description": "The column with the bank's customer ids"},
    )
    types = fields.String(
        load_default="{}",
        metadata={"description": 'JSON object column -> type, e.g. {"Tenure": "number"}'},
    )

    @ma.validates("types")
    def valid_types(self, value, **kwargs):
        parse_types(value)

    @ma.post_load
    def decode(self, data, **kwargs):
        data["types"] = parse_types(data["types"])
        return data


def parse_types(value: str) -> dict[str, str]:
    try:
        types = json.loads(value)
    except ValueError:
        raise ma.ValidationError("Must be a JSON object of column names to types.") from None
    if not isinstance(types, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in types.items()
    ):
        raise ma.ValidationError("Must be a JSON object of column names to types.")
    bad = sorted(k for k, v in types.items() if v not in COLUMN_TYPES)
    if bad:
        raise ma.ValidationError(
            f"Types must be one of: {', '.join(COLUMN_TYPES)} (wrong for {', '.join(bad)})."
        )
    return types


class ImportColumnSchema(ma.Schema):
    name = fields.String(required=True)
    type = fields.String(required=True, metadata={"description": "attribute type, or 'builtin'"})
    stored_as = fields.String(metadata={"enum": ["id", "builtin", "profile", "attribute"]})
    key = fields.String()


class ImportSchema(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(IMPORT_STATUSES)})
    filename = fields.String(required=True)
    id_column = fields.String()
    stage = fields.String(allow_none=True)
    progress = fields.Integer(required=True)
    rows_total = fields.Integer(allow_none=True)
    imported = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    error = fields.String(allow_none=True)
    columns = fields.List(fields.Nested(ImportColumnSchema))
    has_rejects = fields.Boolean(metadata={"description": "A rejects file can be downloaded"})
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class ImportListArgs(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    limit = fields.Integer(load_default=20, validate=validate.Range(1, 200))


class ImportListSchema(ma.Schema):
    items = fields.List(fields.Nested(ImportSchema), required=True)
