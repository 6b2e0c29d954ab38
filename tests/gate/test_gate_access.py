"""Access outside a caseload: reason required, time-limited, audited, reviewed by the DPO."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from gate_fixtures import ORG_A, ORG_B, actor
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.gate import access, audit, targets
from accord.gate.models import AccessGrant, AuditEntry
from accord.gate.service import authorize
from accord.gate.types import AccessDenied, Action, Actor, ReasonCode, Target
from accord.people.models import Subject

pytestmark = pytest.mark.usefixtures("registry")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _target(session: Session, owner: str = ORG_A, assigned: uuid.UUID | None = None) -> Target:
    subject = Subject(register="t", organisation=owner)
    session.add(subject)
    session.flush()
    return Target(
        register="t",
        record_type="case",
        owner_organisation=owner,
        record_id=uuid.uuid4(),
        subject_ids=(subject.id,),
        assigned_user=assigned or uuid.uuid4(),
    )


def _read(session: Session, who: Actor, target: Target) -> ReasonCode:
    try:
        return authorize(
            session, actor=who, purpose="support", action=Action.READ, target=target
        ).reason
    except AccessDenied as exc:
        return exc.decision.reason


def test_without_a_reason_access_is_refused_and_audited(session: Session) -> None:
    worker = actor()
    target = _target(session)
    for reason in (None, "", "   ", "checking"):
        with pytest.raises(AccessDenied) as caught:
            access.request_access(
                session, actor=worker, purpose="support", target=target, reason=reason
            )
        assert caught.value.decision.reason == ReasonCode.OUTSIDE_CASELOAD
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert (entry.action, entry.outcome, entry.reason) == ("grant", "refused", "outside-caseload")
    assert session.scalars(select(AccessGrant)).all() == []


def test_with_a_reason_access_is_granted_for_three_hours_then_stops(session: Session) -> None:
    worker = actor()
    target = _target(session)
    with time_machine.travel(START, tick=False):
        assert _read(session, worker, target) == ReasonCode.OUTSIDE_CASELOAD
        grant = access.request_access(
            session,
            actor=worker,
            purpose="support",
            target=target,
            reason="Covering for a colleague on leave: victim called the helpline",
        )
        assert grant.expires_at == START + timedelta(hours=3)
        assert _read(session, worker, target) == ReasonCode.ALLOWED_OUTSIDE_CASELOAD
    with time_machine.travel(START + timedelta(hours=2, minutes=59), tick=False):
        assert _read(session, worker, target) == ReasonCode.ALLOWED_OUTSIDE_CASELOAD
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        assert _read(session, worker, target) == ReasonCode.OUTSIDE_CASELOAD
    # another worker gains nothing from this grant
    assert _read(session, actor(), target) == ReasonCode.OUTSIDE_CASELOAD
    # the grant and each access under it are in the trail, without the stated reason's text
    trail = audit.history(session, subject_id=target.subject_ids[0])
    assert [(i.action, i.reason) for i in trail] == [
        ("read", "outside-caseload"),
        ("grant", "allowed-outside-caseload"),
        ("read", "allowed-outside-caseload"),
        ("read", "allowed-outside-caseload"),
        ("read", "outside-caseload"),
        ("read", "outside-caseload"),
    ]
    assert trail[1].stated_reason is not None
    assert "colleague" not in str(session.scalars(select(AuditEntry.categories)).all())
    assert audit.verify(session).ok


def test_grant_duration_is_configurable(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_ACCESS_GRANT_HOURS", "1.5")
    with time_machine.travel(START, tick=False):
        grant = access.request_access(
            session,
            actor=actor(),
            purpose="support",
            target=_target(session),
            reason="Duty worker answering an urgent call",
        )
        assert grant.expires_at == START + timedelta(hours=1.5)
        shorter = access.request_access(
            session,
            actor=actor(),
            purpose="support",
            target=_target(session),
            reason="Duty worker answering an urgent call",
            hours=0.5,
        )
        assert shorter.expires_at == START + timedelta(minutes=30)
    with pytest.raises(access.AccessError, match="hours"):
        access.request_access(
            session,
            actor=actor(),
            purpose="support",
            target=_target(session),
            reason="x" * 20,
            hours=48,
        )


def test_a_grant_does_not_cross_organisations_or_restrictions(session: Session) -> None:
    worker = actor()
    with pytest.raises(AccessDenied) as caught:
        access.request_access(
            session,
            actor=worker,
            purpose="support",
            target=_target(session, ORG_B),
            reason="x" * 20,
        )
    assert caught.value.decision.reason == ReasonCode.NOT_SHARED_WITH_ORGANISATION
    in_caseload = _target(session, assigned=worker.id)
    with pytest.raises(access.AlreadyInCaseloadError):
        access.request_access(
            session, actor=worker, purpose="support", target=in_caseload, reason="x" * 20
        )


def test_dpo_reviews_the_queue(session: Session) -> None:
    worker, dpo = actor(), actor("dpo")
    target = _target(session)
    grant = access.request_access(
        session,
        actor=worker,
        purpose="support",
        target=target,
        reason="Safeguarding call out of hours",
    )
    assert [g.id for g in access.list_reviews(session, actor=dpo)] == [grant.id]
    with pytest.raises(AccessDenied):
        access.list_reviews(session, actor=worker)
    with pytest.raises(access.AccessError, match="note"):
        access.decide_review(session, actor=dpo, grant_id=grant.id, outcome="inappropriate")
    decided = access.decide_review(
        session, actor=dpo, grant_id=grant.id, outcome="inappropriate", note="Not their case"
    )
    assert decided.review_state == "inappropriate"
    assert decided.reviewed_by == dpo.id
    assert access.list_reviews(session, actor=dpo) == []
    # an inappropriate access ends the grant at once
    assert _read(session, worker, target) == ReasonCode.OUTSIDE_CASELOAD
    with pytest.raises(access.AlreadyReviewedError, match="already"):
        access.decide_review(session, actor=dpo, grant_id=grant.id, outcome="appropriate")
    other_dpo = actor("dpo", organisation=ORG_B)
    assert access.list_reviews(session, actor=other_dpo, state=None) == []


# --- the routes ----------------------------------------------------------------------------


@pytest.fixture
def resolver(session: Session) -> Iterator[dict[uuid.UUID, Target]]:
    known: dict[uuid.UUID, Target] = {}

    def resolve(_: Session, *, register: str, record_id: uuid.UUID) -> Target | None:
        return known.get(record_id)

    targets.add_resolver(["case"], resolve)
    yield known
    targets.remove_resolver(["case"])


def test_routes_request_review_and_decide(
    app: FastAPI, client: TestClient, session: Session, resolver: dict[uuid.UUID, Target]
) -> None:
    worker, dpo = actor(), actor("dpo")
    target = _target(session)
    assert target.record_id is not None
    resolver[target.record_id] = target
    body = {
        "register": "t",
        "record_type": "case",
        "record_id": str(target.record_id),
        "purpose": "support",
    }

    app.dependency_overrides[current_actor] = lambda: worker
    refused = client.post("/api/access/grants", json=body)
    assert refused.status_code == 403
    assert refused.json()["detail"]["reason"] == "outside-caseload"
    made = client.post(
        "/api/access/grants", json={**body, "reason": "Helpline call, caseworker away"}
    )
    assert made.status_code == 201, made.text
    assert client.get("/api/access/reviews").status_code == 403
    missing = client.post(
        "/api/access/grants", json={**body, "record_id": str(uuid.uuid4()), "reason": "x" * 20}
    )
    assert missing.status_code == 404

    app.dependency_overrides[current_actor] = lambda: dpo
    queue = client.get("/api/access/reviews").json()
    assert [g["id"] for g in queue] == [made.json()["id"]]
    decided = client.post(
        f"/api/access/reviews/{made.json()['id']}/decision", json={"outcome": "appropriate"}
    )
    assert decided.status_code == 200
    assert decided.json()["review_state"] == "appropriate"
    again = client.post(
        f"/api/access/reviews/{made.json()['id']}/decision", json={"outcome": "inappropriate"}
    )
    assert again.status_code == 409
    assert again.json()["detail"]["field"] == "grant_id"
    assert client.get("/api/access/reviews").json() == []
    history = client.get(f"/api/subjects/{target.subject_ids[0]}/history").json()
    assert [h["action"] for h in history] == ["grant", "grant"]
    assert history[1]["stated_reason"] == "Helpline call, caseworker away"

    app.dependency_overrides[current_actor] = lambda: worker
    assert client.get(f"/api/subjects/{target.subject_ids[0]}/history").status_code == 403
