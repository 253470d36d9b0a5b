"""Database helpers for the container entrypoint (standard library + psycopg2 only).

    python dbtool.py url                      print DATABASE_URL built from DB_HOST, DB_PORT,
                                              DB_USER, DB_PASSWORD(_FILE), DB_NAME, DB_OPTIONS
    python dbtool.py wait                     wait until the database accepts connections
    python dbtool.py wait-schema MIGRATIONS   wait until Alembic is at the head revision
    python dbtool.py locked CMD [ARG...]      run CMD while holding a PostgreSQL advisory
                                              lock, so concurrent starts migrate one by one

The URL comes from DATABASE_URL (or the file named by DATABASE_URL_FILE), like the app.
Timeouts: DB_WAIT_TIMEOUT (wait, default 60 s), SCHEMA_WAIT_TIMEOUT (default 300 s).
Passwords are never printed except by ``url``, whose output the entrypoint captures.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

# any constant shared by every process that migrates; distinct from the app's own locks
MIGRATION_LOCK = 724_100


def env(name: str, default: str | None = None) -> str | None:
    """Value of ``name``, or the contents of the file named by ``name_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    value = os.environ.get(name)
    return value if value else default


def compose_url() -> str:
    missing = [n for n in ("DB_HOST", "DB_USER", "DB_NAME") if not env(n)]
    if missing:
        sys.exit(f"dbtool: cannot build DATABASE_URL: {', '.join(missing)} not set")
    password = env("DB_PASSWORD", "")
    auth = quote(env("DB_USER"), safe="") + (f":{quote(password, safe='')}" if password else "")
    options = env("DB_OPTIONS", "")  # libpq parameters, e.g. sslmode=verify-full
    return (
        f"postgresql://{auth}@{env('DB_HOST')}:{env('DB_PORT', '5432')}/{quote(env('DB_NAME'), safe='')}"
        + (f"?{options.lstrip('?')}" if options else "")
    )


def libpq_url() -> str:
    url = env("DATABASE_URL")
    if not url:
        sys.exit("dbtool: DATABASE_URL (or DATABASE_URL_FILE) is not set")
    # postgresql+psycopg2://... (SQLAlchemy form) -> postgresql://... (libpq form)
    return re.sub(r"^postgres(?:ql)?(?:\+\w+)?://", "postgresql://", url)


def describe(url: str) -> str:
    """host:port/db of a URL, without credentials."""
    parts = urlsplit(url)
    host = parts.hostname or dict(parse_qsl(parts.query)).get("host", "localhost")
    return f"{host}:{parts.port or 5432}{parts.path or ''}"


def connect(url: str, timeout: int = 3):
    import psycopg2

    return psycopg2.connect(url, connect_timeout=timeout, application_name="segmentation-entrypoint")


def wait(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_said = 0.0
    while True:
        try:
            connect(url).close()
            print(f"dbtool: database {describe(url)} is reachable", file=sys.stderr)
            return
        except Exception as exc:  # noqa: BLE001 (any failure means "not yet")
            error = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            now = time.monotonic()
            if now >= deadline:
                sys.exit(
                    f"dbtool: database {describe(url)} not reachable after {timeout:.0f}s "
                    f"(DB_WAIT_TIMEOUT): {error}"
                )
            if now - last_said >= 5:
                print(f"dbtool: waiting for database {describe(url)}: {error}", file=sys.stderr)
                last_said = now
            time.sleep(1)


def heads(migrations: Path) -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory(str(migrations)).get_heads())


def current(url: str) -> set[str]:
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass('alembic_version') IS NOT NULL")
            if not cur.fetchone()[0]:
                return set()
            cur.execute("SELECT version_num FROM alembic_version")
            return {row[0] for row in cur.fetchall()}
    finally:
        conn.close()


def wait_schema(url: str, migrations: Path, timeout: float) -> None:
    want = heads(migrations)
    deadline = time.monotonic() + timeout
    last_said = 0.0
    while True:
        have = current(url)
        if have == want:
            print(f"dbtool: schema is at {', '.join(sorted(want))}", file=sys.stderr)
            return
        now = time.monotonic()
        if now >= deadline:
            sys.exit(
                f"dbtool: schema still at {sorted(have) or 'nothing'}, want {sorted(want)} after "
                f"{timeout:.0f}s (SCHEMA_WAIT_TIMEOUT): has the API or the migration job run?"
            )
        if now - last_said >= 10:
            print(f"dbtool: waiting for migrations (schema at {sorted(have) or 'nothing'})", file=sys.stderr)
            last_said = now
        time.sleep(2)


def locked(url: str, command: list[str]) -> int:
    conn = connect(url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s)", (MIGRATION_LOCK,))
            if not cur.fetchone()[0]:
                print("dbtool: another process is migrating; waiting for it", file=sys.stderr)
                cur.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        return subprocess.call(command)
    finally:
        conn.close()  # closing the session releases the lock


def main(argv: list[str]) -> int:
    if not argv:
        sys.exit(__doc__)
    action, rest = argv[0], argv[1:]
    if action == "url":
        print(compose_url())
    elif action == "wait":
        wait(libpq_url(), float(env("DB_WAIT_TIMEOUT", "60")))
    elif action == "wait-schema" and len(rest) == 1:
        wait_schema(libpq_url(), Path(rest[0]), float(env("SCHEMA_WAIT_TIMEOUT", "300")))
    elif action == "locked" and rest:
        return locked(libpq_url(), rest)
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
