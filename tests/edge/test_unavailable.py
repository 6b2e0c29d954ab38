"""With the database or keystore unreachable: 503 with Retry-After, never a 500; /readyz says
which is down while /healthz (liveness) still answers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from accord.accounts import sessions
from accord.app import create_app
from accord.keys.keyring import LocalKeyring
from accord.keys.keystore import Keystore
from accord.people.crypto import Crypto, current_crypto, use_crypto
from accord.settings import Settings

# Nothing listens on port 1: connecting is refused at once.
NOBODY = "postgresql+psycopg://accord@127.0.0.1:1/accord"


@pytest.fixture
def down(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"database_url": NOBODY}))
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def test_an_api_call_answers_503_with_retry_after(down: TestClient) -> None:
    response = down.get("/api/cases", headers={"Authorization": "Bearer accord_some-token"})
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert "database" in response.json()["detail"]


def test_a_signed_in_page_answers_503_as_a_page(down: TestClient, settings: Settings) -> None:
    cookie = sessions._serializer(settings).dumps(str(uuid.uuid4()))
    down.cookies.set(sessions.SESSION_COOKIE, cookie)
    response = down.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert "text/html" in response.headers["content-type"]
    assert "cannot reach its database" in response.text


def test_liveness_answers_while_readiness_names_the_database(down: TestClient) -> None:
    assert down.get("/healthz").json() == {"status": "ok"}
    response = down.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    body = response.json()
    assert body["database"] == "unavailable"
    assert body["keystore"] == "ok"
    assert "database" in body["status"]


def test_readiness_names_the_keystore_when_it_is_down(client: TestClient) -> None:
    assert client.get("/readyz").json()["status"] == "ok"
    unreachable = Crypto(
        keyring=LocalKeyring(b"accord-test-master-key-32-bytes!"),
        keystore=Keystore(NOBODY),
        indexer=current_crypto().indexer,
    )
    with use_crypto(unreachable):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["keystore"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_a_sqlite_file_that_cannot_be_opened_is_503_too(settings: Settings, tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'no-such-folder' / 'accord.db'}"
    app = create_app(settings.model_copy(update={"database_url": missing}))
    with TestClient(app) as client:
        response = client.get("/api/cases", headers={"Authorization": "Bearer accord_t"})
    assert response.status_code == 503
