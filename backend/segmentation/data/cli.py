"""Commands for the data: demo customers, the embedded PostgreSQL, the database URL."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(database_url)
    app.cli.add_command(embedded_db)


@click.command("seed-demo")
@with_appcontext
@click.option("--customers", type=click.IntRange(1, 20_000_000), default=10_000, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
def seed_demo(customers: int, seed: int) -> None:
    """Generate demo customers with known latent segments and load them with COPY."""
    from .seeding import seed_demo as run

    result = run(customers, seed)
    click.echo(
        f"Loaded {result['customers']:,} customers (ids from {result['first_id']}) "
        f"in {result['seconds']:.1f}s"
    )


@click.command("database-url")
@with_appcontext
def database_url() -> None:
    """Print the database URL in use (starting the embedded server if needed)."""
    click.echo(current_app.config["DATABASE_URL"])


@click.group("embedded-db", cls=AppGroup)
def embedded_db() -> None:
    """The embedded PostgreSQL used when DATABASE_URL is unset."""


@embedded_db.command("stop")
def embedded_db_stop() -> None:
    """Stop the embedded PostgreSQL server."""
    from .embedded_db import stop

    click.echo("stopped" if stop(current_app.config["VAR_DIR"]) else "not running")
