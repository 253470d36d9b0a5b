"""Marshmallow fields and schemas shared by several resources."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import marshmallow as ma
from marshmallow import fields, validate

from ..core.values import CENT, MONEY_MAX, NON_NEGATIVE_PATTERN, NUMERIC, NUMERIC_PATTERN, control_error
from ..ml.features import CATEGORIES


class Amount(fields.Field):
    """A money amount: a JSON number or a numeric string (BigDecimal.toPlainString),
    rounded to cents. ``minimum`` defaults to 0."""

    def __init__(self, *, minimum: Decimal | None = Decimal(0), **kwargs):
        self.minimum = minimum
        low = -MONEY_MAX if minimum is None else minimum
        doc = {
            "oneOf": [
                {"type": "number", "minimum": float(low), "maximum": float(MONEY_MAX)},
                {"type": "string", "pattern": NUMERIC_PATTERN if minimum is None else NON_NEGATIVE_PATTERN},
            ],
            "example": "120.50",
        }
        if minimum is not None:
            doc["description"] = f"Money amount >= {minimum}"
        kwargs["metadata"] = {**doc, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ma.ValidationError("Must be a number or a numeric string.")
        if isinstance(value, str) and not NUMERIC.fullmatch(value):
            raise ma.ValidationError("Must be a number or a numeric string.")
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise ma.ValidationError("Must be a number or a numeric string.") from None
        if not amount.is_finite():
            raise ma.ValidationError("Must be a finite number.")
        if self.minimum is not None and amount < self.minimum:
            raise ma.ValidationError(f"Must be greater than or equal to {self.minimum}.")
        # copy_abs, not abs(): abs() applies the context and overflows on 1e1000000
        if amount.copy_abs() > MONEY_MAX or (amount := amount.quantize(CENT)).copy_abs() > MONEY_MAX:
            raise ma.ValidationError(f"Must be at most {MONEY_MAX:f} in absolute value.")
        return amount

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else float(value)


class Text(fields.String):
    """A string without control characters (``multiline`` allows line breaks and tabs),
    at most ``max_length`` characters: the length of its column."""

    def __init__(self, max_length: int, *, min_length: int = 1, multiline: bool = False, **kwargs):
        self.multiline = multiline
        validators = [validate.Length(min_length, max_length)]
        validators += list(kwargs.pop("validate", None) or [])
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        error = control_error(text, self.multiline)
        if error:
            raise ma.ValidationError(error)
        return text


_SpendingFields = ma.Schema.from_dict(
    {c: Amount(required=True, metadata={"description": f"Average monthly spend on {c}"}) for c in CATEGORIES},
    name="SpendingFields",
)


class SpendingSchema(_SpendingFields):
    """Average monthly spend per category. Names match case-insensitively, as in
    predict-segment; unknown names are an error."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def canonical_keys(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        canonical = {c.lower(): c for c in CATEGORIES}
        out, errors = {}, {}
        for key, value in data.items():
            name = canonical.get(key.lower(), key) if isinstance(key, str) else key
            if name in out:
                errors[key] = ["Given more than once (field names are case-insensitive)."]
            out[name] = value
        if errors:
            raise ma.ValidationError(errors)
        return out


class SegmentRefSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    strategy = fields.String(required=True)
    model_version = fields.Integer()


class SpendingPatchSchema(SpendingSchema):
    """The same categories, any subset of them."""
