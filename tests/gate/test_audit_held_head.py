"""Appends in one transaction continue from the head that transaction holds, and stay one
gap-free chain across savepoints and transactions."""

from __future__ import annotations

import uuid

import pytest
from gate_fixtures import actor
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.gate import audit
from accord.gate.models import AuditEntry, AuditHead


def _event(subject: uuid.UUID) -> audit.Event:
    return audit.Event(
        actor=actor(),
        action="read",
        purpose="support",
        register="t",
        record_type="case",
        reason="allowed",
        outcome="allowed",
        record_ids=(uuid.uuid4(),),
        subject_ids=(subject,),
        categories=frozenset({"name"}),
    )


def _head(session: Session) -> tuple[int, str]:
    row = session.execute(select(AuditHead.seq, AuditHead.hash)).one()
    return row.seq, row.hash


def test_appends_in_one_transaction_chain_and_move_the_head(session: Session) -> None:
    subject = uuid.uuid4()
    first = audit.record(session, _event(subject))
    second, third = audit.append(session, [_event(subject), _event(subject)])
    fourth = audit.record(session, _event(subject))
    assert [e.seq for e in (first, second, third, fourth)] == list(range(first.seq, first.seq + 4))
    assert _head(session) == (fourth.seq, fourth.hash)
    assert audit.verify(session).ok
    assert [h.seq for h in audit.history(session, subject_id=subject)] == [
        first.seq,
        second.seq,
        third.seq,
        fourth.seq,
    ]


def test_a_rolled_back_savepoint_leaves_no_gap(session: Session) -> None:
    subject = uuid.uuid4()
    before = audit.record(session, _event(subject))
    nested = session.begin_nested()
    audit.record(session, _event(subject))
    audit.record(session, _event(subject))
    nested.rollback()
    after = audit.record(session, _event(subject))
    assert after.seq == before.seq + 1
    assert _head(session) == (after.seq, after.hash)
    assert audit.verify(session).ok


def test_a_released_savepoint_and_a_new_transaction_continue_the_chain(session: Session) -> None:
    subject = uuid.uuid4()
    first = audit.record(session, _event(subject))
    with session.begin_nested():
        inner = audit.record(session, _event(subject))
    outer = audit.record(session, _event(subject))
    session.commit()
    later = audit.record(session, _event(subject))
    assert [inner.seq, outer.seq, later.seq] == [first.seq + 1, first.seq + 2, first.seq + 3]
    assert _head(session) == (later.seq, later.hash)
    assert audit.verify(session).ok


def _count(session: Session) -> int:
    return len(session.execute(select(AuditEntry.seq)).all())


def test_a_together_block_writes_each_entry_when_it_ends(session: Session) -> None:
    subject = uuid.uuid4()
    start = _count(session)
    with audit.together(session):
        first = audit.record(session, _event(subject))
        second = audit.record(session, _event(subject))
        assert _count(session) == start  # gathered, not yet written
    assert _count(session) == start + 2
    assert second.seq == first.seq + 1
    assert _head(session) == (second.seq, second.hash)
    assert [h.seq for h in audit.history(session, subject_id=subject)] == [first.seq, second.seq]
    assert audit.verify(session).ok


def test_a_together_block_that_raises_still_writes_what_it_recorded(session: Session) -> None:
    subject = uuid.uuid4()
    recorded: list[audit.Appended] = []

    def refuse() -> None:
        with audit.together(session):
            recorded.append(audit.record(session, _event(subject)))
            raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        refuse()
    assert _head(session) == (recorded[0].seq, recorded[0].hash)
    assert audit.verify(session).ok


def test_a_commit_inside_a_together_block_writes_first(session: Session) -> None:
    subject = uuid.uuid4()
    with audit.together(session):
        gathered = audit.record(session, _event(subject))
        session.commit()
        after = audit.record(session, _event(subject))
    assert after.seq == gathered.seq + 1
    assert _head(session) == (after.seq, after.hash)
    assert audit.verify(session).ok


def test_a_rollback_inside_a_together_block_drops_what_it_gathered(session: Session) -> None:
    subject = uuid.uuid4()
    before = audit.record(session, _event(subject))
    session.commit()
    with audit.together(session):
        audit.record(session, _event(subject))
        session.rollback()
    after = audit.record(session, _event(subject))
    assert after.seq == before.seq + 1
    assert audit.verify(session).ok


def test_a_savepoint_inside_a_together_block_keeps_what_was_gathered(session: Session) -> None:
    subject = uuid.uuid4()
    with audit.together(session):
        kept = audit.record(session, _event(subject))
        nested = session.begin_nested()
        audit.record(session, _event(subject))
        nested.rollback()
        after = audit.record(session, _event(subject))
    assert after.seq == kept.seq + 1
    assert [h.seq for h in audit.history(session, subject_id=subject)] == [kept.seq, after.seq]
    assert audit.verify(session).ok
