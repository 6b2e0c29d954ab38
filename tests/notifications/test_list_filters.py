"""Hounslow's lists take only known filter values: an unknown `status` on the panel case list,
or an unknown `register` on the notifications queue, is a 422 naming the query parameter and
the values it takes."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.accounts.deps import current_actor
from accord.gate.types import Actor


def _refused(client: TestClient, url: str, params: dict[str, str], name: str) -> str:
    response = client.get(url, params=params)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["query", name]
    return str(detail["msg"])


def test_panel_case_list_refuses_an_unknown_status(
    app: FastAPI, client: TestClient, coordinator: Actor
) -> None:
    app.dependency_overrides[current_actor] = lambda: coordinator
    message = _refused(
        client, "/api/panels/cases", {"service": "marac", "status": "bogus"}, "status"
    )
    assert "open" in message
    assert "closed" in message
    known = client.get("/api/panels/cases", params={"service": "marac", "status": "open"})
    assert known.status_code == 200, known.text


def test_notification_queue_refuses_an_unknown_register(
    app: FastAPI, client: TestClient, coordinator: Actor
) -> None:
    app.dependency_overrides[current_actor] = lambda: coordinator
    message = _refused(client, "/api/notifications/pending", {"register": "bogus"}, "register")
    assert "hounslow" in message
    assert client.get("/api/notifications/pending").status_code == 200
