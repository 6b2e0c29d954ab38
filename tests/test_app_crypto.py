"""An application keeps its data keys in the keystore its own settings name.

`create_app(settings)` builds the keyring, keystore and blind indexer from the settings it is
given, and each request of that application reads them: two applications built in one process
with different settings never write to, or read from, each other's keystore.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.app import create_app
from accord.keys.keystore import Keystore
from accord.people import crypto as crypto_module
from accord.people.crypto import current_crypto
from accord.settings import Settings


@pytest.fixture
def served_crypto(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lift the session's test crypto, which would otherwise stand in for every app's own."""
    monkeypatch.setattr(crypto_module, "_override", [])


def _settings(folder: Path, index_key: str) -> Settings:
    folder.mkdir()
    return Settings(
        environment="test",
        database_url=f"sqlite:///{folder / 'accord.db'}",
        keystore_url=f"sqlite:///{folder / 'keys.db'}",
        erasure_log_url=f"sqlite:///{folder / 'erasures.db'}",
        analytics_path=folder / "analytics.duckdb",
        index_key=index_key,  # type: ignore[arg-type]  # pydantic makes the SecretStr
        registers_dir=Path(__file__).resolve().parents[1] / "registers",
    )


def _app_with_probes(settings: Settings) -> FastAPI:
    app = create_app(settings)

    def store_key(subject: uuid.UUID) -> None:  # sync: runs in the thread pool
        crypto = current_crypto()
        crypto.keystore.put(subject, crypto.keyring.wrap(os.urandom(32), subject_id=subject))

    async def has_key(subject: uuid.UUID) -> bool:
        return current_crypto().keystore.get(subject) is not None

    async def index(value: str) -> str:
        return current_crypto().indexer.digest("name", value).hex()

    app.add_api_route("/probe/keys/{subject}", store_key, methods=["POST"])
    app.add_api_route("/probe/keys/{subject}", has_key, methods=["GET"])
    app.add_api_route("/probe/index/{value}", index, methods=["GET"])
    return app


@pytest.fixture
def two_apps(tmp_path: Path, served_crypto: None) -> Iterator[tuple[Settings, Settings]]:
    first, second = (
        _settings(tmp_path / "a", "first-app-index-key"),
        _settings(tmp_path / "b", "second-app-index-key"),
    )
    yield first, second
    for settings in (first, second):
        Keystore(settings.keystore_url).dispose()


def test_two_apps_in_one_process_each_use_their_own_keystore(
    two_apps: tuple[Settings, Settings],
) -> None:
    first, second = two_apps
    subject = uuid.uuid4()
    with (
        TestClient(_app_with_probes(first)) as a,
        TestClient(_app_with_probes(second)) as b,
    ):
        assert a.post(f"/probe/keys/{subject}").status_code == 200
        assert a.get(f"/probe/keys/{subject}").json() is True
        assert b.get(f"/probe/keys/{subject}").json() is False
        a_index = a.get("/probe/index/jane").json()
        b_index = b.get("/probe/index/jane").json()
    own, other = Keystore(first.keystore_url), Keystore(second.keystore_url)
    try:
        assert own.get(subject) is not None
        assert other.get(subject) is None
    finally:
        own.dispose()
        other.dispose()
    assert a_index != b_index


def test_outside_a_request_the_global_settings_crypto_is_current(
    two_apps: tuple[Settings, Settings],
) -> None:
    app = create_app(two_apps[0])
    assert current_crypto() is not app.state.crypto
