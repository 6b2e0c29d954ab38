"""The consent ledger: append-only events, the current state derived from the latest one."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from accord.consent.ledger import (
    ConsentError,
    ConsentState,
    LedgerIsAppendOnly,
    current_record,
    current_state,
    history,
    record_consent,
)
from accord.consent.models import ConsentEvent
from accord.gate.types import AccessDenied, Actor
from accord.people.errors import SubjectNotFound
from accord.people.service import create_subject
from accord.register.load import digest
from accord.register.schema import Register
from accord.store.base import utcnow


def _record(session: Session, actor: Actor, register: Register, subject_id: uuid.UUID, **kw):  # type: ignore[no-untyped-def]
    args = {
        "register": register.id,
        "controller": "hub",
        "purpose": "p-stop_processing",
        "state": "given",
        "channel": "phone",
        "notice_digest": digest(register),
    } | kw
    return record_consent(session, actor=actor, subject_id=subject_id, **args)


def test_state_is_the_latest_event(session: Session, register: Register, caseworker: Actor) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    assert current_state(session, subject_id=subject.id, purpose="p-stop_processing") is None
    start = utcnow()
    _record(session, caseworker, register, subject.id, recorded_at=start)
    _record(
        session,
        caseworker,
        register,
        subject.id,
        state="withdrawn",
        channel="email",
        recorded_at=start + timedelta(minutes=5),
    )
    state = current_state(session, subject_id=subject.id, purpose="p-stop_processing")
    assert state is ConsentState.WITHDRAWN
    events = history(session, actor=caseworker, subject_id=subject.id)
    assert [e.state for e in events] == [ConsentState.GIVEN, ConsentState.WITHDRAWN]
    assert events[0].notice_digest == digest(register)
    assert events[0].captured_by == caseworker.id
    assert events[1].channel == "email"
    # Other purposes and controllers are untouched.
    assert current_state(session, subject_id=subject.id, purpose="p-opt_out_list") is None
    assert (
        current_state(
            session, subject_id=subject.id, purpose="p-stop_processing", controller="elsewhere"
        )
        is None
    )


def test_expired_consent_counts_as_none(
    session: Session, register: Register, caseworker: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    now = utcnow()
    _record(session, caseworker, register, subject.id, expires_at=now + timedelta(days=30))
    assert current_state(session, subject_id=subject.id, purpose="p-stop_processing") == "given"
    later = now + timedelta(days=31)
    assert (
        current_record(session, subject_id=subject.id, purpose="p-stop_processing", at=later)
        is None
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"purpose": "support"}, "purpose"),  # not a consent purpose
        ({"purpose": "nope"}, "purpose"),
        ({"controller": "commissioner"}, "controller"),
        ({"controller": "nobody"}, "controller"),
        ({"state": "maybe"}, "state"),
        ({"channel": "carrier-pigeon"}, "channel"),
        ({"notice_digest": ""}, "notice_digest"),
        ({"state": "refused", "expires_at": utcnow() + timedelta(days=1)}, "expires_at"),
        ({"expires_at": utcnow() - timedelta(days=1)}, "expires_at"),
    ],
)
def test_bad_statements_are_refused_naming_the_field(
    session: Session, register: Register, caseworker: Actor, change: dict[str, object], field: str
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    with pytest.raises(ConsentError, match=rf"^{field}:"):
        _record(session, caseworker, register, subject.id, **change)
    assert session.scalar(select(ConsentEvent).where(ConsentEvent.subject_id == subject.id)) is None


def test_recording_needs_the_permission(session: Session, register: Register) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    nobody = Actor(
        id=uuid.uuid4(), kind="user", organisation="hub", roles=frozenset(), permissions=frozenset()
    )
    with pytest.raises(AccessDenied, match="no-permission"):
        _record(session, nobody, register, subject.id)


def test_events_are_never_edited_through_the_orm(
    session: Session, register: Register, caseworker: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    record = _record(session, caseworker, register, subject.id)
    row = session.get(ConsentEvent, record.id)
    assert row is not None
    row.state = "withdrawn"
    with pytest.raises(LedgerIsAppendOnly):
        session.flush()
    session.rollback()


def test_events_are_never_deleted_through_the_orm(
    session: Session, register: Register, caseworker: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    record = _record(session, caseworker, register, subject.id)
    row = session.get(ConsentEvent, record.id)
    assert row is not None
    session.delete(row)
    with pytest.raises(LedgerIsAppendOnly):
        session.flush()
    session.rollback()


def test_the_database_refuses_updates_too(
    session: Session, register: Register, caseworker: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    record = _record(session, caseworker, register, subject.id)
    savepoint = session.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(
            update(ConsentEvent).where(ConsentEvent.id == record.id).values(state="withdrawn")
        )
    savepoint.rollback()
    state = session.scalar(select(ConsentEvent.state).where(ConsentEvent.id == record.id))
    assert state == "given"


def test_another_organisation_cannot_record_for_our_client(
    session: Session, register: Register, caseworker: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    outsider = Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation="commissioner",
        roles=caseworker.roles,
        permissions=caseworker.permissions,
    )
    with pytest.raises(SubjectNotFound):
        _record(session, outsider, register, subject.id, state="withdrawn")
    assert current_state(session, subject_id=subject.id, purpose="p-stop_processing") is None
