"""Timestamp columns hold UTC and read back timezone-aware, on SQLite as on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.people.models import Subject
from accord.store.base import aware

PLUS_FIVE = timezone(timedelta(hours=5))


def _subject(session: Session, created_at: datetime) -> Subject:
    subject = Subject(register="test", organisation="test-org", created_at=created_at)
    session.add(subject)
    session.flush()
    session.expire(subject)
    return subject


def test_an_offset_moment_reads_back_as_the_same_moment_in_utc(session: Session) -> None:
    written = datetime(2026, 3, 1, 17, 0, tzinfo=PLUS_FIVE)  # 12:00 UTC
    subject = _subject(session, written)

    read = subject.created_at
    assert read.tzinfo is not None
    assert read.utcoffset() == timedelta(0)
    assert read == written
    assert read.hour == 12


def test_a_naive_moment_is_taken_as_utc(session: Session) -> None:
    subject = _subject(session, datetime(2026, 3, 1, 12, 0))
    assert subject.created_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_queries_compare_moments_not_wall_clock_text(session: Session) -> None:
    subject = _subject(session, datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    # 12:30 at +05:00 is 07:30 UTC: the row (12:00 UTC) was made after it, not before.
    after = datetime(2026, 3, 1, 12, 30, tzinfo=PLUS_FIVE)
    found = session.scalars(
        select(Subject.id).where(Subject.id == subject.id, Subject.created_at > after)
    ).all()
    assert found == [subject.id]


def test_aware_keeps_the_moment_and_says_it_in_utc() -> None:
    moment = datetime(2026, 3, 1, 17, 0, tzinfo=PLUS_FIVE)
    assert aware(moment) == moment
    assert aware(moment).tzinfo is UTC
    assert aware(datetime(2026, 3, 1, 12, 0)) == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
