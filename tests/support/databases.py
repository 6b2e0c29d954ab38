"""Empty databases of a test's own on the backend the suite runs on, so a test can restore,
migrate or run a subprocess against them without touching the shared test database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from accord.store.engine import make_engine

TEST_DATABASE_ENV = "ACCORD_TEST_DATABASE_URL"


@contextmanager
def fresh_databases(tmp_path: Path, prefix: str) -> Iterator[Callable[[str], str]]:
    """Yield `make(label)`, which returns the URL of a new empty database: a SQLite file under
    `tmp_path`, or a PostgreSQL database when ACCORD_TEST_DATABASE_URL is set (each dropped
    on exit, even when the test failed)."""
    base = os.environ.get(TEST_DATABASE_ENV)
    made: list[str] = []

    def make(label: str) -> str:
        if not base:
            return f"sqlite:///{tmp_path / f'{label}.db'}"
        name = f"accord_{prefix}_{label}_{uuid.uuid4().hex[:10]}"
        admin = make_engine(base, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        made.append(name)
        return make_url(base).set(database=name).render_as_string(hide_password=False)

    try:
        yield make
    finally:
        if made:
            admin = make_engine(str(base), isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as connection:
                    for name in made:
                        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            finally:
                admin.dispose()
