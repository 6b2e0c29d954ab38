"""Five failed sign-ins lock an address for 15 minutes, whether or not it has an account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy.orm import Session

from accord.accounts import service
from accord.accounts.models import User
from accord.settings import Settings

from .conftest import PASSWORD

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _fail_times(session: Session, settings: Settings, email: str, times: int) -> list[str]:
    return [
        service.authenticate(
            session, settings=settings, email=email, password="wrong password!"
        ).outcome
        for _ in range(times)
    ]


def test_lockout_after_five_failures_then_released(
    session: Session, settings: Settings, user: User
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        assert _fail_times(session, settings, user.email, 5) == ["wrong"] * 4 + ["locked"]
        # Locked: even the right password is refused.
        right = service.authenticate(
            session, settings=settings, email=user.email, password=PASSWORD
        )
        assert right.outcome == "locked"
        assert right.user is None
        clock.shift(timedelta(minutes=14, seconds=59))
        assert (
            service.authenticate(
                session, settings=settings, email=user.email, password=PASSWORD
            ).outcome
            == "locked"
        )
        clock.shift(timedelta(seconds=2))
        ok = service.authenticate(session, settings=settings, email=user.email, password=PASSWORD)
        assert ok.outcome == "ok"
        assert ok.user is not None
        assert ok.user.id == user.id
        # Success clears the count: four more failures do not lock.
        assert _fail_times(session, settings, user.email, 4) == ["wrong"] * 4


def test_unknown_address_locks_exactly_like_a_known_one(
    session: Session, settings: Settings, user: User
) -> None:
    with time_machine.travel(START, tick=False):
        known = _fail_times(session, settings, user.email, 6)
        unknown = _fail_times(session, settings, "nobody@example.org", 6)
    assert known == unknown == ["wrong"] * 4 + ["locked", "locked"]


def test_lockout_is_per_address(session: Session, settings: Settings, user: User) -> None:
    with time_machine.travel(START, tick=False):
        _fail_times(session, settings, "other@example.org", 5)
        assert (
            service.authenticate(
                session, settings=settings, email=user.email, password=PASSWORD
            ).outcome
            == "ok"
        )
