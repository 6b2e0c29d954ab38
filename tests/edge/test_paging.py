"""Paging parameters are bounded on every list route, so no offset reaches the database as an
integer it cannot hold."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.paging import MAX_LIMIT, MAX_OFFSET


def _paged_routes(app: FastAPI) -> list[str]:
    paths: dict[str, Any] = app.openapi()["paths"]
    return [
        path
        for path, operations in paths.items()
        if "get" in operations
        and "{" not in path
        and any(p["name"] == "offset" for p in operations["get"].get("parameters", []))
    ]


def test_every_list_route_refuses_an_offset_beyond_the_integer_range(
    app: FastAPI, api: TestClient
) -> None:
    routes = _paged_routes(app)
    assert len(routes) >= 5  # cases, complaints, enquiries, meetings, disclosures, ...
    for path in routes:
        response = api.get(path, params={"offset": 2**63})
        assert response.status_code == 422, (path, response.text)
        assert ["query", "offset"] in [e["loc"] for e in response.json()["detail"]], path


def test_the_largest_offset_allowed_answers_an_empty_page(api: TestClient) -> None:
    response = api.get("/api/cases", params={"offset": MAX_OFFSET, "register": "lvws"})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


def test_a_limit_above_the_page_size_is_refused_naming_it(api: TestClient) -> None:
    response = api.get("/api/enquiries", params={"limit": MAX_LIMIT + 1})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]
