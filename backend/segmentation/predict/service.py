"""Segments of known customers (predict-customers): the work behind the view.

The service's own tables are read and run through the worker's predictor (the same fast
path as predict-segment); a segmentation over the bank's own relation answers with the
latest stored assignments of the served version.
"""

from __future__ import annotations

from sqlalchemy import text

from ..core.extensions import db
from ..segmentations import service as segmentations
from ..segmentations.models import Segmentation
from ..training.resegment import segments_of
from .serving import Snapshot


def segments_by_customer(seg: Segmentation, snapshot: Snapshot, wanted: list[str]) -> dict[str, int]:
    """Bank id -> segment id for the ``wanted`` customers that exist and have features."""
    keys = internal_keys(wanted)
    data = segmentations.load_customers(seg, list(keys.values()))
    if data is None:  # the bank's own relation: its latest assignments
        by_key = current_assignments(snapshot.version, list(keys.values()))
    else:
        found, segments = segments_of(snapshot.predictor, data)
        by_key = dict(zip(found.tolist(), segments.tolist(), strict=True))
    return {c: by_key[keys[c]] for c in wanted if c in keys and keys[c] in by_key}


def internal_keys(external_ids: list[str]) -> dict[str, int]:
    rows = db.session.execute(
        text("SELECT external_id, customer_id FROM customers WHERE external_id = ANY(:ids)"),
        {"ids": external_ids},
    )
    return dict(rows.all())


def current_assignments(version: int, keys: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        text(
            "SELECT customer_id, segment_id FROM segment_assignments "
            "WHERE model_version_id = :v AND customer_id = ANY(:ids)"
        ),
        {"v": version, "ids": keys},
    )
    return dict(rows.all())
