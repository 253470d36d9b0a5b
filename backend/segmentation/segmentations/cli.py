"""Segmentation commands: create one, train it, export its assignments.

Exit codes of ``train`` (scripts depend on them): 0 a new model is active; 3 the gate
rejected it (the reason is printed); 1 an error.
"""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

EXIT_REJECTED = 3


def _feature(value: str) -> dict:
    """COLUMN:KIND (the column may itself contain ':'; the kind follows the last one)."""
    column, sep, kind = value.rpartition(":")
    if not sep or not column:
        raise click.BadParameter(f"{value!r}: use COLUMN:KIND, e.g. BALANCE:money")
    return {"name": column, "kind": kind.strip().lower()}


@click.command("create-segmentation")
@with_appcontext
@click.argument("name")
@click.option("--feature", "features", multiple=True, metavar="COLUMN:KIND", help="Repeat for each feature.")
@click.option("--source", default=None, metavar="SQL_OR_TABLE", help="A table, a view or a read-only SELECT.")
@click.option(
    "--id-column", default="customer_id", show_default=True, help="The source's customer id column."
)
@click.option("--external", is_flag=True, help="Read the source from SOURCE_DATABASE_URL.")
@click.option("--preset", default=None, help="lifestyle, bank-profile, income-score or value-rfm.")
def create_segmentation(name, features, source, id_column, external, preset) -> None:
    """Create a segmentation on the bank's own columns; KIND is money, count, ratio, score,
    binary or categorical."""
    from ..auth import audit
    from ..core.extensions import db
    from . import service

    try:
        seg = service.create(
            name,
            [_feature(f) for f in features] or None,
            source=source,
            preset=preset,
            id_column=id_column,
            external=external,
        )
    except service.InvalidSegmentation as exc:
        db.session.rollback()
        raise click.ClickException(_describe(exc.errors)) from None
    audit.record("segmentation.create", seg.name, features=[f["name"] for f in seg.features])
    db.session.commit()
    kinds = ", ".join(f"{f['name']} ({f['kind']})" for f in seg.features)
    click.echo(f"Created segmentation {seg.name} ({service.method_of(seg)}): {kinds}")


def _describe(errors: dict, prefix: str = "") -> str:
    lines = []
    for key, value in errors.items():
        where = f"{prefix}{key}"
        if isinstance(value, dict):
            lines.append(_describe(value, f"{where}."))
        else:
            lines.append(f"{where}: {' '.join(value)}")
    return "\n".join(lines)


@click.command("train")
@with_appcontext
@click.option("--segmentation", "name", default=None, help="Which segmentation (default lifestyle).")
@click.option("--k", type=click.IntRange(2, 50), default=None, help="Force the number of segments.")
@click.option("--min-clusters", type=click.IntRange(2, 50), default=None)
@click.option("--max-clusters", type=click.IntRange(2, 50), default=None)
def train(name: str | None, k: int | None, min_clusters: int | None, max_clusters: int | None) -> None:
    """Train a model now and activate it if it passes the gate (exit 0 active, 3 rejected, 1 error)."""
    from ..training.service import create_run, execute_run
    from . import service

    try:
        seg = service.get(name)
    except service.NoSuchSegmentation as exc:
        raise click.ClickException(str(exc)) from None
    params = {"k": k, "min_clusters": min_clusters, "max_clusters": max_clusters}
    run = execute_run(create_run(params, trigger="cli", segmentation_id=seg.id).id)
    click.echo(
        json.dumps(
            {
                "segmentation": seg.name,
                "run": run.id,
                "status": run.status,
                "model_version": run.model_version_id,
                "error": run.error,
                "stage_seconds": run.stage_seconds,
            }
        )
    )
    if run.status == "rejected":
        click.echo(f"Not activated: {run.error}", err=True)
        sys.exit(EXIT_REJECTED)
    if run.status != "succeeded":
        sys.exit(1)


@click.command("export-assignments")
@with_appcontext
@click.option("--segmentation", "name", default=None, help="Which segmentation (default lifestyle).")
@click.option(
    "--output", type=click.Path(dir_okay=False, writable=True), default=None, help="Default: stdout."
)
def export_assignments(name: str | None, output: str | None) -> None:
    """Every customer's current segment as CSV: customer_id,segment_id,segment_name."""
    from ..segments.export import CLI_COLUMNS, assignment_chunks
    from . import current, service

    try:
        _, mv = current.active_model(name)
    except (service.NoSuchSegmentation, current.NoActiveModel) as exc:
        raise click.ClickException(str(exc)) from None
    sys.stdout.flush()  # text written before comes first
    out = open(output, "wb") if output else sys.stdout.buffer  # noqa: SIM115
    try:
        for chunk in assignment_chunks(mv.id, CLI_COLUMNS):
            out.write(chunk)
    finally:
        if output:
            out.close()
        else:
            out.flush()
