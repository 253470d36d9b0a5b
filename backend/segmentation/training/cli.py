"""First-run commands: seed and train (``bootstrap``), register a bootstrap model file."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext


def register(app: Flask) -> None:
    app.cli.add_command(bootstrap)
    app.cli.add_command(register_model)


@click.command("bootstrap")
@with_appcontext
@click.option("--customers", type=click.IntRange(1, 20_000_000), default=20_000, show_default=True)
def bootstrap(customers: int) -> None:
    """Seed demo data if the database is empty, and train if no model is active."""
    from ..customers import counts
    from ..data.seeding import seed_demo as run_seed
    from .registry import active_version
    from .service import create_run, execute_run

    if counts.total() == 0:
        result = run_seed(customers, 42)
        click.echo(f"Seeded {result['customers']:,} demo customers in {result['seconds']:.1f}s")
    from ..auth.cli import first_run_secrets

    for line in first_run_secrets():  # paths only: secrets never reach the process log
        click.echo(line)
    if active_version() is None:
        run = execute_run(create_run({}, trigger="cli").id)
        click.echo(f"Trained model v{run.model_version_id}: {run.status}")
        if run.status != "succeeded":
            sys.exit(1)
    else:
        click.echo(f"Model v{active_version().id} is active")


@click.command("register-model")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--if-none-active", is_flag=True, help="Do nothing when a model is already active.")
def register_model(path: str, if_none_active: bool) -> None:
    """Record a bootstrap model file (from segmentation.training.bootstrap) and activate it."""
    from .pipeline import register_bootstrap
    from .registry import active_version

    if if_none_active and active_version() is not None:
        click.echo(f"Model v{active_version().id} is already active; {path} not registered")
        return
    mv = register_bootstrap(path)
    click.echo(f"Registered {path} as model v{mv.id} (k={mv.k}) and activated it")
