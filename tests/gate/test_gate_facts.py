"""The facts the domains give the gate: found in each domain's facts module, and the gate
failing closed on consent when no domain gives it."""

from __future__ import annotations

import uuid

import pytest
from gate_fixtures import ORG_A, actor
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.cases import facts as casework
from accord.consent import facts as consent
from accord.consent.ledger import record_consent
from accord.gate import facts
from accord.gate.service import authorize
from accord.gate.types import AccessDenied, Action, Actor, ReasonCode, Target
from accord.panels import facts as panels
from accord.people.models import Subject

pytestmark = pytest.mark.usefixtures("registry")


def test_the_domains_holding_facts_give_them_to_the_gate() -> None:
    found = facts.providers()
    assert found.consent is consent.CONSENT
    # casework first, then community safety: the order a person's records are weighed in
    assert found.subject_targets == [casework.SUBJECT_TARGETS, panels.SUBJECT_TARGETS]
    assert found.records == [casework.RECORDS, panels.RECORDS]


def _consented_subject(session: Session) -> uuid.UUID:
    subject = Subject(register="t", organisation=ORG_A)
    session.add(subject)
    session.flush()
    recorder = Actor(
        uuid.uuid4(), "user", ORG_A, frozenset({"caseworker"}), frozenset({"consent:record:create"})
    )
    record_consent(
        session,
        actor=recorder,
        subject_id=subject.id,
        register="t",
        controller=ORG_A,
        purpose="referral-on",
        state="given",
        channel="phone",
        notice_digest="d" * 64,
    )
    return subject.id


def _case(subject: uuid.UUID, worker: Actor) -> Target:
    return Target(
        "t", "case", ORG_A, record_id=uuid.uuid4(), subject_ids=(subject,), assigned_user=worker.id
    )


def _consented_count(session: Session) -> int:
    given = facts.consent_given(
        subject_id=Subject.id, controller=Subject.organisation, purpose="referral-on"
    )
    return session.scalar(select(func.count()).select_from(Subject).where(given)) or 0


def test_consent_given_in_the_ledger_reaches_the_gate_and_its_listings(session: Session) -> None:
    subject = _consented_subject(session)
    worker = actor()
    target = _case(subject, worker)
    assert authorize(
        session, actor=worker, purpose="referral-on", action=Action.READ, target=target
    ).allowed
    assert _consented_count(session) == 1


def test_without_a_consent_provider_the_gate_fails_closed(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject = _consented_subject(session)
    monkeypatch.setattr(facts.providers(), "consent", None)
    worker = actor()
    target = _case(subject, worker)
    with pytest.raises(AccessDenied) as refused:
        authorize(session, actor=worker, purpose="referral-on", action=Action.READ, target=target)
    assert refused.value.decision.reason == ReasonCode.NO_CONSENT
    assert _consented_count(session) == 0
