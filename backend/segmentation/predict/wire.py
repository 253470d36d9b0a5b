"""predict-segment on the wire: its query, its body and its answer, read and written by hand.

This is the hot path. Per request, webargs and marshmallow cost several times what the model
does, so the view reads its inputs here instead, with exactly the answers those would give:
``?segmentation=`` as ``SegmentationArgs`` checks it, the body as webargs' JSON location loads
it (``StrictJsonParser``), the profiles through ``parsing.parse_inputs``, the answer in
``PredictResponseSchema``'s layout. The OpenAPI document still describes those schemas
(``routes.py``).
"""

from __future__ import annotations

import numpy as np
import orjson
from flask import Response, current_app, request
from flask_smorest import abort
from marshmallow import ValidationError

from ..ml.features import CATEGORIES
from ..segmentations import service as segmentations
from .parsing import InputPlan, parse_inputs
from .serving import Snapshot, holder

INVALID_JSON = {"json": ["Invalid JSON body."]}
NOT_A_NAME = {"query": {"segmentation": ["Not a segmentation name."]}}


def segmentation_arg() -> str:
    """The segmentation named by ``?segmentation=`` (its first value; default lifestyle)."""
    name = request.args.get("segmentation")
    if name is None:
        return segmentations.DEFAULT
    if not segmentations.NAME.match(name):
        abort(422, errors=NOT_A_NAME)
    return name


def json_body():
    """The parsed body; a body that is not JSON (by its Content-Type) or is empty counts as
    ``{}``, as in webargs. Strict JSON: NaN, Infinity and numbers that overflow a double are
    a 400."""
    if not request.is_json:
        return {}
    try:
        return orjson.loads(request.get_data(cache=True))
    except orjson.JSONDecodeError as exc:
        if exc.doc == "":
            return {}
        abort(400, errors=INVALID_JSON)


def profiles(data, name: str) -> tuple[Snapshot | None, np.ndarray | None, np.ndarray | None]:
    """(snapshot, numeric matrix, category codes) for the body; 404 for an unknown
    segmentation, 422 with row and field for bad profiles. No snapshot: nothing is active
    (the default segmentation's body is still checked against the spending categories)."""
    app = current_app._get_current_object()
    snapshot = holder(app).current(name)
    if snapshot is None:
        segmentations.get(name)  # 404 for a name that does not exist
        if name != segmentations.DEFAULT:
            return None, None, None
    plan = snapshot.plan if snapshot else InputPlan.plain(CATEGORIES)
    try:
        num, cat = parse_inputs(data, plan, app.config["MAX_BATCH_ROWS"])
    except ValidationError as exc:
        abort(422, errors={"json": exc.messages})
    return snapshot, num, cat


def answer(snapshot: Snapshot, ids: np.ndarray) -> Response:
    """The 200 response: ``payload`` as JSON."""
    return current_app.response_class(payload(snapshot, ids), mimetype="application/json")


def payload(snapshot: Snapshot, ids) -> bytes:
    """``PredictResponseSchema``'s body for segment ``ids`` (an array, or a list of one):
    predictions, the segments they name, model version.
    One profile's answer depends on its segment alone: it is written once per snapshot."""
    if len(ids) != 1:
        return _payload(snapshot, ids)
    segment = int(ids[0])
    answer = snapshot.answers.get(segment)
    if answer is None:  # two threads may both write it: the same bytes
        answer = snapshot.answers[segment] = _payload(snapshot, np.array([segment]))
    return answer


def _payload(snapshot: Snapshot, ids: np.ndarray) -> bytes:
    body = {"predictions": ids, "segments": referenced(snapshot, ids), "model_version": snapshot.version}
    return orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY)


def referenced(snapshot: Snapshot, ids: np.ndarray) -> list[dict]:
    """Each segment in ``ids`` once, in order of first appearance."""
    if len(ids) <= 64:
        uniques = list(dict.fromkeys(ids.tolist()))
    else:  # ids are segments' keys, not negative (as the metrics' bincount needs them too)
        first = np.full(ids.max() + 1, len(ids))
        np.minimum.at(first, ids, np.arange(len(ids)))  # one pass: 7-10x faster than np.unique
        present = np.flatnonzero(first < len(ids))
        uniques = present[np.argsort(first[present])].tolist()
    known = snapshot.segments
    return [known[s] if s in known else {"id": s, "name": f"Segment {s}", "strategy": ""} for s in uniques]
