"""Flask CLI commands. Each feature keeps its commands in its own ``cli.py``; each calls the
same service functions as the API and the worker."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from .customers import cli as customers
    from .data import cli as data
    from .imports import cli as imports
    from .jobs import cli as jobs
    from .monitoring.cli import drift_check
    from .segmentations.cli import create_segmentation, export_assignments, train
    from .training import cli as training

    for feature in (data, training, jobs, customers, imports):
        feature.register(app)
    for command in (train, create_segmentation, export_assignments, drift_check):
        app.cli.add_command(command)
