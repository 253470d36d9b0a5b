"""Sign-in, user and API-key schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..models import ROLES


class LoginSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    username = fields.String(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, validate=validate.Length(1, 256), load_only=True)


class MeSchema(ma.Schema):
    username = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": list(ROLES)})


class UserCreateSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    username = fields.String(
        required=True,
        validate=[
            validate.Length(3, 64),
            validate.Regexp(r"^[a-z0-9._-]+$", error="Lower-case letters, digits, . _ - only."),
        ],
    )
    password = fields.String(required=True, load_only=True, validate=validate.Length(12, 256))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class UserSchema(ma.Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True)
    disabled = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    last_login_at = fields.DateTime(allow_none=True)


class UserListSchema(ma.Schema):
    items = fields.List(fields.Nested(UserSchema), required=True)


class ApiKeyCreateSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    name = fields.String(required=True, validate=validate.Length(1, 80))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class ApiKeySchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True)
    role = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewApiKeySchema(ApiKeySchema):
    key = fields.String(required=True, metadata={"description": "Shown once; only its hash is stored"})


class ApiKeyListSchema(ma.Schema):
    items = fields.List(fields.Nested(ApiKeySchema), required=True)
