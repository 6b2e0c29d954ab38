"""Case references: given at intake as register prefix, year and a sequence per register and
year, unique, shown in the API's case output, and found again however a person types them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.cases import references
from accord.cases.models import Case
from cases.lvws import make_actor, refer

pytestmark = pytest.mark.store


def _reference(session: Session, case_id: object) -> str:
    found = session.scalar(select(Case.reference).where(Case.id == case_id))
    assert found is not None
    return found


def test_each_referral_gets_the_next_reference_of_its_register_and_year(
    session: Session,
) -> None:
    year = datetime.now(UTC).year
    before = references.last_number(session, register="lvws", year=year)
    first = refer(session, police_reference="REF-A")
    second = refer(session, police_reference="REF-B", person__given_name="Ben")
    assert _reference(session, first.case_id) == f"LVWS-{year}-{before + 1:06d}"
    assert _reference(session, second.case_id) == f"LVWS-{year}-{before + 2:06d}"


def test_the_sequence_starts_again_each_year_and_per_register(session: Session) -> None:
    made = [
        references.next_reference(session, register="lvws", at=datetime(2031, 12, 31, tzinfo=UTC)),
        references.next_reference(session, register="lvws", at=datetime(2032, 1, 1, tzinfo=UTC)),
        references.next_reference(session, register="lvws", at=datetime(2031, 6, 1, tzinfo=UTC)),
        references.next_reference(
            session, register="cambs-hub", at=datetime(2031, 6, 1, tzinfo=UTC)
        ),
    ]
    assert made == [
        "LVWS-2031-000001",
        "LVWS-2032-000001",
        "LVWS-2031-000002",
        "CAMBSHUB-2031-000001",
    ]


def test_a_rolled_back_referral_gives_its_number_back(session: Session) -> None:
    at = datetime(2033, 3, 1, tzinfo=UTC)
    savepoint = session.begin_nested()
    references.next_reference(session, register="lvws", at=at)
    savepoint.rollback()
    assert references.next_reference(session, register="lvws", at=at) == "LVWS-2033-000001"


def test_the_case_output_carries_the_reference(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    accepted = refer(session, police_reference="REF-C")
    manager = make_actor("victim-support", "team-manager", teams=("intake",))
    app.dependency_overrides[current_actor] = lambda: manager
    expected = _reference(session, accepted.case_id)
    one = client.get(f"/api/cases/{accepted.case_id}")
    assert one.status_code == 200, one.text
    assert one.json()["reference"] == expected
    listed = client.get("/api/cases", params={"register": "lvws"})
    assert expected in [c["reference"] for c in listed.json()["items"]]
    found = client.get("/api/cases", params={"reference": expected.lower()})
    assert [c["id"] for c in found.json()["items"]] == [str(accepted.case_id)]
    refused = client.get("/api/cases", params={"reference": "Amelia Hughes"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["query", "reference"]


@given(
    number=st.integers(min_value=1, max_value=999_999),
    spaced=st.booleans(),
    lower=st.booleans(),
)
def test_a_reference_is_found_however_it_is_typed(number: int, spaced: bool, lower: bool) -> None:
    stored = references.format_reference("lvws", 2026, number)
    typed = f"lvws - 2026 - {number}" if spaced else f"LVWS-2026-{number}"
    assert references.normalise(typed.lower() if lower else typed) == stored


@pytest.mark.parametrize("text", ["", "Amelia Hughes", "1234567/26", "LVWS-26-1", "LVWS-2026-"])
def test_text_not_shaped_like_a_reference_is_not_one(text: str) -> None:
    assert references.normalise(text) is None
