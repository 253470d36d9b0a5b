"""Flask CLI commands. Each calls the same service functions as the API and the worker."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext


def register(app: Flask) -> None:
    from .segmentations.cli import create_segmentation, export_assignments, train

    app.cli.add_command(seed_demo)
    app.cli.add_command(train)
    app.cli.add_command(create_segmentation)
    app.cli.add_command(export_assignments)
    app.cli.add_command(bootstrap)
    app.cli.add_command(embedded_db)
    app.cli.add_command(database_url)
    app.cli.add_command(worker)
    app.cli.add_command(register_model)
    app.cli.add_command(import_transactions)
    app.cli.add_command(import_customers)
    app.cli.add_command(recompute_profiles)
    app.cli.add_command(create_user)
    app.cli.add_command(create_api_key)
    app.cli.add_command(revoke_api_key)
    app.cli.add_command(list_api_keys)
    from .monitoring.cli import drift_check

    app.cli.add_command(drift_check)


@click.command("seed-demo")
@with_appcontext
@click.option("--customers", type=click.IntRange(1, 20_000_000), default=10_000, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
def seed_demo(customers: int, seed: int) -> None:
    """Generate demo customers with known latent segments and load them with COPY."""
    from .data.seeding import seed_demo as run

    result = run(customers, seed)
    click.echo(
        f"Loaded {result['customers']:,} customers (ids from {result['first_id']}) "
        f"in {result['seconds']:.1f}s"
    )


@click.command("bootstrap")
@with_appcontext
@click.option("--customers", type=click.IntRange(1, 20_000_000), default=20_000, show_default=True)
def bootstrap(customers: int) -> None:
    """Seed demo data if the database is empty, and train if no model is active."""
    from .data.seeding import count_customers
    from .data.seeding import seed_demo as run_seed
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
    from .data.embedded_db import stop

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
    click.echo(
        f"worker: queue {QUEUE!r}, periodic retraining {schedule or 'off'}, "
        f"drift check {current_app.config['DRIFT_SCHEDULE'] or 'off'}"
    )
    if current_app.config["WORKER_METRICS_BIND"]:
        from .monitoring.exporter import serve_worker

        serve_worker(current_app._get_current_object(), current_app.config["WORKER_METRICS_BIND"])
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
    """Record a bootstrap model file (from segmentation.training.bootstrap) and activate it."""
    from .training.pipeline import register_bootstrap
    from .training.registry import active_version

    if if_none_active and active_version() is not None:
        click.echo(f"Model v{active_version().id} is already active; {path} not registered")
        return
    mv = register_bootstrap(path)
    click.echo(f"Registered {path} as model v{mv.id} (k={mv.k}) and activated it")


@click.command("import-transactions")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--reject-unknown", is_flag=True, help="Reject rows of unknown customer ids (default: create them)."
)
@click.option("--show", type=int, default=50, show_default=True, help="Rejected rows to print.")
def import_transactions(path: str, reject_unknown: bool, show: int) -> None:
    """Load transactions from a CSV file (customer_id, booked_at, amount[, category, channel, transaction_id]).

    Bad rows are reported with their line numbers; the others load (rows already stored are
    skipped), and the customers' profiles, RFM figures and segments are recomputed. Exit
    code 1 when the file cannot be read or every row was rejected.
    """
    from .customers.importer import ImportError_
    from .customers.importer import import_transactions as run

    try:
        with open(path, "rb") as fh:
            result = run(fh, reject_unknown=reject_unknown)
    except ImportError_ as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    for line, reason in result.rejected[:show]:
        click.echo(f"  line {line}: {reason}")
    if len(result.rejected) > show:
        click.echo(f"  ... and {len(result.rejected) - show:,} more")
    for warning in result.outcome.warnings if result.outcome else []:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"Imported {result.imported:,} transactions for {result.customers:,} customers "
        f"({result.created:,} new customers); {result.duplicates:,} already stored; "
        f"{len(result.rejected):,} rows rejected"
    )
    if result.outcome:
        click.echo(result.outcome.summary)
    if result.rejected and not (result.imported or result.duplicates):
        sys.exit(1)


def _types(pairs: tuple[str, ...]) -> dict[str, str]:
    types = {}
    for pair in pairs:
        name, sep, type_ = pair.partition("=")
        if not sep or not name.strip() or not type_.strip():
            raise click.BadParameter(f"{pair!r} is not COLUMN=TYPE", param_hint="--type")
        types[name.strip()] = type_.strip().lower()
    return types


@click.command("import-customers")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--id-column", default="customer_id", show_default=True, help="The column with the bank's ids.")
@click.option(
    "--type", "types", multiple=True, metavar="COLUMN=TYPE", help="number, boolean, category, date or text."
)
@click.option("--show", type=int, default=20, show_default=True, help="Rejected cells to print.")
def import_customers(path: str, id_column: str, types: tuple[str, ...], show: int) -> None:
    """Upsert customers from a CSV (UTF-8) or Parquet file by the bank's id column.

    The 8 spending categories become the spending profile, built-in columns (age, gender,
    ...) their own columns, every other column an attribute with an inferred type. Bad
    lines go to a rejects file; exit code 1 when no row could be imported.
    """
    from .imports.runner import run_import
    from .imports.service import create_import

    imp = create_import(Path(path).name, str(Path(path).resolve()), id_column, _types(types), "cli")
    result = run_import(imp.id)
    for line, column, reason in result.rejects[:show]:
        click.echo(f"  line {line}" + (f", {column}" if column else "") + f": {reason}")
    if len(result.rejects) > show:
        click.echo(f"  ... and {len(result.rejects) - show:,} more")
    for note in result.notes:
        click.echo(f"note: {note}")
    if result.rejects_path:
        click.echo(f"Rejected lines: {result.rejects_path}")
    if result.status != "succeeded":
        click.echo(f"Import {imp.id} failed: {result.error}", err=True)
        sys.exit(1)
    click.echo(f"Import {imp.id}: customers {result.summary}")


@click.command("recompute-profiles")
@with_appcontext
def recompute_profiles() -> None:
    """Recompute every customer's spending profile and RFM figures from transactions.

    Run it after changing TRANSACTION_WINDOW_DAYS or RFM_AS_OF: the window ends at RFM_AS_OF
    or, when unset, at the latest transaction in the data.
    """
    from .customers.rfm import recompute_all

    outcome = recompute_all()
    for warning in outcome.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(outcome.summary)


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
    from .core.extensions import db

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
    from .core.extensions import db

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
    from .auth.models import ApiKey
    from .core.extensions import db

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

    from .auth.models import ApiKey
    from .core.extensions import db

    for row in db.session.scalars(select(ApiKey).order_by(ApiKey.id)):
        state = "revoked" if row.revoked_at else "active"
        click.echo(f"{row.id}\t{row.prefix}\t{row.name}\t{row.role}\t{state}")
