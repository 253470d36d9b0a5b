"""An embedded PostgreSQL server (the ``pgserver`` wheel) for when no DATABASE_URL is set.

The server keeps running after the process that started it exits, like any database
server; ``stop()`` stops it. Its data lives under ``VAR_DIR/pgdata``.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

log = logging.getLogger(__name__)

DB_NAME = "segmentation"


def _pgserver():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; pgserver only keeps a lock there
        warnings.simplefilter("ignore")
        import pgserver
    return pgserver


def start(var_dir: str | Path, db_name: str = DB_NAME) -> str:
    """Start (or reuse) the embedded server and return a URL for ``db_name``."""
    pgdata = Path(var_dir).resolve() / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = _pgserver().get_server(pgdata, cleanup_mode=None)
    ensure_database(server.get_uri(), db_name)
    return server.get_uri(db_name).replace("postgresql://", "postgresql+psycopg2://", 1)


def ensure_database(admin_uri: str, db_name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(admin_uri)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db_name,))
            if cur.fetchone() is None:
                log.info("creating database %s", db_name)
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    finally:
        conn.close()


def stop(var_dir: str | Path) -> bool:
    """Stop the embedded server if it runs (fast shutdown); True when one was stopped.

    pg_ctl is called directly: pgserver only stops a server when the last process that
    asked for it exits, and web workers that were killed never say so."""
    pgdata = Path(var_dir).resolve() / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return False
    import os
    import subprocess

    _pgserver()  # imports pgserver quietly
    from pgserver._commands import pg_ctl

    user = "pgserver" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    except subprocess.CalledProcessError:
        return False
    return True
