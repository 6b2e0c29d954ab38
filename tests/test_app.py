from __future__ import annotations

from fastapi.testclient import TestClient


def test_health_endpoint_answers(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_document_is_served(client: TestClient) -> None:
    assert client.get("/openapi.json").json()["info"]["title"] == "accord"
