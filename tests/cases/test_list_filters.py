"""A list's enumerated filters take only their values: an unknown one is a 422 naming the
query parameter and the values it takes, never an empty page that looks like no records."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from cases.lvws import make_actor, refer


def _refused(client: TestClient, url: str, name: str, value: str) -> str:
    response = client.get(url, params={name: value})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["query", name]
    return str(detail["msg"])


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("status", "bogus", ["referred", "contacting", "engaged", "not-taken-up", "closed"]),
        ("service", "bogus", ["adult-da-support", "cyp-support", "restorative-justice"]),
        ("register", "bogus", ["lvws"]),
    ],
)
def test_case_list_refuses_unknown_filter_values(
    app: FastAPI, client: TestClient, session: Session, name: str, value: str, allowed: list[str]
) -> None:
    refer(session)
    session.commit()  # as the API would, so a refused request's rollback keeps it
    app.dependency_overrides[current_actor] = lambda: make_actor(
        "victim-support", "team-manager", teams=("intake",)
    )
    message = _refused(client, "/api/cases", name, value)
    assert all(a in message for a in allowed), message
    assert client.get("/api/cases", params={name: allowed[0]}).status_code == 200
    assert client.get("/api/cases", params={"status": "referred"}).json()["total"] == 1


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [("status", "bogus", ["open", "responded", "closed"]), ("register", "bogus", ["lvws"])],
)
def test_complaint_list_refuses_unknown_filter_values(
    app: FastAPI, client: TestClient, name: str, value: str, allowed: list[str]
) -> None:
    app.dependency_overrides[current_actor] = lambda: make_actor(
        "victim-support", "team-manager", teams=("complaints",)
    )
    made = client.post(
        "/api/complaints",
        json={"register": "lvws", "channel": "phone", "name": "Dee", "details": "No reply"},
    )
    assert made.status_code == 201, made.text
    message = _refused(client, "/api/complaints", name, value)
    assert all(a in message for a in allowed), message
    assert client.get("/api/complaints", params={"status": "open"}).json()["total"] == 1
