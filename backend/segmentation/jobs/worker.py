"""The procrastinate App and its tasks: each runs a service function inside the Flask app's
context, with the job's id in every log line."""

from __future__ import annotations

import logging

import procrastinate
from flask import Flask

from ..core.logs import context_id
from ..customers import counts
from . import (
    DRIFT_TASK,
    HOUSEKEEPING_CRON,
    HOUSEKEEPING_TASK,
    IMPORT_TASK,
    QUEUE,
    RESEGMENT_TASK,
    TRAIN_TASK,
    libpq_url,
)

log = logging.getLogger(__name__)


def build_queue(flask_app: Flask) -> procrastinate.App:
    queue = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=libpq_url(flask_app.config["DATABASE_URL"]))
    )

    def train_model(run_id: int) -> None:
        from ..training.service import execute_run

        context_id.set(f"run-{run_id}")
        with flask_app.app_context():
            execute_run(run_id)
            counts.compact()  # every job folds the deltas of the customer count

    def resegment(version: int) -> None:
        from ..training.pipeline import resegment_version

        context_id.set(f"resegment-v{version}")
        with flask_app.app_context():
            resegment_version(version)
            counts.compact()

    def import_customers(import_id: int) -> None:
        from ..imports.runner import run_import

        context_id.set(f"import-{import_id}")
        with flask_app.app_context():
            run_import(import_id)
            counts.compact()

    def scheduled_training(timestamp: int) -> None:
        from ..segmentations.service import all_segmentations
        from ..training.service import request_training

        context_id.set("schedule")
        with flask_app.app_context():
            for seg in all_segmentations():
                run, created = request_training({}, trigger="schedule", queue=queue, segmentation_id=seg.id)
                log.info(
                    "scheduled retraining of %s: run %s %s",
                    seg.name,
                    run.id,
                    "queued" if created else "already active",
                )

    # de-duplication is done by request_training under an advisory lock (it also covers
    # running jobs, which a queueing lock does not); a stale job for a finished run is a no-op
    queue.task(name=TRAIN_TASK, queue=QUEUE)(train_model)
    queue.task(name=RESEGMENT_TASK, queue=QUEUE)(resegment)
    # imports share the worker's queue: one job at a time, no competition with training for the 2 cores
    queue.task(name=IMPORT_TASK, queue=QUEUE)(import_customers)

    def drift_check(timestamp: int) -> None:
        from ..monitoring.drift import run_checks

        context_id.set("drift")
        with flask_app.app_context():
            run_checks(trigger="schedule")
            counts.compact()

    def housekeeping(timestamp: int) -> None:
        from ..imports.service import forget_files

        context_id.set("housekeeping")
        with flask_app.app_context():
            forget_files()

    schedule = flask_app.config.get("TRAINING_SCHEDULE")
    if schedule:
        task = queue.task(name="scheduled_training", queue=QUEUE)(scheduled_training)
        queue.periodic(cron=schedule, periodic_id="retrain")(task)
    if flask_app.config.get("DRIFT_SCHEDULE"):  # drift history and alerts (monitoring/drift.py)
        queue.periodic(cron=flask_app.config["DRIFT_SCHEDULE"], periodic_id="drift")(
            queue.task(name=DRIFT_TASK, queue=QUEUE)(drift_check)
        )
    # the imports folder's housekeeping (rejected lines kept past IMPORT_REJECTS_DAYS, files a
    # failed import left), daily whatever else is scheduled: customer rows are not kept longer
    queue.periodic(cron=HOUSEKEEPING_CRON, periodic_id="housekeeping")(
        queue.task(name=HOUSEKEEPING_TASK, queue=QUEUE)(housekeeping)
    )
    return queue
