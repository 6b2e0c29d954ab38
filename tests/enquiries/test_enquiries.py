"""Enquiries: one record type per channel, each with its register retention rule."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.consent.ledger import ConsentState, current_state
from accord.enquiries import service
from accord.enquiries.models import Enquiry
from accord.enquiries.schemas import EnquiryIn
from factories.actors import actor


def test_each_channel_keeps_its_own_record_type_and_clock(session: Session) -> None:
    worker = actor("lvws", "caseworker", "victim-support")
    expected = {
        "phone": ("phone-enquiry", 42),
        "email": ("email-enquiry", 42),
        "live-chat": ("live-chat", 2191),
        "web": ("web-enquiry", 42),
    }
    with time_machine.travel(datetime(2026, 2, 2, 12, tzinfo=UTC), tick=False):
        for channel in expected:
            service.record_enquiry(
                session,
                actor=worker,
                data=EnquiryIn(
                    register_id="lvws",
                    channel=channel,
                    name="Lee",
                    email="lee@example.org",
                    message=f"by {channel}",
                ),  # type: ignore[arg-type]
            )
    rows = session.scalars(select(Enquiry).where(Enquiry.assigned_user == worker.id)).all()
    found = {r.channel: (r.record_type, (r.retention_due - r.received_at).days) for r in rows}  # type: ignore[operator]
    assert found == expected
    assert all(b"Lee" not in r.content for r in rows)


def test_opting_into_updates_is_recorded_as_consent(session: Session) -> None:
    worker = actor("lvws", "caseworker", "victim-support")
    made = service.record_enquiry(
        session,
        actor=worker,
        data=EnquiryIn(
            register_id="lvws",
            channel="phone",
            name="Lee",
            phone="07700 900333",
            message="keep me posted",
            wants_updates=True,
        ),
    )
    row = session.get(Enquiry, made.id)
    assert row is not None
    assert (
        current_state(session, subject_id=row.subject_id, purpose="updates") is ConsentState.GIVEN
    )


def test_enquiry_api_validates_and_lists(app: FastAPI, client: TestClient) -> None:
    worker = actor("lvws", "caseworker", "victim-support")
    app.dependency_overrides[current_actor] = lambda: worker
    missing = client.post(
        "/api/enquiries",
        json={"register": "lvws", "channel": "email", "name": "Lee", "message": "hello"},
    )
    assert missing.status_code == 422
    assert "reply" in missing.json()["detail"][0]["msg"]
    made = client.post(
        "/api/enquiries",
        json={
            "register": "lvws",
            "channel": "live-chat",
            "name": "Lee",
            "message": "chat transcript",
        },
    )
    assert made.status_code == 201, made.text
    one = client.get(f"/api/enquiries/{made.json()['id']}").json()
    assert one["content"]["message"] == "chat transcript"
    listed = client.get("/api/enquiries", params={"channel": "live-chat"}).json()
    assert listed["total"] == 1
    assert client.post(f"/api/enquiries/{made.json()['id']}/closure").json()["status"] == "closed"
    app.dependency_overrides[current_actor] = lambda: actor("lvws", "caseworker", "catch22")
    assert client.get(f"/api/enquiries/{made.json()['id']}").status_code == 404


def test_an_enquiry_without_a_register_is_refused_naming_it(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    app.dependency_overrides[current_actor] = lambda: actor("lvws", "caseworker", "victim-support")
    body = {"channel": "live-chat", "name": "Lee", "message": "chat transcript"}
    refused = client.post("/api/enquiries", json=body)
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["detail"]] == [["body", "register"]]
    assert session.scalars(select(Enquiry)).all() == []
