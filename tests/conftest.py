"""Shared fixtures: a migrated database per test session, a savepoint-rolled session per test.

The database is a temporary SQLite file by default. With ACCORD_TEST_DATABASE_URL set (to a
PostgreSQL server), each test session creates a database of its own there and drops it after,
so parallel runs never collide. Tests that use the store are marked `store` automatically;
`make test-pg` runs exactly those against PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from accord.app import create_app
from accord.deps import get_session
from accord.settings import Settings
from accord.store import migrate
from accord.store.engine import make_engine

TEST_DATABASE_ENV = "ACCORD_TEST_DATABASE_URL"
ROOT = Path(__file__).resolve().parent.parent
STORE_FIXTURES = {"engine", "session", "database_url"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if STORE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.store)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "store: uses the relational store (run on SQLite and PostgreSQL)"
    )


@pytest.fixture(scope="session", autouse=True)
def crypto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Every test session gets its own keystore (a temp SQLite file, also on PostgreSQL runs)
    and test keys, in place of the keystore and keys that settings would name."""
    from accord.keys.blind import BlindIndexer
    from accord.keys.keyring import LocalKeyring
    from accord.keys.keystore import Keystore
    from accord.people.crypto import Crypto, use_crypto

    keystore = Keystore(f"sqlite:///{tmp_path_factory.mktemp('keys') / 'accord-keys.db'}")
    test_crypto = Crypto(
        keyring=LocalKeyring(b"accord-test-master-key-32-bytes!"),
        keystore=keystore,
        indexer=BlindIndexer(b"accord-test-index-key"),
    )
    with use_crypto(test_crypto):
        yield test_crypto
    keystore.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get(TEST_DATABASE_ENV)
    if not base:
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'accord.db'}"
        migrate.upgrade(url)
        yield url
        return
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    name = f"accord_test_{uuid.uuid4().hex[:12]}"
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


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits land in a savepoint, rolled back after the test."""
    connection = engine.connect()
    transaction = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        analytics_path=tmp_path / "analytics.duckdb",
        registers_dir=ROOT / "registers",
    )


@pytest.fixture
def app(session: Session, settings: Settings) -> FastAPI:
    """The application, its database dependency bound to the test's savepoint session.

    Tests choose who is calling by overriding the current-actor dependency
    (`app.dependency_overrides[current_actor] = lambda: actor`).
    """
    application = create_app(settings)
    application.dependency_overrides[get_session] = lambda: session
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
