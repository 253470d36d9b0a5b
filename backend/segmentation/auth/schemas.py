"""Sign-in, user and API-key schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..web.fields import Text
from .models import ROLES


class LoginSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    username = Text(64, required=True)
    password = Text(256, required=True, load_only=True)


class MeSchema(ma.Schema):
    username = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": list(ROLES)})


class UserCreateSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    username = Text(
        64,
        min_length=3,
        required=True,
        validate=[validate.Regexp(r"^[a-z0-9._-]+$", error="Lower-case letters, digits, . _ - only.")],
    )
    password = Text(256, min_length=12, required=True, load_only=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class UserPatchSchema(ma.Schema):
    """Any of role, disabled, password; each change ends the user's sessions."""

    class Meta:
        unknown = ma.RAISE

    role = fields.String(validate=validate.OneOf(ROLES))
    disabled = fields.Boolean(truthy={True}, falsy={False})
    password = Text(256, min_length=12, load_only=True)

    @ma.validates_schema
    def not_empty(self, data, **kwargs):
        if not data:
            raise ma.ValidationError("Give at least one of role, disabled, password.")


class UserSchema(ma.Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": list(ROLES)})
    disabled = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    last_login_at = fields.DateTime(allow_none=True)
    locked_until = fields.DateTime(
        allow_none=True, metadata={"description": "Set while sign-in is locked after repeated failures"}
    )


class UserListSchema(ma.Schema):
    items = fields.List(fields.Nested(UserSchema), required=True)


class ApiKeyCreateSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    name = Text(80, required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class ApiKeySchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": list(ROLES)})
    created_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewApiKeySchema(ApiKeySchema):
    key = fields.String(required=True, metadata={"description": "Shown once; only its hash is stored"})


class ApiKeyListSchema(ma.Schema):
    items = fields.List(fields.Nested(ApiKeySchema), required=True)
