"""Store fixtures: an empty database per test, for tests that run migrations themselves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.databases import fresh_databases


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of its own: a SQLite file, or one made on the test PostgreSQL."""
    with fresh_databases(tmp_path, "fresh") as make:
        yield make("fresh")
