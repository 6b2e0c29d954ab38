"""Human-readable case references: register prefix, year, sequence (LVWS-2026-000123).

The sequence runs per register and year, from one counter row each
(`case_reference_counters`): taking a number updates that row, which holds a row lock on
PostgreSQL (the write lock on SQLite) until the referral's transaction ends, so two referrals
never get the same number; the unique index on `cases.reference` is the backstop. A
transaction that rolls back gives its number back with it, so references have no gaps.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accord.cases.models import CaseReferenceCounter

DIGITS = 6
PATTERN = re.compile(r"^([A-Z0-9]{1,10})-(\d{4})-(\d{1,9})$")


def prefix(register: str) -> str:
    """The register's prefix: its id in capitals, letters and digits only (lvws -> LVWS)."""
    return "".join(ch for ch in register.upper() if ch.isalnum())[:10] or "CASE"


def format_reference(register: str, year: int, number: int) -> str:
    return f"{prefix(register)}-{year}-{number:0{DIGITS}d}"


def normalise(text: str) -> str | None:
    """A reference as typed (any case, spaces, fewer leading zeros) in its stored form, or
    None when it is not shaped like a reference at all."""
    cleaned = re.sub(r"\s+", "", text).upper().replace("–", "-")
    found = PATTERN.match(cleaned)
    if found is None:
        return None
    return f"{found.group(1)}-{found.group(2)}-{int(found.group(3)):0{DIGITS}d}"


def next_reference(session: Session, *, register: str, at: datetime) -> str:
    """Take the next reference for a case received in `register` at `at`."""
    year = at.year
    number = _take(session, register, year)
    if number is None:
        try:
            with session.begin_nested():
                session.add(CaseReferenceCounter(register=register, year=year, last=1))
            number = 1
        except IntegrityError:
            # Another transaction made the year's counter first: take the next number from it.
            number = _take(session, register, year)
            if number is None:  # pragma: no cover - the row exists: the insert just said so
                raise
    return format_reference(register, year, number)


def _take(session: Session, register: str, year: int) -> int | None:
    found = session.scalar(
        update(CaseReferenceCounter)
        .where(CaseReferenceCounter.register == register, CaseReferenceCounter.year == year)
        .values(last=CaseReferenceCounter.last + 1)
        .returning(CaseReferenceCounter.last)
    )
    return None if found is None else int(found)


def last_number(session: Session, *, register: str, year: int) -> int:
    """The last number given in `register` in `year` (0 when none yet)."""
    found = session.scalar(
        select(CaseReferenceCounter.last).where(
            CaseReferenceCounter.register == register, CaseReferenceCounter.year == year
        )
    )
    return int(found or 0)
