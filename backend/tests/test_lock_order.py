"""Lock order between an activation and a re-segmenting that runs at the same time.

Found by ``make bench`` (hot reload): an activation queued while the worker re-segmented the
other version got a 503 (PostgreSQL: deadlock detected). The re-segmenting held the registry
lock and, swapping a version's partition, dropped the replaced one, which needed
``model_versions`` to itself; the activation had read ``model_versions`` and waited for the
registry lock. The test holds each side at the point where the two met, with real
connections to a real PostgreSQL, and lets both finish.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import text

from segmentation.core.extensions import db

WAITING = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE :q"
)


def wait_for_waiter(app, query_start: str, deadline_s: float = 60.0) -> None:
    """Until some session of this database waits for a lock on a statement starting so."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        with app.app_context():
            if db.session.execute(WAITING, {"q": f"{query_start}%"}).scalar():
                return
            db.session.rollback()
        time.sleep(0.05)
    raise AssertionError(f"nobody waited on {query_start!r}")


def run_in_thread(app, work, errors: list) -> threading.Thread:
    def target():
        try:
            with app.app_context():
                work()
        except Exception as exc:  # reported by the test, with its type
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    return thread


def test_an_activation_during_a_partition_swap_waits_instead_of_deadlocking(trained_app):
    from segmentation.training import registry
    from segmentation.training.pipeline import resegment_version

    errors: list = []
    with trained_app.app_context():
        # holds the re-segmenting at merge_writes (LOCK ... default IN EXCLUSIVE MODE), which
        # comes after it took the registry lock
        blocker = db.engine.raw_connection()
    try:
        with blocker.cursor() as cur:
            cur.execute("LOCK TABLE segment_assignments_default IN ROW EXCLUSIVE MODE")
        swap = run_in_thread(trained_app, lambda: resegment_version(1), errors)
        wait_for_waiter(trained_app, "LOCK TABLE segment_assignments_default")
        activation = run_in_thread(trained_app, lambda: registry.activate(1), errors)
        wait_for_waiter(trained_app, "SELECT pg_advisory_xact_lock")
        blocker.commit()  # the swap goes on: it replaces v1's partition, then the activation runs
        swap.join(timeout=120)
        activation.join(timeout=120)
    finally:
        blocker.close()
    assert not swap.is_alive() and not activation.is_alive()
    assert not errors, "\n".join(map(str, errors))
    with trained_app.app_context():
        active = db.session.execute(text("SELECT id FROM model_versions WHERE is_active")).scalars().all()
        placed = db.session.execute(
            text("SELECT count(*) FROM segment_assignments WHERE model_version_id = 1")
        ).scalar()
    assert active == [1]
    assert placed == 6000
