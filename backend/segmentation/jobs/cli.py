"""The queue worker command."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext


def register(app: Flask) -> None:
    app.cli.add_command(worker)


@click.command("worker")
@with_appcontext
def worker() -> None:
    """Run queued jobs (training, re-segmentation) until stopped (SIGINT/SIGTERM)."""

    from ..imports.service import fail_stale_imports, forget_files
    from ..training.service import fail_stale_runs
    from . import HOUSEKEEPING_CRON, QUEUE

    # a worker killed mid-write may leave temp files; they were never activated
    for tmp in Path(current_app.config["MODEL_DIR"]).glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
    fail_stale_runs()
    fail_stale_imports()
    forget_files()
    schedule = current_app.config["TRAINING_SCHEDULE"]
    click.echo(
        f"worker: queue {QUEUE!r}, periodic retraining {schedule or 'off'}, "
        f"drift check {current_app.config['DRIFT_SCHEDULE'] or 'off'}, housekeeping {HOUSEKEEPING_CRON}"
    )
    if current_app.config["WORKER_METRICS_BIND"]:
        from ..monitoring.exporter import serve_worker

        serve_worker(current_app._get_current_object(), current_app.config["WORKER_METRICS_BIND"])
    current_app.extensions["queue"].run_worker(
        queues=[QUEUE],
        concurrency=1,
        wait=True,
        install_signal_handlers=True,
        update_heartbeat_interval=5.0,
        stalled_worker_timeout=30.0,
    )
