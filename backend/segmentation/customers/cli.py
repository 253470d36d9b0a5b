"""Commands for customers' transactions and RFM profiles."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext


def register(app: Flask) -> None:
    app.cli.add_command(import_transactions)
    app.cli.add_command(recompute_profiles)


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
    from .importer import ImportError_
    from .importer import import_transactions as run

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


@click.command("recompute-profiles")
@with_appcontext
def recompute_profiles() -> None:
    """Recompute every customer's spending profile and RFM figures from transactions.

    Run it after changing TRANSACTION_WINDOW_DAYS or RFM_AS_OF: the window ends at RFM_AS_OF
    or, when unset, at the latest transaction in the data.
    """
    from .rfm import recompute_all

    outcome = recompute_all()
    for warning in outcome.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(outcome.summary)
