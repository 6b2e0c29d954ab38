"""Every API route, given input it cannot use (ids of nothing, an empty body, an id that is not
one), answers in the documented error shapes: 422 a list of {loc, msg, type}; 403, 404, 409
and 410 {"detail": {"message", "reason"?, "field"?}}. A server error fails the test."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.web.errors import ERROR_RESPONSES

SHAPED = (403, 404, 409, 410)
BODY_METHODS = ("post", "put", "patch")


def _operations(app: FastAPI) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in app.openapi()["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in item.items():
            yield method, path, operation


def _fill(path: str, operation: dict[str, Any], *, malformed: bool) -> str:
    formats = {
        p["name"]: p.get("schema", {}).get("format")
        for p in operation.get("parameters", [])
        if p["in"] == "path"
    }

    def value(match: re.Match[str]) -> str:
        if formats.get(match.group(1)) == "uuid":
            return "not-an-id" if malformed else str(uuid.uuid4())
        return "nosuch"

    return re.sub(r"\{(\w+)\}", value, path)


def _assert_shape(method: str, url: str, status: int, body: Any) -> None:
    where = f"{method.upper()} {url} answered {status}: {body}"
    assert status < 500, where
    if status == 422:
        assert isinstance(body["detail"], list), where
        assert body["detail"], where
        for error in body["detail"]:
            assert isinstance(error["loc"], list), where
            assert error["loc"], where
            assert isinstance(error["msg"], str), where
            assert isinstance(error["type"], str), where
    elif status in SHAPED:
        detail = body["detail"]
        assert isinstance(detail, dict), where
        assert isinstance(detail["message"], str), where
        assert set(detail) <= {"message", "reason", "field"}, where


@pytest.mark.parametrize("malformed", [False, True], ids=["unknown-ids", "malformed-ids"])
def test_every_route_answers_bad_input_in_one_shape(
    app: FastAPI, api: TestClient, malformed: bool
) -> None:
    walked = 0
    for method, path, operation in _operations(app):
        if malformed and "{" not in path:
            continue
        url = _fill(path, operation, malformed=malformed)
        body = {"json": {}} if method in BODY_METHODS else {}
        response = api.request(method.upper(), url, **body)
        _assert_shape(method, url, response.status_code, response.json())
        walked += 1
    assert walked > 20  # the walk reached the API, not an empty schema


def test_the_schema_documents_the_shape_of_each_refusal() -> None:
    for status in SHAPED:
        example = ERROR_RESPONSES[status]["content"]["application/json"]["example"]
        assert set(example["detail"]) <= {"message", "reason", "field"}
