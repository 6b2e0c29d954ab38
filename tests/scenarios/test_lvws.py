"""London Victim and Witness Service, end to end through the API, as the notice describes:

police refer victims who agree to it; Victim Support assesses and passes children to Catch22
(a caseworker decides, the system only proposes); a referral not taken up is kept 12 months;
a case that is used is kept 6 years from the last contact; no consent, no referral.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.accounts.tokens import create_token
from accord.cases.models import Case, CaseEvent, CaseShare
from accord.disclosures.models import DisclosureEntry
from accord.gate.types import Actor
from accord.people.models import Subject
from cases.lvws import dob_for_age, lvws_registry, make_actor, referral_body

__all__ = ["lvws_registry"]  # the autouse LVWS register fixture, imported for this module


@pytest.fixture
def police_headers(session: Session) -> dict[str, str]:
    issued = create_token(
        session,
        name="Met CRIS referrals",
        organisation="metropolitan-police",
        register="lvws",
        role="police-referrer",
    )
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def act(app: FastAPI) -> Iterator[object]:
    def switch(actor: Actor | None) -> None:
        if actor is None:
            app.dependency_overrides.pop(current_actor, None)
        else:
            app.dependency_overrides[current_actor] = lambda: actor

    yield switch
    app.dependency_overrides.pop(current_actor, None)


def _assign(client: TestClient, case_id: str, worker: Actor, manager: Actor, act: object) -> None:
    act(manager)  # type: ignore[operator]
    assert (
        client.put(f"/api/cases/{case_id}/assignment", json={"user_id": str(worker.id)}).status_code
        == 200
    )
    act(worker)  # type: ignore[operator]


def test_fifteen_year_old_is_proposed_for_catch22_and_a_caseworker_accepts(
    client: TestClient, session: Session, police_headers: dict[str, str], act: object
) -> None:
    response = client.post(
        "/api/referrals",
        json=referral_body(person__date_of_birth=dob_for_age(15), crime__crime_type="robbery"),
        headers=police_headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (
        body["organisation"] == "victim-support"
    )  # every police referral reaches the lead provider
    assert body["proposed_service"] == "cyp-support"
    case_id = body["case_id"]
    case = session.get(Case, uuid.UUID(case_id))
    assert case is not None
    assert case.service is None  # proposed only: nothing is routed until a person decides
    assert (
        session.scalar(
            select(func.count()).select_from(CaseShare).where(CaseShare.case_id == case.id)
        )
        == 0
    )

    vs_worker = make_actor("victim-support", "caseworker")
    _assign(
        client,
        case_id,
        vs_worker,
        make_actor("victim-support", "team-manager", teams=("intake",)),
        act,
    )
    accepted = client.post(f"/api/cases/{case_id}/routing", json={"service": "cyp-support"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["service"] == "cyp-support"
    assert session.get(CaseShare, (case.id, "catch22")) is not None
    disclosure = session.scalars(
        select(DisclosureEntry).where(DisclosureEntry.record_id == case.id)
    ).one()
    assert disclosure.recipient == "catch22"
    assert disclosure.from_organisation == "victim-support"

    catch22_manager = make_actor("catch22", "team-manager", teams=("intake",))
    act(catch22_manager)  # type: ignore[operator]
    queue = client.get("/api/cases", params={"service": "cyp-support"}).json()
    assert [c["id"] for c in queue["items"]] == [case_id]
    timeline = client.get(f"/api/cases/{case_id}/timeline").json()
    confirmed = [e for e in timeline if e["kind"] == "routing-confirmed"]
    assert confirmed[0]["outcome"] == "accepted"
    assert confirmed[0]["actor_id"] == str(vs_worker.id)
    # Calm Mediation was never sent it and cannot learn it exists.
    act(make_actor("calm-mediation", "team-manager", teams=("intake",)))  # type: ignore[operator]
    assert client.get(f"/api/cases/{case_id}").status_code == 404


def test_referral_not_taken_up_is_kept_twelve_months(
    client: TestClient, session: Session, police_headers: dict[str, str], act: object
) -> None:
    with time_machine.travel(datetime(2026, 1, 12, 9, tzinfo=UTC), tick=False):
        case_id = client.post(
            "/api/referrals", json=referral_body(), headers=police_headers
        ).json()["case_id"]
        worker = make_actor("victim-support", "caseworker")
        _assign(
            client,
            case_id,
            worker,
            make_actor("victim-support", "team-manager", teams=("intake",)),
            act,
        )
    for day in (13, 15, 19):
        with time_machine.travel(datetime(2026, 1, day, 10, tzinfo=UTC), tick=False):
            tried = client.post(
                f"/api/cases/{case_id}/contacts",
                json={"outcome": "not-reached", "channel": "phone"},
            )
            assert tried.json()["retention_due"] is None
    with time_machine.travel(datetime(2026, 1, 20, 16, tzinfo=UTC), tick=False):
        closed = client.post(
            f"/api/cases/{case_id}/not-taken-up", json={"reason": "unable-to-contact"}
        )
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "not-taken-up"
    assert closed.json()["record_type"] == "referral"
    assert datetime.fromisoformat(closed.json()["retention_due"]) == datetime(
        2027, 1, 20, 16, tzinfo=UTC
    )


def test_engaged_case_clock_moves_with_each_contact(
    client: TestClient, session: Session, police_headers: dict[str, str], act: object
) -> None:
    with time_machine.travel(datetime(2026, 2, 2, 9, tzinfo=UTC), tick=False):
        case_id = client.post(
            "/api/referrals", json=referral_body(), headers=police_headers
        ).json()["case_id"]
        worker = make_actor("victim-support", "caseworker")
        _assign(
            client,
            case_id,
            worker,
            make_actor("victim-support", "team-manager", teams=("intake",)),
            act,
        )
        client.post(f"/api/cases/{case_id}/routing", json={"service": "adult-da-support"})
    dues = []
    for moment in (
        datetime(2026, 2, 3, 11, tzinfo=UTC),
        datetime(2026, 4, 8, 14, tzinfo=UTC),
        datetime(2027, 1, 5, 10, tzinfo=UTC),
    ):
        with time_machine.travel(moment, tick=False):
            reply = client.post(
                f"/api/cases/{case_id}/contacts", json={"outcome": "engaged", "channel": "phone"}
            )
        assert reply.status_code == 200, reply.text
        assert reply.json()["record_type"] == "case"
        dues.append(datetime.fromisoformat(reply.json()["retention_due"]))
    assert dues == [
        datetime(2032, 2, 3, 11, tzinfo=UTC),
        datetime(2032, 4, 8, 14, tzinfo=UTC),
        datetime(2033, 1, 5, 10, tzinfo=UTC),
    ]


def test_referral_without_consent_is_refused_and_writes_nothing(
    client: TestClient, session: Session, police_headers: dict[str, str]
) -> None:
    tables = (Case, CaseEvent, Subject, DisclosureEntry)
    before = [session.scalar(select(func.count()).select_from(t)) for t in tables]
    refused = client.post(
        "/api/referrals", json=referral_body(consent__given=False), headers=police_headers
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-2:] == ["consent", "given"]
    assert "did not consent" in refused.json()["detail"][0]["msg"]
    missing = client.post(
        "/api/referrals", json=referral_body(consent=None), headers=police_headers
    )
    assert missing.status_code == 422
    assert [session.scalar(select(func.count()).select_from(t)) for t in tables] == before
