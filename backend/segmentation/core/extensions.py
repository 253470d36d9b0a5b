"""Flask extensions, created unbound; ``create_app`` binds them."""

import marshmallow as ma
import orjson
from flask_migrate import Migrate
from flask_smorest import Api
from flask_smorest import Blueprint as _Blueprint
from flask_smorest.error_handler import ErrorSchema as _ErrorSchema
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ErrorSchema(_ErrorSchema):
    """The one error shape (documentation only): ``{code, status, message, errors?, reason?}``."""

    reason = ma.fields.String(
        metadata={
            "description": (
                "A stable machine-readable cause, where a client may act on it: "
                "`no_active_model` (409: train or activate a model of this segmentation), "
                "`model_not_loaded` (503 with Retry-After: a model is active but this server "
                "does not serve it yet), `database_unavailable` (503 with Retry-After)."
            )
        }
    )


class SegmentationApi(Api):
    """flask-smorest's Api whose error bodies always carry a human ``message``."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        if "message" not in payload:
            if code in (400, 422) and "errors" in payload:
                payload["message"] = "The request is invalid; 'errors' lists the problems by field."
            else:
                payload["message"] = error.description or error.name
        return payload, code, headers


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = SegmentationApi()


class StrictJsonParser(FlaskParser):
    """webargs parser reading bodies with orjson: fast, and strict JSON (NaN, Infinity
    and numbers that overflow a double are a 400 "Invalid JSON body")."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return orjson.loads(req.get_data(cache=True))


class Blueprint(_Blueprint):
    ARGUMENTS_PARSER = StrictJsonParser()
