"""The bulk import command for customer files (the same run as the API's imports)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext


def register(app: Flask) -> None:
    app.cli.add_command(import_customers)


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
    from .runner import run_import
    from .service import create_import

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
