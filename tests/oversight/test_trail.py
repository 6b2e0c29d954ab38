"""The audit trail as a DPO searches it: only what their roles cover, filtered by user,
person, record and date, and the search itself audited."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.errors import Invalid
from accord.gate import audit
from accord.gate.models import AuditEntry
from accord.gate.types import AccessDenied, Actor
from accord.oversight import trail
from accord.people.models import Subject
from factories.actors import actor

pytestmark = pytest.mark.store


def _entry(session: Session, who: Actor, register: str, *, at: datetime, record: uuid.UUID) -> None:
    audit.record(
        session,
        audit.Event(
            actor=who,
            action="read",
            purpose="victim-support",
            register=register,
            record_type="case",
            reason="allowed",
            outcome="allowed",
            record_ids=(record,),
            subject_ids=(uuid.uuid4(),),
        ),
        at=at,
    )


def test_dpo_sees_their_registers_entries_filtered_and_the_search_is_audited(
    session: Session,
) -> None:
    dpo = actor("lvws", "dpo")
    worker = actor("lvws", "caseworker")
    elsewhere = actor("hounslow", "caseworker")
    first, second, hidden = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    _entry(session, worker, "lvws", at=datetime(2026, 11, 2, 10, tzinfo=UTC), record=first)
    _entry(session, worker, "lvws", at=datetime(2026, 11, 20, 10, tzinfo=UTC), record=second)
    _entry(session, elsewhere, "hounslow", at=datetime(2026, 11, 20, 11, tzinfo=UTC), record=hidden)

    found = trail.search(session, actor=dpo, where=trail.TrailFilter())
    records = {r for e in found.entries for r in e.record_ids}
    assert {str(first), str(second)} <= records
    assert str(hidden) not in records  # another organisation's register

    by_record = trail.search(session, actor=dpo, where=trail.TrailFilter(record_id=str(second)))
    assert [e.record_ids for e in by_record.entries] == [[str(second)]]
    in_november = trail.search(
        session,
        actor=dpo,
        where=trail.TrailFilter(since=date(2026, 11, 1), until=date(2026, 11, 2)),
    )
    assert str(first) in {r for e in in_november.entries for r in e.record_ids}
    assert str(second) not in {r for e in in_november.entries for r in e.record_ids}

    looked = session.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "audit-trail").order_by(AuditEntry.seq)
    ).all()
    assert len(looked) == 3
    assert {e.actor_id for e in looked} == {dpo.id}
    assert audit.verify(session).ok


def test_bad_dates_and_unknown_people_are_named(session: Session) -> None:
    dpo = actor("lvws", "dpo")
    with pytest.raises(Invalid) as wrong_way:
        trail.search(
            session,
            actor=dpo,
            where=trail.TrailFilter(since=date(2026, 11, 2), until=date(2026, 11, 1)),
        )
    assert wrong_way.value.field == "until"
    with pytest.raises(Invalid) as nobody:
        trail.search(session, actor=dpo, where=trail.TrailFilter(user_email="nobody@example.org"))
    assert nobody.value.field == "user"


def test_a_caseworker_cannot_search_or_verify_the_trail(session: Session) -> None:
    worker = actor("lvws", "caseworker")
    with pytest.raises(AccessDenied):
        trail.search(session, actor=worker, where=trail.TrailFilter())
    with pytest.raises(AccessDenied):
        trail.verify_trail(session, actor=worker)


def test_another_organisations_work_on_its_own_people_stays_hidden(session: Session) -> None:
    ours = actor("lvws", "dpo", "victim-support")
    theirs = actor("lvws", "caseworker", "catch22")
    their_person = Subject(register="lvws", organisation="catch22")
    our_person = Subject(register="lvws", organisation="victim-support")
    session.add_all([their_person, our_person])
    session.flush()
    own_work, about_ours = uuid.uuid4(), uuid.uuid4()
    for record, person in ((own_work, their_person), (about_ours, our_person)):
        audit.record(
            session,
            audit.Event(
                actor=theirs,
                action="read",
                purpose="victim-support",
                register="lvws",
                record_type="case",
                reason="allowed",
                outcome="allowed",
                record_ids=(record,),
                subject_ids=(person.id,),
            ),
        )
    found = trail.search(session, actor=ours, where=trail.TrailFilter())
    records = {r for e in found.entries for r in e.record_ids}
    assert str(about_ours) in records  # someone else's act on a person we hold
    assert str(own_work) not in records  # their own work on their own person
