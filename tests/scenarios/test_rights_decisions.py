"""The rights other than access, end to end through the API for the LVWS: a request logged
by the DPO, then a restriction that blocks a caseworker's edit until the person is told and
it is lifted; an erasure refused in part under the public-task exemption; Art 19 notices
after a rectification; an objection; portability; a human review of a priority list; a
complaint about the handling answered with the ICO's details; consent withdrawn through the
ledger. Each decision names its request, and the request is closed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.cases.access import case_target
from accord.cases.models import Case, Complaint
from accord.gate.service import authorize
from accord.gate.types import AccessDenied, Action, Actor, ReasonCode
from accord.register.registry import Registry
from accord.rights.decision_models import ErasureDecision, Rectification, Restriction
from factories.actors import actor
from factories.consent import consent_statement
from factories.registers import using
from rights.decision_people import Person, complaint_about, disclosed, referred

Act = Callable[[Actor], None]


@pytest.fixture(autouse=True)
def lvws() -> Iterator[Registry]:
    with using("lvws") as registry:
        yield registry


@pytest.fixture
def act(app: FastAPI) -> Iterator[Act]:
    def switch(who: Actor) -> None:
        app.dependency_overrides[current_actor] = lambda: who

    yield switch
    app.dependency_overrides.pop(current_actor, None)


@pytest.fixture
def dpo() -> Actor:
    return actor("lvws", "dpo", "victim-support")


def _request(client: TestClient, rights: list[str]) -> str:
    made = client.post(
        "/api/rights/requests",
        json={
            "register": "lvws",
            "channel": "letter",
            "rights": rights,
            "requester": {
                "given_name": "Amelia",
                "family_name": "Hughes",
                "email": "amelia.hughes@example.org",
            },
            "identity_verified": True,
        },
    )
    assert made.status_code == 201, made.text
    request_id: str = made.json()["id"]
    return request_id


def _close(client: TestClient, request_id: str) -> None:
    for kind in ("responded", "closed"):
        done = client.post(f"/api/rights/requests/{request_id}/events", json={"kind": kind})
        assert done.status_code == 201, done.text


def _contact(client: TestClient, person: Person) -> int:
    return client.post(
        f"/api/cases/{person.case_id}/contacts", json={"outcome": "engaged", "channel": "phone"}
    ).status_code


def test_a_restriction_blocks_the_caseworkers_edit_until_the_person_is_told_and_it_is_lifted(
    client: TestClient, session: Session, act: Act, dpo: Actor
) -> None:
    person = referred(session)
    act(dpo)
    request_id = _request(client, ["restriction"])
    placed = client.post(
        "/api/rights/restrictions",
        json={
            "subject_id": str(person.subject_id),
            "grounds": "accuracy-contested",
            "request_id": request_id,
        },
    )
    assert placed.status_code == 201, placed.text
    restriction_id = placed.json()["id"]

    act(person.worker)
    refused = client.post(
        f"/api/cases/{person.case_id}/contacts", json={"outcome": "engaged", "channel": "phone"}
    )
    assert refused.status_code == 403
    assert refused.json()["detail"]["reason"] == "restricted"
    assert client.get(f"/api/cases/{person.case_id}").status_code == 403

    act(dpo)
    early = client.post(f"/api/rights/restrictions/{restriction_id}/lift")
    assert early.status_code == 409
    assert early.json()["detail"]["field"] == "lift_notice"
    told = client.post(
        f"/api/rights/restrictions/{restriction_id}/lift-notice", json={"channel": "letter"}
    )
    assert told.status_code == 200
    lifted = client.post(f"/api/rights/restrictions/{restriction_id}/lift")
    assert lifted.status_code == 200
    assert lifted.json()["lifted_at"] is not None
    _close(client, request_id)

    act(person.worker)
    assert _contact(client, person) == 200
    row = session.get(Restriction, uuid.UUID(restriction_id))
    assert row is not None
    assert str(row.request_id) == request_id


def test_an_erasure_refused_in_part_under_the_public_task(
    client: TestClient, session: Session, act: Act, dpo: Actor
) -> None:
    person = referred(session)
    complaint_id = complaint_about(session, person)
    act(dpo)
    request_id = _request(client, ["erasure"])
    applicable = client.get(f"/api/rights/people/{person.subject_id}/applicable")
    assert applicable.status_code == 200
    by_record = {r["record_id"]: r for r in applicable.json()}
    assert "public-task" in by_record[str(person.case_id)]["erasure_exemptions"]
    assert by_record[str(complaint_id)]["erasure_exemptions"] == {}

    plan = client.get(f"/api/rights/people/{person.subject_id}/erasure-plan").json()
    assert {p["record_id"] for p in plan} == {str(person.case_id), str(complaint_id)}
    refused = client.post(
        "/api/rights/erasures",
        json={
            "subject_id": str(person.subject_id),
            "keep": [{"record_id": str(complaint_id), "exemption": "public-task", "reason": "x"}],
        },
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "keep", "0", "exemption"]
    assert session.get(Complaint, complaint_id) is not None

    done = client.post(
        "/api/rights/erasures",
        json={
            "subject_id": str(person.subject_id),
            "request_id": request_id,
            "keep": [
                {
                    "record_id": str(person.case_id),
                    "exemption": "public-task",
                    "reason": "Support under the Victims' Code is still being given.",
                }
            ],
        },
    )
    assert done.status_code == 201, done.text
    assert done.json()["outcome"] == "partial"
    assert done.json()["erased"] == [str(complaint_id)]
    assert done.json()["kept"] == [str(person.case_id)]
    _close(client, request_id)

    assert session.get(Complaint, complaint_id) is None
    assert session.get(Case, person.case_id) is not None
    act(person.worker)
    assert client.get(f"/api/cases/{person.case_id}").status_code == 200
    decision = session.scalar(
        select(ErasureDecision).where(ErasureDecision.subject_id == person.subject_id)
    )
    assert decision is not None
    assert str(decision.request_id) == request_id


def test_recipients_are_told_of_a_rectification(
    client: TestClient, session: Session, act: Act, dpo: Actor
) -> None:
    person = referred(session)
    disclosed(session, person, "catch22", ["name", "date-of-birth"])
    disclosed(session, person, "calm-mediation", ["crime-details"])
    act(dpo)
    request_id = _request(client, ["rectification"])
    corrected = client.post(
        "/api/rights/rectifications",
        json={
            "record_id": str(person.case_id),
            "corrections": {"date_of_birth": "1986-12-04"},
            "reason": "Day and month were swapped on the police referral.",
            "request_id": request_id,
        },
    )
    assert corrected.status_code == 201, corrected.text
    assert corrected.json()["notices"] == 1
    rectification_id = corrected.json()["id"]

    act(person.worker)
    shown = client.get(f"/api/cases/{person.case_id}").json()
    assert shown["person"]["date_of_birth"] == "1986-12-04"

    act(dpo)
    queue = client.get("/api/rights/notices", params={"register": "lvws", "state": "pending"})
    assert queue.json()["total"] == 1
    notices = client.get(
        "/api/rights/notices", params={"register": "lvws", "decision_id": rectification_id}
    ).json()["items"]
    assert [(n["recipient"], n["fields"], n["state"]) for n in notices] == [
        ("catch22", ["date-of-birth"], "pending")
    ]
    told = client.post(f"/api/rights/notices/{notices[0]['id']}", json={"state": "notified"})
    assert told.status_code == 200
    assert told.json()["state"] == "notified"
    history = client.get(f"/api/rights/records/{person.case_id}/rectifications").json()
    assert history[0]["old_values"] == {"date_of_birth": "1986-04-12"}
    _close(client, request_id)
    row = session.get(Rectification, uuid.UUID(rectification_id))
    assert row is not None
    assert str(row.request_id) == request_id


def test_objection_portability_review_and_a_complaint_about_the_handling(
    client: TestClient, session: Session, act: Act, dpo: Actor
) -> None:
    person = referred(session)
    act(dpo)
    request_id = _request(client, ["objection", "portability"])
    objected = client.post(
        "/api/rights/objections",
        json={
            "subject_id": str(person.subject_id),
            "purposes": ["victim-support"],
            "grounds": "I do not want any more calls.",
            "request_id": request_id,
        },
    )
    assert objected.status_code == 201, objected.text
    act(person.worker)
    assert _contact(client, person) == 403
    act(dpo)
    decided = client.post(
        f"/api/rights/objections/{objected.json()['id']}/decision",
        json={"outcome": "compelling-grounds", "reason": "A safeguarding concern remains open."},
    )
    assert decided.status_code == 200
    act(person.worker)
    assert _contact(client, person) == 200

    act(dpo)
    exported = client.post("/api/rights/portability", json={"subject_id": str(person.subject_id)})
    assert exported.status_code == 200
    assert exported.json()["records"] == []  # the police referred them: explained instead
    assert exported.json()["not_included"][0]["record_id"] == str(person.case_id)

    listed = client.post(
        "/api/rights/automated-reviews",
        json={
            "subject_id": str(person.subject_id),
            "kind": "priority-list",
            "view": "I was called last although my case is urgent.",
            "explanation": "The call list orders cases by the date of the last contact.",
        },
    )
    assert listed.status_code == 201, listed.text
    assert "a person always decides" in listed.json()["explanation"]
    reviewer = actor("lvws", "dpo", "victim-support")
    act(reviewer)
    reviewed = client.post(
        f"/api/rights/automated-reviews/{listed.json()['id']}/review",
        json={"outcome": "changed", "note": "Moved up: the risk was recorded as high."},
    )
    assert reviewed.status_code == 200
    assert reviewed.json()["outcome"] == "changed"

    complained = client.post(
        "/api/rights/handling-complaints",
        json={"subject_id": str(person.subject_id), "content": "Nobody replied for five weeks."},
    )
    assert complained.status_code == 201
    answered = client.post(
        f"/api/rights/handling-complaints/{complained.json()['id']}/answer",
        json={"answer": "We apologise; the reply was late."},
    )
    assert answered.status_code == 200
    assert "Information Commissioner" in answered.json()["ico"]
    _close(client, request_id)


def test_bad_input_gets_field_errors_and_an_erased_person_says_so(
    client: TestClient, session: Session, act: Act, dpo: Actor
) -> None:
    person = referred(session)
    act(dpo)
    bad = client.post(
        "/api/rights/restrictions", json={"subject_id": str(person.subject_id), "grounds": "x"}
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "grounds"
    unknown = client.post(
        "/api/rights/restrictions", json={"subject_id": "not-a-uuid", "grounds": "objection"}
    )
    assert unknown.status_code == 422
    asked_access = _request(client, ["access"])
    for request_id in (asked_access, str(uuid.uuid4())):
        unasked = client.post(
            "/api/rights/restrictions",
            json={
                "subject_id": str(person.subject_id),
                "grounds": "objection",
                "request_id": request_id,
            },
        )
        assert unasked.status_code == 422
        assert unasked.json()["detail"][0]["loc"] == ["body", "request_id"]
    closed = _request(client, ["restriction"])
    _close(client, closed)
    late = client.post(
        "/api/rights/restrictions",
        json={"subject_id": str(person.subject_id), "grounds": "objection", "request_id": closed},
    )
    assert late.status_code == 409
    assert (
        session.scalar(select(Restriction).where(Restriction.subject_id == person.subject_id))
        is None
    )
    gone = client.post("/api/rights/erasures", json={"subject_id": str(person.subject_id)})
    assert gone.status_code == 201
    again = client.post(
        "/api/rights/restrictions",
        json={"subject_id": str(person.subject_id), "grounds": "objection"},
    )
    assert again.status_code == 410
    assert set(again.json()["detail"]) == {"message"}
    act(person.worker)
    assert (
        client.post(
            "/api/rights/restrictions",
            json={"subject_id": str(uuid.uuid4()), "grounds": "objection"},
        ).status_code
        == 404
    )


def test_consent_withdrawn_through_the_ledger_stops_processing_under_it(
    client: TestClient, session: Session, act: Act, dpo: Actor
) -> None:
    person = referred(session)
    act(person.worker)
    assert _contact(client, person) == 200  # engaged: now a support case
    consent_statement(
        session,
        actor=person.worker,
        subject_id=person.subject_id,
        register="lvws",
        purpose="updates",
    )
    case = session.get(Case, person.case_id)
    assert case is not None
    target = case_target(case)
    authorize(session, actor=person.worker, purpose="updates", action=Action.READ, target=target)
    act(dpo)
    request_id = _request(client, ["withdraw-consent"])
    act(person.worker)
    withdrawn = client.post(
        "/api/consent",
        json={
            "subject_id": str(person.subject_id),
            "register": "lvws",
            "controller": "victim-support",
            "purpose": "updates",
            "state": "withdrawn",
            "channel": "phone",
        },
    )
    assert withdrawn.status_code == 201, withdrawn.text
    assert withdrawn.json()["effect"] == "stop_processing"
    with pytest.raises(AccessDenied) as stopped:
        authorize(
            session, actor=person.worker, purpose="updates", action=Action.READ, target=target
        )
    assert stopped.value.decision.reason is ReasonCode.NO_CONSENT
    # support under the public task goes on
    assert client.get(f"/api/cases/{person.case_id}").status_code == 200
    act(dpo)
    _close(client, request_id)
