"""Kill-at-every-step helpers: a store of its own per test, and CLI runs that may crash.

A command runs in a forked child of the test process (the same `accord` Typer app, with the
test's keys and register, without paying the interpreter's start-up again); with
ACCORD_CRASH_AT set the child dies at that checkpoint with status 137, as kill -9 would
leave it: nothing unwound, flushed or committed.
"""

from __future__ import annotations

import os
import sys
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from accord.cli import app as accord_app  # imported once here: every child inherits it
from accord.settings import get_settings
from accord.store import migrate
from accord.store.engine import make_engine
from accord.store.faults import CRASH_ENV

TEST_DATABASE_ENV = "ACCORD_TEST_DATABASE_URL"
ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def fresh_store(folder: Path) -> Iterator[dict[str, str]]:
    """A migrated database (SQLite file, or a new PostgreSQL database when the suite runs
    on one) and an analytical file; yields the environment a command needs to use them."""
    base = os.environ.get(TEST_DATABASE_ENV)
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        "ACCORD_ANALYTICS_PATH": str(folder / "analytics.duckdb"),
        "ACCORD_ENVIRONMENT": "test",
        "ACCORD_REGISTERS_DIR": str(ROOT / "registers"),
    }
    if not base:
        url = f"sqlite:///{folder / 'accord.db'}"
        migrate.upgrade(url)
        yield {**env, "ACCORD_DATABASE_URL": url}
        return
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    name = f"accord_crash_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield {**env, "ACCORD_DATABASE_URL": url}
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_accord(args: list[str], env: dict[str, str], *, crash_at: str | None = None) -> int:
    """Run `accord ARGS` in a forked child; its exit status (137 when it crashed)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.environ.update(env)
            os.environ.pop(CRASH_ENV, None)
            if crash_at:
                os.environ[CRASH_ENV] = crash_at
            get_settings.cache_clear()
            try:
                accord_app(args, prog_name="accord")
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
