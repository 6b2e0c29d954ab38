"""A database of the sweep's own, seeded once through the API by the organisations that own
the records; each caller then acts inside a transaction that is rolled back afterwards, so
what one caller changes never hides what the next one could do."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from accord.app import create_app
from accord.deps import get_session
from accord.register.registry import Registry, use_registry
from accord.settings import Settings, get_settings
from accord.store import migrate
from security.seed import Group, seed
from security.walk import Bodies
from support.databases import fresh_databases

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class World:
    url: str
    registry: Registry
    app: FastAPI
    client: TestClient
    engine: Engine
    groups: list[Group]
    bodies: Bodies


def registry() -> Registry:
    return Registry.from_directory(ROOT / "registers")


@pytest.fixture(scope="package")
def sweep_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite by default; with ACCORD_TEST_DATABASE_URL, a PostgreSQL database of its own."""
    with fresh_databases(tmp_path_factory.mktemp("sweep"), "sweep") as make:
        url = make("accord")
        migrate.upgrade(url)
        yield url


@pytest.fixture(scope="package")
def world(sweep_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    loaded = registry()
    settings = Settings(
        environment="test",
        database_url=sweep_database,
        analytics_path=tmp_path_factory.mktemp("analytics") / "a.duckdb",
        registers_dir=ROOT / "registers",
    )
    with use_registry(loaded), pytest.MonkeyPatch.context() as env:
        env.setenv("ACCORD_DATABASE_URL", sweep_database)
        env.setenv("ACCORD_REGISTERS_DIR", str(ROOT / "registers"))
        get_settings.cache_clear()
        app = create_app(settings)
        engine: Engine = app.state.engine
        # a server error is a finding to report, not the end of the walk
        with TestClient(app, raise_server_exceptions=False) as client, Session(engine) as session:
            groups = seed(session, client, loaded)
            bodies = Bodies(app, loaded)
            yield World(sweep_database, loaded, app, client, engine, groups, bodies)
        engine.dispose()
    get_settings.cache_clear()


@pytest.fixture
def rolled_back(world: World) -> Iterator[tuple[Connection, Session]]:
    """Every request of one test in a transaction of its own, rolled back at the end."""
    connection = world.engine.connect()
    transaction = connection.begin()

    def per_request() -> Iterator[Session]:
        # As the app's own session dependency: commit (here, release the savepoint) when the
        # route returns, roll back when it raises; the outer transaction undoes it all.
        with Session(bind=connection, join_transaction_mode="create_savepoint") as db:
            try:
                yield db
            except BaseException:
                db.rollback()
                raise
            db.commit()

    world.app.dependency_overrides[get_session] = per_request
    db = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield connection, db
    finally:
        world.app.dependency_overrides.pop(get_session, None)
        db.close()
        transaction.rollback()
        connection.close()
