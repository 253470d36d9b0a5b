"""Flask CLI commands. Each calls the same service functions as the API and the worker."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(train)
    app.cli.add_command(bootstrap)
    app.cli.add_command(embedded_db)
    app.cli.add_command(database_url)
    app.cli.add_command(worker)
    app.cli.add_command(register_model)
    app.cli.add_command(import_transactions)
    app.cli.add_command(create_user)
    app.cli.add_command(create_api_key)
    app.cli.add_command(revoke_api_key)
    app.cli.add_command(list_api_keys)


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


@click.command("train")
@with_appcontext
@click.option("--k", type=click.IntRange(2, 50), default=None, help="Force the number of segments.")
@click.option("--min-clusters", type=click.IntRange(2, 50), default=None)
@click.option("--max-clusters", type=click.IntRange(2, 50), default=None)
def train(k: int | None, min_clusters: int | None, max_clusters: int | None) -> None:
    """Train a model from PostgreSQL now, and activate it if it passes the gate."""
    from .training.service import create_run, execute_run

    run = create_run({"k": k, "min_clusters": min_clusters, "max_clusters": max_clusters}, trigger="cli")
    run = execute_run(run.id)
    click.echo(
        json.dumps(
            {
                "run": run.id,
                "status": run.status,
                "model_version": run.model_version_id,
                "error": run.error,
                "stage_seconds": run.stage_seconds,
            }
        )
    )
    if run.status != "succeeded":
        sys.exit(1)


@click.command("bootstrap")
@with_appcontext
@click.option("--customers", type=click.IntRange(1, 20_000_000), default=20_000, show_default=True)
def bootstrap(customers: int) -> None:
    """Seed demo data if the database is empty, and train if no model is active."""
    from .seeding import count_customers
    from .seeding import seed_demo as run_seed
    from .training.registry import active_version
    from .training.service import create_run, execute_run

    if count_customers() == 0:
        result = run_seed(customers, 42)
        click.echo(f"Seeded {result['customers']:,} demo customers in {result['seconds']:.1f}s")
    from .auth.cli import first_run_secrets

    for line in first_run_secrets():  # paths only: secrets never reach the process log
        click.echo(line)
    if active_version() is None:
        run = execute_run(create_run({}, trigger="cli").id)
        click.echo(f"Trained model v{run.model_version_id}: {run.status}")
        if run.status != "succeeded":
            sys.exit(1)
    else:
        click.echo(f"Model v{active_version().id} is active")


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


@click.command("worker")
@with_appcontext
def worker() -> None:
    """Run queued jobs (training, re-segmentation) until stopped (SIGINT/SIGTERM)."""

    from .jobs import QUEUE
    from .training.service import fail_stale_runs

    # a worker killed mid-write may leave temp files; they were never activated
    for tmp in Path(current_app.config["MODEL_DIR"]).glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
    fail_stale_runs()
    schedule = current_app.config["TRAINING_SCHEDULE"]
    click.echo(f"worker: queue {QUEUE!r}, periodic retraining {schedule or 'off'}")
    current_app.extensions["queue"].run_worker(
        queues=[QUEUE],
        concurrency=1,
        wait=True,
        install_signal_handlers=True,
        update_heartbeat_interval=5.0,
        stalled_worker_timeout=30.0,
    )


@click.command("register-model")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--if-none-active", is_flag=True, help="Do nothing when a model is already active.")
def register_model(path: str, if_none_active: bool) -> None:
    """Record a bootstrap model file (from segmentation.bootstrap_model) and activate it."""
    from .training.registry import active_version, register_bootstrap

    if if_none_active and active_version() is not None:
        click.echo(f"Model v{active_version().id} is already active; {path} not registered")
        return
    mv = register_bootstrap(path)
    click.echo(f"Registered {path} as model v{mv.id} (k={mv.k}) and activated it")


@click.command("import-transactions")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--show", type=int, default=50, show_default=True, help="Rejected rows to print.")
def import_transactions(path: str, show: int) -> None:
    """Load transactions from a CSV file (customer_id,booked_at,amount,category,channel).

    Bad rows are reported with their line numbers; the others load, and the customers'
    profiles, RFM figures and segments are recomputed.
    """
    from .customers.importer import ImportError_
    from .customers.importer import import_transactions as run

    try:
        with open(path, newline="", encoding="utf-8") as fh:
            result = run(fh)
    except ImportError_ as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    click.echo(
        f"Imported {result.imported:,} transactions for {result.customers:,} customers; "
        f"{len(result.rejected):,} rows rejected"
    )
    for line, reason in result.rejected[:show]:
        click.echo(f"  line {line}: {reason}")
    if len(result.rejected) > show:
        click.echo(f"  ... and {len(result.rejected) - show:,} more")


ROLE_CHOICE = click.Choice(["viewer", "analyst", "admin"])


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=ROLE_CHOICE, required=True)
@click.password_option(help="At least 12 characters; prompted when not given.")
def create_user(username: str, role: str, password: str) -> None:
    """Add a staff account that signs in to the web app."""
    from .auth.users import Exists
    from .auth.users import create_user as create
    from .extensions import db

    if len(password) < 12:
        raise click.ClickException("the password needs at least 12 characters")
    try:
        user = create(username, password, role)
    except Exists as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Created {role} {user.username}")


@click.command("create-api-key")
@with_appcontext
@click.option("--role", type=ROLE_CHOICE, required=True)
@click.option("--name", required=True, help="Who uses it, e.g. core-banking")
def create_api_key(role: str, name: str) -> None:
    """Create an API key; it is printed once and only its hash is stored."""
    from .auth import create_api_key as create
    from .extensions import db

    row, key = create(name, role)
    db.session.commit()
    click.echo(key)
    click.echo(f"API key {row.id} ({name}, {role}). Store it now: it is not shown again.", err=True)


@click.command("revoke-api-key")
@with_appcontext
@click.argument("key_id", type=int)
def revoke_api_key(key_id: int) -> None:
    """Revoke an API key (every worker stops accepting it within API_KEY_CACHE_SECONDS)."""
    from .auth import revoke_api_key as revoke
    from .extensions import db
    from .models import ApiKey

    row = db.session.get(ApiKey, key_id)
    if row is None:
        raise click.ClickException(f"API key {key_id} does not exist")
    revoke(row)
    db.session.commit()
    click.echo(f"Revoked API key {key_id} ({row.name})")


@click.command("list-api-keys")
@with_appcontext
def list_api_keys() -> None:
    """List API keys (id, prefix, name, role, state)."""
    from sqlalchemy import select

    from .extensions import db
    from .models import ApiKey

    for row in db.session.scalars(select(ApiKey).order_by(ApiKey.id)):
        state = "revoked" if row.revoked_at else "active"
        click.echo(f"{row.id}\t{row.prefix}\t{row.name}\t{row.role}\t{state}")
