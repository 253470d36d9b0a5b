"""The current model of a segmentation: the one lookup every view, service and command uses.

Two views of "current": the version the database marks active (``active_model``), and the
snapshot this web worker serves from memory (``served_model``). Both raise the same errors,
which the one error handler renders with a stable ``reason``:

- ``NoActiveModel`` (409 ``no_active_model``): no version of the segmentation is active.
  The request is fine and the service is up; the segmentation's state conflicts with it until
  a model is trained or activated, so retrying alone will not help.
- ``ModelNotLoaded`` (503 ``model_not_loaded``, ``Retry-After``): a version is active but
  this worker does not serve it yet (it is being loaded, or its file was refused). Transient,
  like ``database_unavailable``, and told apart from it by the reason.
"""

from __future__ import annotations

from flask import current_app

from ..core.extensions import ErrorSchema
from ..predict.serving import Snapshot, holder
from ..training.models import ModelVersion
from ..training.registry import active_version
from ..web.errors import ApiError
from . import service
from .models import Segmentation

# for the views' ``@blp.alt_response(code, **...)``
NO_MODEL_DOC = {"description": "No model is active yet (reason `no_active_model`)", "schema": ErrorSchema}
NOT_LOADED_DOC = {
    "description": "The active model is not served yet (reason `model_not_loaded`)",
    "schema": ErrorSchema,
}


class NoActiveModel(ApiError):
    status = 409
    reason = "no_active_model"

    def __init__(self, name: str):
        super().__init__(
            f"No model of segmentation '{name}' is active yet. Train one "
            f"(POST /api/v1/segmentation/trigger-training?segmentation={name}, or "
            f"flask --app segmentation train --segmentation {name}) or activate a version."
        )


class ModelNotLoaded(ApiError):
    status = 503
    reason = "model_not_loaded"
    headers = {"Retry-After": "5"}

    def __init__(self, name: str, version: int):
        super().__init__(
            f"Model v{version} of segmentation '{name}' is active but not served yet (it is "
            "loading, or its file was refused: see /ready); try again in a moment."
        )


def active_model(name: str | None) -> tuple[Segmentation, ModelVersion]:
    """The segmentation (404 when unknown) and the version the database marks active."""
    seg = service.get(name)
    mv = active_version(seg.id)
    if mv is None:
        raise NoActiveModel(seg.name)
    return seg, mv


def served_model(name: str | None, version: int | None = None) -> Snapshot:
    """This worker's snapshot of the segmentation's active model (of ``version``, if given).

    Reads only memory when the snapshot is there; the database is asked only to say why
    it is not (unknown segmentation, none active, or not loaded yet)."""
    snapshot = holder(current_app._get_current_object()).current(name or service.DEFAULT)
    if snapshot is not None and version in (None, snapshot.version):
        return snapshot
    seg, mv = active_model(name)
    raise ModelNotLoaded(seg.name, mv.id)
