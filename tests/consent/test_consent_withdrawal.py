"""Withdrawing consent applies the register's effect for the purpose."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.consent.extract import ExtractRow, evaluation_extract, excluded_subjects
from accord.consent.ledger import ConsentError, ConsentState, current_state, record_consent
from accord.consent.models import ConsentEvent
from accord.consent.optout import add_opt_out, may_contact
from accord.consent.withdrawal import withdraw
from accord.disclosures.service import disclosures_for_subject
from accord.gate import audit
from accord.gate.service import authorize
from accord.gate.types import AccessDenied, Action, Actor, ReasonCode, Target
from accord.people.errors import SubjectShredded
from accord.people.models import Subject
from accord.people.service import create_subject, seal, unseal
from accord.register.load import digest
from accord.register.schema import Register
from accord.register.schema import WithdrawalEffect as E
from accord.store.base import utcnow


def _give(
    session: Session, actor: Actor, register: Register, subject_id: uuid.UUID, purpose: str, **kw
):  # type: ignore[no-untyped-def]
    return record_consent(
        session,
        actor=actor,
        subject_id=subject_id,
        register=register.id,
        controller="hub",
        purpose=purpose,
        state=kw.pop("state", "given"),
        channel="in-person",
        notice_digest=digest(register),
        **kw,
    )


def _withdraw(
    session: Session, actor: Actor, register: Register, subject_id: uuid.UUID, purpose: str, **kw
):  # type: ignore[no-untyped-def]
    return withdraw(
        session,
        actor=actor,
        subject_id=subject_id,
        register=register.id,
        controller="hub",
        purpose=purpose,
        channel="phone",
        notice_digest=digest(register),
        **kw,
    )


def test_delete_record_erases_the_subject_at_once(
    session: Session, register: Register, caseworker: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    blob = seal(session, subject_id=subject.id, values={"name": "Alex Example"})
    _give(session, caseworker, register, subject.id, "p-delete_record")

    outcome = _withdraw(session, caseworker, register, subject.id, "p-delete_record")

    assert outcome.effect is E.DELETE_RECORD
    assert outcome.erased
    session.expunge_all()
    assert session.get(Subject, subject.id) is None
    assert (
        session.scalars(select(ConsentEvent).where(ConsentEvent.subject_id == subject.id)).all()
        == []
    )
    with pytest.raises(SubjectShredded):
        unseal(session, subject_id=subject.id, blob=blob)
    trail = audit.history(session, subject_id=subject.id)
    assert [(e.action, e.outcome) for e in trail][-3:] == [
        ("delete", "allowed"),
        ("create", "recorded"),
        ("delete", "recorded"),  # the erasure's tombstone: whose person this was
    ]
    assert audit.verify(session).ok
    assert "Alex" not in repr(trail)


def test_delete_record_refused_by_the_gate_writes_nothing(
    session: Session, register: Register, caseworker: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    _give(session, caseworker, register, subject.id, "p-delete_record")
    cannot_delete = Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation="hub",
        roles=frozenset({"caseworker"}),
        permissions=caseworker.permissions - {"case:case:close", "rights:request:manage"},
    )
    with pytest.raises(AccessDenied):
        _withdraw(session, cannot_delete, register, subject.id, "p-delete_record")
    assert current_state(session, subject_id=subject.id, purpose="p-delete_record") == "given"
    assert session.get(Subject, subject.id) is not None


def test_stop_processing_makes_the_gate_refuse(
    session: Session, register: Register, caseworker: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    _give(session, caseworker, register, subject.id, "p-stop_processing")
    target = Target(
        register=register.id,
        record_type="case",
        owner_organisation="hub",
        record_id=uuid.uuid4(),
        subject_ids=(subject.id,),
    )
    authorize(
        session, actor=caseworker, purpose="p-stop_processing", action=Action.READ, target=target
    )
    outcome = _withdraw(session, caseworker, register, subject.id, "p-stop_processing")
    assert outcome.record is not None
    assert outcome.record.state is ConsentState.WITHDRAWN
    with pytest.raises(AccessDenied) as refused:
        authorize(
            session,
            actor=caseworker,
            purpose="p-stop_processing",
            action=Action.READ,
            target=target,
        )
    assert refused.value.decision.reason is ReasonCode.NO_CONSENT


def test_withdrawing_what_was_never_given_is_refused(
    session: Session, register: Register, caseworker: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    with pytest.raises(ConsentError, match=r"^purpose: no consent"):
        _withdraw(session, caseworker, register, subject.id, "p-stop_processing")


def test_opt_out_list_needs_a_contact_detail_and_blocks_every_spelling(
    session: Session, register: Register, caseworker: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    _give(session, caseworker, register, subject.id, "p-opt_out_list")
    with pytest.raises(ConsentError, match=r"^email, phone:"):
        _withdraw(session, caseworker, register, subject.id, "p-opt_out_list")
    outcome = _withdraw(
        session,
        caseworker,
        register,
        subject.id,
        "p-opt_out_list",
        email="Sam.Subscriber@Example.org",
        phone="07700 900123",
    )
    assert outcome.opted_out == 2
    check = {"register": register.id, "purpose": "p-opt_out_list"}
    assert not may_contact(session, email="  sam.subscriber@EXAMPLE.ORG ", **check)
    assert not may_contact(session, phone="+44 7700 900123", **check)
    assert not may_contact(session, email="someone.else@example.org", phone="07700900123", **check)
    assert may_contact(session, email="someone.else@example.org", **check)
    # Another purpose keeps its own list.
    assert may_contact(
        session,
        register=register.id,
        purpose="p-stop_processing",
        email="sam.subscriber@example.org",
    )
    # Opting out twice adds nothing.
    again = add_opt_out(
        session, actor=caseworker, channel="web-form", email="SAM.subscriber@example.org", **check
    )
    assert again == 0


def test_may_contact_names_what_is_missing(session: Session, register: Register) -> None:
    with pytest.raises(ConsentError, match=r"^email, phone:"):
        may_contact(session, register=register.id, purpose="p-opt_out_list")
    with pytest.raises(ConsentError, match=r"^email:"):
        may_contact(session, register=register.id, purpose="p-opt_out_list", email="not an email")


def _row(subject_id: uuid.UUID) -> ExtractRow:
    return ExtractRow(
        target=Target(
            register="consent-test",
            record_type="case",
            owner_organisation="hub",
            record_id=uuid.uuid4(),
            subject_ids=(subject_id,),
        ),
        subject_id=subject_id,
        values={"outcome": "coping better", "name": "Kim", "not-a-category": 1},
    )


def test_stop_and_exclude_leaves_people_out_of_every_later_extract(
    session: Session, register: Register, caseworker: Actor
) -> None:
    purpose = "p-stop_and_exclude"
    stays, leaves, never = (
        create_subject(session, register=register.id, organisation="hub") for _ in range(3)
    )
    earlier = utcnow() - timedelta(hours=1)
    _give(session, caseworker, register, stays.id, purpose, recorded_at=earlier)
    _give(session, caseworker, register, leaves.id, purpose, recorded_at=earlier)
    _give(session, caseworker, register, never.id, purpose, recorded_at=earlier, state="refused")
    candidates = [_row(stays.id), _row(leaves.id), _row(never.id)]
    args = {
        "actor": caseworker,
        "register": register.id,
        "purpose": purpose,
        "recipient": "commissioner",
    }

    first = evaluation_extract(session, candidates=candidates, **args)  # type: ignore[arg-type]
    assert len(first.rows) == 2
    assert first.without_consent == 1
    assert all(set(row) == {"outcome", "name"} for row in first.rows)

    outcome = _withdraw(session, caseworker, register, leaves.id, purpose)
    assert outcome.effect is E.STOP_AND_EXCLUDE
    assert excluded_subjects(session, purpose=purpose) == {leaves.id}

    second = evaluation_extract(session, candidates=candidates, **args)  # type: ignore[arg-type]
    assert len(second.rows) == 1
    assert second.excluded == 1
    assert second.without_consent == 1
    logged = disclosures_for_subject(session, subject_id=leaves.id)
    assert len(logged) == 1  # the first extract only
    assert logged[0].with_consent
    assert logged[0].recipient == "commissioner"
    assert len(disclosures_for_subject(session, subject_id=stays.id)) == 2
