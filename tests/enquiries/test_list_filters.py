"""The enquiry list's filters take only their values: an unknown one is a 422 naming the query
parameter and the values it takes."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.accounts.deps import current_actor
from factories.actors import actor


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("status", ["open", "closed"]),
        ("channel", ["phone", "email", "live-chat", "web"]),
        ("register", ["lvws"]),
    ],
)
def test_enquiry_list_refuses_unknown_filter_values(
    app: FastAPI, client: TestClient, name: str, allowed: list[str]
) -> None:
    app.dependency_overrides[current_actor] = lambda: actor(
        "lvws", "team-manager", "victim-support", teams=("enquiries",)
    )
    response = client.get("/api/enquiries", params={name: "bogus"})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["query", name]
    assert all(a in detail["msg"] for a in allowed), detail["msg"]
    assert client.get("/api/enquiries", params={name: allowed[0]}).status_code == 200
