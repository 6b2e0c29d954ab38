"""Keys fixtures: empty databases of their own (a keystore, a case database) on the engine
the suite runs on, for tests that run `accord keys` in a subprocess."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from accord.store.engine import make_engine

TEST_DATABASE_ENV = "ACCORD_TEST_DATABASE_URL"


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Make an empty database named `label`: a SQLite file, or a PostgreSQL database when
    ACCORD_TEST_DATABASE_URL is set (dropped afterwards)."""
    base = os.environ.get(TEST_DATABASE_ENV)
    made: list[str] = []

    def make(label: str) -> str:
        if not base:
            return f"sqlite:///{tmp_path / f'{label}.db'}"
        name = f"accord_keys_{label}_{uuid.uuid4().hex[:10]}"
        admin = make_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        made.append(name)
        return make_url(base).set(database=name).render_as_string(hide_password=False)

    yield make
    if made:
        admin = make_engine(str(base), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
