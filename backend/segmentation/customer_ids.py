"""The bank's customer ids: text (``C10001``), 1-64 printable characters.

Integers are accepted on input (older callers send numbers) and stored as their text.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from .values import control_error

MAX_LENGTH = 64


class CustomerId(fields.Field):
    """A customer id: a string, or an integer taken as its text."""

    def __init__(self, **kwargs):
        doc = {
            "oneOf": [
                {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": MAX_LENGTH,
                    "pattern": r"^[^\x00-\x1f\x7f-\x9f]+$",
                },
                {"type": "integer", "minimum": 0},
            ],
            "example": "C10001",
        }
        kwargs["metadata"] = {**doc, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ma.ValidationError("Must be a customer id: text or a whole number.")
        text = str(value).strip() if isinstance(value, str) else str(value)
        if isinstance(value, int) and value < 0:
            raise ma.ValidationError("Must not be negative.")
        if not text or len(text) > MAX_LENGTH:
            raise ma.ValidationError(f"Must be 1 to {MAX_LENGTH} characters.")
        problem = control_error(text)
        if problem:
            raise ma.ValidationError(problem)
        return text

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)
