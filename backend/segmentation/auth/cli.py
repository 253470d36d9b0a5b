"""Flask commands for staff accounts and API keys (the same service functions as the API),
and the first-run secrets, written to 0600 files and never printed."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..core.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(disable_user)
    app.cli.add_command(enable_user)
    app.cli.add_command(delete_user)
    app.cli.add_command(create_user)
    app.cli.add_command(create_api_key)
    app.cli.add_command(revoke_api_key)
    app.cli.add_command(list_api_keys)


def _user(username: str):
    from .users import find_user

    user = find_user(username)
    if user is None:
        raise click.ClickException(f"no user named {username}")
    return user


@click.command("disable-user")
@with_appcontext
@click.argument("username")
def disable_user(username: str) -> None:
    """Disable a staff account: it cannot sign in and its sessions end at once."""
    from .users import Refused, change_user

    try:
        change_user(_user(username), disabled=True)
    except Refused as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Disabled {username}")


@click.command("enable-user")
@with_appcontext
@click.argument("username")
def enable_user(username: str) -> None:
    """Enable a disabled staff account again."""
    from .users import change_user

    change_user(_user(username), disabled=False)
    db.session.commit()
    click.echo(f"Enabled {username}")


@click.command("delete-user")
@with_appcontext
@click.argument("username")
def delete_user(username: str) -> None:
    """Delete a staff account (its audit events stay)."""
    from .users import Refused
    from .users import delete_user as delete

    try:
        delete(_user(username))
    except Refused as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Deleted {username}")


def write_secret(name: str, value: str) -> Path:
    """Write ``value`` to VAR_DIR/name, readable by its owner only (created 0600, never
    world-readable even for a moment); returns the path."""
    path = Path(current_app.config["VAR_DIR"]) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value + "\n")
    path.chmod(0o600)
    return path


def first_run_secrets() -> list[str]:
    """On a database without users: the first admin and a viewer API key, each written to
    its 0600 file. Returns the lines to print: paths, never the secrets."""
    from .keys import create_api_key
    from .users import ensure_first_admin

    first = ensure_first_admin()
    if not first:
        return []
    password_path = write_secret("initial-admin-password", first[1])
    _, key = create_api_key("local-demo", "viewer")
    db.session.commit()
    key_path = write_secret("initial-api-key", key)
    return [
        f"Created the first admin. Sign in as '{first[0]}' with the password in {password_path} "
        "(readable by you only; change it or create your own admin, then delete the file).",
        f"Created a viewer API key for trying the API; it is in {key_path}:\n"
        f'  curl -H "Authorization: Bearer $(cat {key_path})" ...',
    ]


ROLE_CHOICE = click.Choice(["viewer", "analyst", "admin"])


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=ROLE_CHOICE, required=True)
@click.password_option(help="At least 12 characters; prompted when not given.")
def create_user(username: str, role: str, password: str) -> None:
    """Add a staff account that signs in to the web app."""
    from .users import Exists
    from .users import create_user as create

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
    from .keys import create_api_key as create

    row, key = create(name, role)
    db.session.commit()
    click.echo(key)
    click.echo(f"API key {row.id} ({name}, {role}). Store it now: it is not shown again.", err=True)


@click.command("revoke-api-key")
@with_appcontext
@click.argument("key_id", type=int)
def revoke_api_key(key_id: int) -> None:
    """Revoke an API key (every worker stops accepting it within API_KEY_CACHE_SECONDS)."""
    from .keys import revoke_api_key as revoke
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
    from .keys import list_api_keys as listed

    for row in listed():
        state = "revoked" if row.revoked_at else "active"
        click.echo(f"{row.id}\t{row.prefix}\t{row.name}\t{row.role}\t{state}")
