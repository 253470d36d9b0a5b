"""Staff edits of a segment (its name and strategy), kept across retraining; the names of a
version's segments."""

from __future__ import annotations

from ..auth import audit
from ..core.extensions import db
from ..training.models import ModelSegment, ModelVersion
from .models import Segment


def edit(mv: ModelVersion, segment_id: int, changes: dict) -> bool:
    """Apply ``changes`` (name, strategy) to a segment of ``mv``, audited, and commit.
    False, and nothing changed, when the segment is not one of that model's."""
    segment = db.session.get(Segment, segment_id, with_for_update=True)
    if segment is None or db.session.get(ModelSegment, (mv.id, segment_id)) is None:
        db.session.rollback()
        return False
    if "name" in changes:
        segment.name, segment.name_source = changes["name"], "staff"
    if "strategy" in changes:
        segment.strategy, segment.strategy_source = changes["strategy"], "staff"
    audit.record("segment.update", str(segment_id), fields=sorted(changes))
    db.session.commit()
    return True


def segment_names(cur, version: int) -> dict[int, str]:
    """Segment id -> name for the segments of model ``version`` (``cur``: a DB-API cursor, so a
    caller can read them in its own snapshot)."""
    cur.execute(
        "SELECT s.id, s.name FROM model_segments ms JOIN segments s ON s.id = ms.segment_id "
        "WHERE ms.model_version_id = %s",
        (int(version),),
    )
    return dict(cur.fetchall())
