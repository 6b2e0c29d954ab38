"""The duplicate search stays bounded when many earlier referrals share a postcode."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from accord.cases.models import Case
from accord.referrals import matching
from cases.lvws import refer

NEIGHBOURS = 12


def _neighbours(session: Session) -> list[uuid.UUID]:
    """Earlier referrals of different people at one postcode, oldest first."""
    subjects = []
    start = datetime.now(UTC) - timedelta(days=NEIGHBOURS)
    for n in range(NEIGHBOURS):
        accepted = refer(
            session,
            person__given_name=f"Person{chr(65 + n)}",
            person__family_name=f"Neighbour{chr(65 + n)}",
            person__date_of_birth=f"19{50 + n}-0{1 + n % 9}-1{n % 9}",
            person__phone=f"07700 9001{n:02d}",
            person__email=f"n{n}@example.org",
            crime__crime_number=f"76543{n:02d}/26",
        )
        case = session.get(Case, accepted.case_id)
        assert case is not None
        case.received_at = start + timedelta(days=n)  # older first
        subjects.append(accepted.subject_id)
    session.flush()
    return subjects


def test_postcode_brings_only_the_most_recent_neighbours_but_strong_keys_all(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matching, "POSTCODE_CANDIDATES", 5)
    subjects = _neighbours(session)
    values = matching.index_values(
        {
            "given_name": "Someone",
            "family_name": "Else",
            "phone": "07700 900100",  # the oldest neighbour's phone
            "postcode": "SE5 0EG",
        }
    )
    found = matching.candidates(
        session,
        register="lvws",
        organisation="victim-support",
        values=values,
        exclude=uuid.uuid4(),
    )
    assert len(found) == 6
    assert found[subjects[0]] == {"phone"}  # the strong match, however old
    assert set(found) - {subjects[0]} == set(subjects[-5:])  # the five most recent


def test_a_typo_still_matches_through_the_postcode(session: Session) -> None:
    earlier = refer(session)
    later = refer(
        session,
        person__given_name="Amelia",
        person__family_name="Hughs",  # a typo: the name index differs
        person__phone=None,
        person__email=None,
        crime__crime_number="7654399/26",
    )
    assert later.match_proposals == 1
    assert earlier.subject_id != later.subject_id
