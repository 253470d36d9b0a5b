"""Background tasks on a PostgreSQL-backed queue (procrastinate).

Here: the queue's names and ``defer``, which the services use to queue work (so nothing
here imports a service). ``worker.build_queue(flask_app)`` makes the procrastinate App
whose tasks run inside that Flask app's context; the API uses it to defer jobs,
``flask --app segmentation worker`` to run them. Each task calls the same service
functions as the CLI. ``progress`` and ``heartbeat`` keep a long job's row current.
"""

from __future__ import annotations

import procrastinate

QUEUE = "training"
TRAIN_TASK = "train_model"
RESEGMENT_TASK = "resegment"
IMPORT_TASK = "import_customers"
DRIFT_TASK = "drift_check"
HOUSEKEEPING_TASK = "housekeeping"
HOUSEKEEPING_CRON = "15 3 * * *"  # daily at 03:15


def libpq_url(database_url: str) -> str:
    """psycopg 3 conninfo for a SQLAlchemy URL."""
    for prefix in ("postgresql+psycopg2://", "postgresql+psycopg://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql://" + database_url[len(prefix) :]
    return database_url


def defer(queue: procrastinate.App, task_name: str, **kwargs) -> int:
    """Queue ``task_name``; returns the queue's job id."""
    with queue.open():
        return queue.tasks[task_name].defer(**kwargs)
