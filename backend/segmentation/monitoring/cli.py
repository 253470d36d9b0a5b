"""``flask drift-check``: the worker's scheduled drift check, run now in this process."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("drift-check")
@with_appcontext
@click.option("--segmentation", "name", default=None, help="Only this segmentation (default: every one)")
def drift_check(name: str | None) -> None:
    """Check drift (PSI per feature and of segment shares) and store it in the history."""
    from ..segmentations import service as segmentations
    from .drift import run_check, run_checks

    checks = [c for c in [run_check(segmentations.get(name), "cli")] if c] if name else run_checks("cli")
    names = {s.id: s.name for s in segmentations.all_segmentations()}
    for c in checks:
        click.echo(
            f"{names.get(c.segmentation_id)} model v{c.model_version_id}: largest PSI {c.max_psi:.3f}"
            f" ({'drifted' if c.drifted else 'below'} threshold {c.threshold:.2f})"
        )
