"""Input no route can use is refused at the edge with 422 naming the field, and writes nothing."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.enquiries.models import Enquiry

ENQUIRY = {
    "register": "lvws",
    "channel": "phone",
    "name": "Alex Caller",
    "message": "Please call me back.",
}


def _enquiries(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Enquiry)) or 0


def test_a_nul_byte_in_a_json_field_is_refused_naming_it(api: TestClient, session: Session) -> None:
    before = _enquiries(session)
    response = api.post("/api/enquiries", json={**ENQUIRY, "name": "Alex\x00Caller"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]
    assert "NUL" in response.json()["detail"][0]["msg"]
    assert _enquiries(session) == before


def test_a_nul_byte_deep_in_a_json_body_is_located(api: TestClient) -> None:
    response = api.post(
        "/api/enquiries", json={**ENQUIRY, "extra": [{"note": "fine"}, {"note": "x\x00"}]}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "extra", 1, "note"]


def test_a_nul_byte_in_a_query_string_is_refused_naming_it(api: TestClient) -> None:
    response = api.get("/api/cases", params={"register": "lv\x00ws"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "register"]


def test_a_nul_byte_in_a_public_form_is_refused_naming_it(
    client: TestClient, session: Session
) -> None:
    before = _enquiries(session)
    response = client.post(
        "/contact-us", data={"name": "Alex", "message": "help\x00", "csrf_token": "x"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "message"]
    assert _enquiries(session) == before


def test_an_upload_whose_name_no_file_system_takes_is_refused(api: TestClient) -> None:
    name = "d" * 300 + ".csv"
    response = api.post(
        "/api/feeds/police/people/deliveries",
        files={"file": (name, io.BytesIO(b"id\n1\n"), "text/csv")},
    )
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "file"]
    assert "255 bytes" in detail["msg"]


def test_a_route_refusing_a_value_in_words_answers_the_documented_422_shape(
    api: TestClient,
) -> None:
    response = api.get("/api/access/reviews", params={"state": ""})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "state"]
    assert "pending" in error["msg"]  # the route's own words are kept
