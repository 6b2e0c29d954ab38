"""Request bodies over the configured size are refused with 413 before they are read in."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.app import create_app
from accord.deps import get_session
from accord.settings import Settings

from .conftest import BROAD

LIMIT = 2_000


@pytest.fixture
def small(session: Session, settings: Settings) -> Iterator[TestClient]:
    app: FastAPI = create_app(
        settings.model_copy(
            update={"max_request_bytes": LIMIT, "feeds_max_upload_bytes": LIMIT * 4}
        )
    )
    app.dependency_overrides[get_session] = lambda: session
    app.dependency_overrides[current_actor] = lambda: BROAD
    with TestClient(app) as client:
        yield client


def test_a_declared_body_over_the_limit_is_413(small: TestClient) -> None:
    response = small.post(
        "/api/enquiries",
        json={"register": "lvws", "channel": "phone", "name": "A", "message": "x" * LIMIT},
    )
    assert response.status_code == 413
    assert f"{LIMIT:,} bytes" in response.json()["detail"]


def test_a_streamed_body_is_cut_off_at_the_limit(small: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"register": "lvws", "message": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}'

    response = small.post(
        "/api/enquiries", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


def test_a_public_form_over_the_limit_is_413(small: TestClient) -> None:
    response = small.post("/contact-us", data={"name": "A", "message": "x" * LIMIT})
    assert response.status_code == 413


def test_partner_deliveries_have_their_own_larger_limit(small: TestClient) -> None:
    body = b"id\n" + b"1\n" * (LIMIT // 2)  # over the form limit, under the upload limit
    response = small.post(
        "/api/feeds/police/people/deliveries",
        files={"file": ("people.csv", io.BytesIO(body), "text/csv")},
    )
    assert response.status_code != 413
    too_big = b"id\n" + b"1\n" * (LIMIT * 2)
    response = small.post(
        "/api/feeds/police/people/deliveries",
        files={"file": ("people.csv", io.BytesIO(too_big), "text/csv")},
    )
    assert response.status_code == 413
