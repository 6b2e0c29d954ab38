"""Keys fixtures: empty databases of their own (a keystore, a case database) on the engine
the suite runs on, for tests that run `accord keys` in a subprocess."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support.databases import fresh_databases


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Make an empty database named `label`: a SQLite file, or a PostgreSQL database when
    ACCORD_TEST_DATABASE_URL is set (dropped afterwards)."""
    with fresh_databases(tmp_path, "keys") as make:
        yield make
