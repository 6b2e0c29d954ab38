"""A database of the sweep's own, seeded once through the API by the organisations that own
the records; each caller then acts inside a transaction that is rolled back afterwards, so
what one caller changes never hides what the next one could do."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from accord.app import create_app
from accord.deps import get_session
from accord.register.registry import Registry, use_registry
from accord.settings import Settings, get_settings
from accord.store import migrate
from accord.store.engine import make_engine
from security.seed import Group, seed
from security.walk import Bodies

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
    base = os.environ.get("ACCORD_TEST_DATABASE_URL")
    if not base:
        url = f"sqlite:///{tmp_path_factory.mktemp('sweep') / 'accord.db'}"
        migrate.upgrade(url)
        yield url
        return
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    name = f"accord_sweep_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
        with Session(bind=connection, join_transaction_mode="create_savepoint") as db:
            yield db

    world.app.dependency_overrides[get_session] = per_request
    db = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield connection, db
    finally:
        world.app.dependency_overrides.pop(get_session, None)
        db.close()
        transaction.rollback()
        connection.close()
