"""A meeting's agenda shows each reader only the cases they may read (audited), and counts
the others without identifying them; meeting dates a panel could not sit on are refused."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.gate.types import Actor
from accord.panels.meetings import list_case
from accord.panels.models import SafetyCase
from accord.register.schema import Register
from factories.actors import actor
from factories.audit import allowed_reads
from factories.panels import meeting as sitting
from factories.panels import panel_case, shared_action


def _marac(session: Session, coordinator: Actor, name: str) -> uuid.UUID:
    return panel_case(session, coordinator, parties=[("victim", {"name": name})]).id


def test_a_partner_sees_only_the_cases_shared_with_it(
    app: FastAPI,
    client: TestClient,
    session: Session,
    hounslow: Register,
    coordinator: Actor,
    police_partner: Actor,
) -> None:
    shared = _marac(session, coordinator, "Asha Shared")
    unshared = _marac(session, coordinator, "Bea Unshared")
    meeting = sitting(session, coordinator)
    for case_id in (shared, unshared):
        list_case(session, actor=coordinator, meeting_id=meeting.id, case_id=case_id)
    # An action owned by the police shares the first case with them.
    shared_action(session, coordinator, session.get_one(SafetyCase, shared))
    session.commit()
    shared_subject = session.get_one(SafetyCase, shared).subject_id
    unshared_case = session.get_one(SafetyCase, unshared)

    police_token = actor(hounslow, "partner-agency", "metropolitan-police", kind="token")
    fire = actor(hounslow, "partner-agency", "london-fire-brigade", teams=("marac",))
    app.dependency_overrides[current_actor] = lambda: police_partner
    answer = client.get(f"/api/panels/meetings/{meeting.id}")
    assert answer.status_code == 200, answer.text
    assert [i["case_id"] for i in answer.json()["items"]] == [str(shared)]
    assert answer.json()["others"] == 1
    assert len(allowed_reads(session, police_partner, shared_subject)) == 1
    # A police token (no teams, so no team caseload) never sees the unshared case either.
    for partner in (police_partner, police_token):
        app.dependency_overrides[current_actor] = lambda partner=partner: partner
        answer = client.get(f"/api/panels/meetings/{meeting.id}")
        assert str(unshared) not in answer.text
        assert unshared_case.reference not in answer.text
        assert len(allowed_reads(session, partner, unshared_case.subject_id)) == 0

    app.dependency_overrides[current_actor] = lambda: fire
    answer = client.get(f"/api/panels/meetings/{meeting.id}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["items"] == []
    assert answer.json()["others"] == 2

    app.dependency_overrides[current_actor] = lambda: coordinator
    full = client.get(f"/api/panels/meetings/{meeting.id}").json()
    assert [i["case_id"] for i in full["items"]] == [str(shared), str(unshared)]
    assert full["others"] == 0


@pytest.mark.parametrize(
    "held_on",
    [
        date(9999, 12, 31),
        date.today() + timedelta(days=2 * 366 + 1),
        date(1999, 12, 31),
        date(1, 1, 1),
    ],
)
def test_implausible_meeting_dates_are_refused(
    app: FastAPI,
    client: TestClient,
    session: Session,
    hounslow: Register,
    coordinator: Actor,
    held_on: date,
) -> None:
    app.dependency_overrides[current_actor] = lambda: coordinator
    refused = client.post(
        "/api/panels/meetings",
        json={
            "register": "hounslow",
            "panel": "marac",
            "held_on": held_on.isoformat(),
            "chair": "DI Chair",
        },
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"][0]["loc"] == ["body", "held_on"]
    listed = client.get("/api/panels/meetings", params={"panel": "marac"})
    assert listed.json()["total"] == 0


@pytest.mark.parametrize("days", [-365 * 20, 0, 365 * 2 - 1])
def test_plausible_meeting_dates_are_accepted(
    app: FastAPI,
    client: TestClient,
    session: Session,
    hounslow: Register,
    coordinator: Actor,
    days: int,
) -> None:
    app.dependency_overrides[current_actor] = lambda: coordinator
    held_on = date.today() + timedelta(days=days)
    made = client.post(
        "/api/panels/meetings",
        json={
            "register": "hounslow",
            "panel": "marac",
            "held_on": held_on.isoformat(),
            "chair": "DI Chair",
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["held_on"] == held_on.isoformat()


def test_the_agenda_says_where_the_meeting_is(
    app: FastAPI, client: TestClient, session: Session, hounslow: Register, coordinator: Actor
) -> None:
    app.dependency_overrides[current_actor] = lambda: coordinator
    made = client.post(
        "/api/panels/meetings",
        json={
            "register": "hounslow",
            "panel": "marac",
            "held_on": date.today().isoformat(),
            "chair": "DI Chair",
            "location": "Hounslow House, room 4",
        },
    )
    assert made.status_code == 201, made.text
    agenda = client.get(f"/api/panels/meetings/{made.json()['id']}").json()
    assert agenda["location"] == "Hounslow House, room 4"
