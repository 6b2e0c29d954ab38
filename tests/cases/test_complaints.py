"""Complaints: kept 6 years after the last contact, which moves with each contact."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.cases import complaints
from accord.cases.errors import InvalidInput
from accord.cases.schemas import ComplaintIn, ComplaintUpdateIn
from cases.lvws import make_actor


def test_complaint_clock_moves_with_contact_and_closure_needs_an_outcome(session: Session) -> None:
    manager = make_actor("victim-support", "team-manager", teams=("complaints",))
    with time_machine.travel(datetime(2026, 4, 1, 10, tzinfo=UTC), tick=False):
        made = complaints.create_complaint(
            session,
            actor=manager,
            data=ComplaintIn(
                register_id="lvws",
                channel="phone",
                name="Dee Walker",
                phone="07700 900222",
                details="Nobody called me back.",
            ),
        )
    assert made.retention_due == datetime(2032, 4, 1, 10, tzinfo=UTC)
    assert made.content is None  # creating answers with no personal data
    with time_machine.travel(datetime(2026, 5, 1, 10, tzinfo=UTC), tick=False):
        with pytest.raises(InvalidInput) as caught:
            complaints.update_complaint(
                session, actor=manager, complaint_id=made.id, data=ComplaintUpdateIn(kind="closure")
            )
        assert caught.value.field == "outcome"
        closed = complaints.update_complaint(
            session,
            actor=manager,
            complaint_id=made.id,
            data=ComplaintUpdateIn(kind="closure", outcome="upheld", note="apologised"),
        )
    assert closed.status == "closed"
    assert closed.retention_due == datetime(2032, 5, 1, 10, tzinfo=UTC)
    assert closed.content is not None
    assert closed.content["details"] == "Nobody called me back."


def test_complaints_api_scopes_to_the_organisation(app: FastAPI, client: TestClient) -> None:
    app.dependency_overrides[current_actor] = lambda: make_actor(
        "victim-support", "team-manager", teams=("complaints",)
    )
    created = client.post(
        "/api/complaints",
        json={
            "register": "lvws",
            "channel": "email",
            "name": "Ray",
            "email": "ray@example.org",
            "details": "Late reply",
        },
    )
    assert created.status_code == 201, created.text
    complaint_id = created.json()["id"]
    assert created.json()["register"] == "lvws"
    assert client.get("/api/complaints").json()["total"] == 1
    assert client.get(f"/api/complaints/{complaint_id}").json()["content"]["name"] == "Ray"
    bad = client.post(
        "/api/complaints",
        json={"register": "lvws", "channel": "pigeon", "name": "Ray", "details": "x"},
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "channel"
    app.dependency_overrides[current_actor] = lambda: make_actor(
        "catch22", "team-manager", teams=("complaints",)
    )
    assert client.get(f"/api/complaints/{complaint_id}").status_code == 404
    assert client.get("/api/complaints").json()["total"] == 0
    app.dependency_overrides[current_actor] = lambda: make_actor("victim-support", "caseworker")
    refused = client.get("/api/complaints")
    assert refused.status_code == 403
    assert refused.json()["detail"]["reason"] == "no-permission"
