"""Cambridgeshire Victim and Witness Hub, end to end (shared/seeds/002).

A client refers themselves, is assessed and engages. A risk of harm arises: sharing without
consent is refused until a supervisor approves, and then only the approved fields go. The
client withdraws consent, and everything the hub holds about them is deleted at once, while
the audit trail keeps the facts (never the values) and still verifies.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.cases import entries, workflow
from accord.cases.models import Case, CaseEvent
from accord.cases.schemas import AssignmentIn, ContactIn, EventIn
from accord.consent.ledger import current_state, record_consent
from accord.consent.models import ConsentEvent
from accord.consent.withdrawal import withdraw
from accord.disclosures.models import DisclosureEntry, DisclosureRequest
from accord.disclosures.records import find_record
from accord.disclosures.requests import DisclosureNotApproved, decide, release, request_disclosure
from accord.disclosures.service import DisclosureError, disclosures_for_subject, log_disclosure
from accord.gate import audit
from accord.gate.types import AccessDenied, Actor
from accord.people.errors import SubjectShredded
from accord.people.models import Subject
from accord.people.service import find_subjects, unseal
from accord.referrals import intake
from accord.referrals.schemas import Person, ReferralConsent
from accord.register.load import digest, load_file
from accord.register.registry import Registry, use_registry
from accord.register.schema import Register

REGISTER = Path(__file__).resolve().parents[2] / "registers" / "cambs-hub.yaml"
RISK = "Client disclosed her ex-partner is outside the house tonight with a weapon."
NECESSITY = "Police need her name and address to attend now; health and history are not needed."


@pytest.fixture
def hub() -> Iterator[Register]:
    register = load_file(REGISTER)
    with use_registry(Registry({register.id: register})):
        yield register


def _actor(register: Register, role: str, teams: tuple[str, ...] = ()) -> Actor:
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation="cambs-hub",
        roles=frozenset({role}),
        permissions=frozenset(register.role(role).permissions),
        teams=frozenset(teams),
        name=role,
    )


def _count(session: Session, model: type, **where: object) -> int:
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return int(session.scalar(query) or 0)


def test_self_referral_to_withdrawal(session: Session, hub: Register) -> None:
    caseworker = _actor(hub, "caseworker")
    manager = _actor(hub, "team-manager", teams=("intake",))

    # 1. The client refers themselves online. (Casework intake derives an age and files the
    # person's own words as crime details, categories the hub's register does not hold, so
    # this referral gives neither.)
    accepted = intake.receive(
        session,
        actor=caseworker,
        intake=intake.Intake(
            register="cambs-hub",
            person=Person(
                given_name="Hannah",
                family_name="Walker",
                phone="07700 900321",
                email="hannah.walker@example.org",
                address="4 Mill Road, Cambridge",
            ),
            consent=ReferralConsent(
                given=True,
                captured_by="the person (self-referral form)",
                captured_at=datetime.now(UTC),
                channel="online",
            ),
            source="self-referral",
            receiving_organisation="cambs-hub",
        ),
    )
    subject_id = accepted.subject_id
    record_consent(
        session,
        actor=caseworker,
        subject_id=subject_id,
        register="cambs-hub",
        controller="cambs-hub",
        purpose="victim-support",
        state="given",
        channel="web-form",
        notice_digest=digest(hub),
    )

    # 2. A manager assigns it; the client engages on the first call and needs are assessed
    # (a referral holds no support needs until the person engages).
    workflow.assign(
        session,
        actor=manager,
        case_id=accepted.case_id,
        data=AssignmentIn(user_id=caseworker.id, team="intake"),
    )
    engaged = workflow.record_contact(
        session,
        actor=caseworker,
        case_id=accepted.case_id,
        data=ContactIn(outcome="engaged", channel="phone"),
    )
    entries.record_event(
        session,
        actor=caseworker,
        case_id=accepted.case_id,
        data=EventIn(kind="needs-assessment", details={"needs": ["emotional support"]}),
    )
    assert engaged.status == "engaged"
    assert engaged.record_type == "case"
    sealed_identity = engaged.identity

    # 3. A risk of harm: no disclosure without a named approver, and not by oneself.
    with pytest.raises(DisclosureError, match=r"^approved_by:"):
        log_disclosure(
            session,
            actor=caseworker,
            subject_id=subject_id,
            register="cambs-hub",
            recipient="emergency-services",
            fields=["name"],
            with_consent=False,
            basis="risk-of-harm",
            purpose="risk-of-harm-disclosure",
        )
    record = find_record(session, record_id=accepted.case_id)
    pending = request_disclosure(
        session,
        actor=caseworker,
        target=record.target,
        subject_id=subject_id,
        recipient="emergency-services",
        fields=["name", "contact-details"],
        risk=RISK,
        risk_level="high",
        necessity=NECESSITY,
    )
    with pytest.raises(DisclosureNotApproved):
        release(
            session,
            actor=caseworker,
            request_id=pending.id,
            target=record.target,
            values=record.values,
        )
    with pytest.raises((AccessDenied, DisclosureError)):
        decide(session, actor=caseworker, request_id=pending.id, approve=True)
    assert disclosures_for_subject(session, subject_id=subject_id) == []

    decide(session, actor=manager, request_id=pending.id, approve=True)
    sent = release(
        session,
        actor=caseworker,
        request_id=pending.id,
        target=record.target,
        values=record.values,
        method="phone",
    )
    assert set(sent.values) == {"name", "contact-details"}
    assert sent.values["name"] == {"given_name": "Hannah", "family_name": "Walker"}
    assert "date_of_birth" not in repr(sent.values)
    assert "description" not in repr(sent.values)
    logged = disclosures_for_subject(session, subject_id=subject_id)
    assert [(d.recipient, d.fields, d.approved_by, d.with_consent) for d in logged] == [
        ("emergency-services", ("name", "contact-details"), manager.id, False)
    ]

    # 4. The client withdraws consent: deleted immediately.
    assert current_state(session, subject_id=subject_id, purpose="victim-support") == "given"
    # Another caseworker, whose caseload it is not, cannot erase the client.
    with pytest.raises(AccessDenied, match="outside-caseload"):
        withdraw(
            session,
            actor=_actor(hub, "caseworker"),
            subject_id=subject_id,
            register="cambs-hub",
            controller="cambs-hub",
            purpose="victim-support",
            channel="phone",
            notice_digest=digest(hub),
        )
    assert current_state(session, subject_id=subject_id, purpose="victim-support") == "given"
    outcome = withdraw(
        session,
        actor=caseworker,
        subject_id=subject_id,
        register="cambs-hub",
        controller="cambs-hub",
        purpose="victim-support",
        channel="phone",
        notice_digest=digest(hub),
        record_type="case",
    )
    assert outcome.erased
    session.expire_all()
    assert session.get(Subject, subject_id) is None
    assert session.get(Case, accepted.case_id) is None
    for model in (CaseEvent, ConsentEvent, DisclosureEntry, DisclosureRequest):
        assert _count(session, model, subject_id=subject_id) == 0, model.__name__
    assert find_subjects(session, register="cambs-hub", kind="phone", value="07700900321") == []
    with pytest.raises(SubjectShredded):
        unseal(session, subject_id=subject_id, blob=sealed_identity)

    trail = audit.history(session, subject_id=subject_id)
    assert ("delete", "allowed") in [(e.action, e.outcome) for e in trail]
    assert ("disclose", "recorded") in [(e.action, e.outcome) for e in trail]
    assert "Hannah" not in repr(trail)
    assert "Mill Road" not in repr(trail)
    assert audit.verify(session).ok
