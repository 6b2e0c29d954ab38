"""Search and the due-contact rule behind the caseload pages: people are found through the
blind indexes by full name with date of birth, crime number, phone or reference, only in
cases the gate lets the searcher see; contact falls due in working days in England."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.cases.caseload import contact_due
from accord.cases.models import Case
from cases.lvws import lvws_registry, make_actor, refer  # noqa: F401 (autouse: LVWS current)

pytestmark = pytest.mark.store


def _search(client: TestClient, **params: str) -> str:
    page = client.get("/cases/search", params=params, headers={"accept": "text/html"})
    assert page.status_code in (200, 400), page.text
    return page.text


@pytest.fixture
def referred(session: Session) -> Case:
    accepted = refer(
        session,
        police_reference="SEARCH-1",
        person__given_name="Marguerite",
        person__family_name="Ashdown-Pryce",
        person__date_of_birth="1979-02-14",
        person__phone="07700 900456",
        crime__crime_number="7654321/26",
    )
    case = session.get(Case, accepted.case_id)
    assert case is not None
    return case


def test_found_by_each_identifier_and_only_where_the_gate_allows(
    app: FastAPI, client: TestClient, referred: Case
) -> None:
    manager = make_actor("victim-support", "team-manager", teams=("intake",))
    app.dependency_overrides[current_actor] = lambda: manager
    reference = referred.reference
    assert reference is not None
    searches = [
        {
            "name": "marguerite  ashdown-pryce",
            "dob-day": "14",
            "dob-month": "2",
            "dob-year": "1979",
        },
        {"crime_number": "7654321/26"},
        {"phone": "07700900456"},
        {"reference": reference.lower()},
    ]
    for params in searches:
        found = _search(client, **params)
        assert reference in found, params
        assert "Marguerite Ashdown-Pryce" in found
    # The right name with the wrong date of birth finds nobody.
    wrong = _search(
        client,
        name="Marguerite Ashdown-Pryce",
        **{"dob-day": "15", "dob-month": "2", "dob-year": "1979"},
    )
    assert reference not in wrong
    assert "0 cases found" in wrong

    # A caseworker of the same organisation it is not assigned to, and another organisation.
    for outsider in (
        make_actor("victim-support", "caseworker"),
        make_actor("catch22", "team-manager", teams=("intake",)),
    ):
        app.dependency_overrides[current_actor] = lambda outsider=outsider: outsider
        assert reference not in _search(client, phone="07700 900456")
        assert "Ashdown-Pryce" not in _search(client, reference=reference)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"name": "Marguerite Ashdown-Pryce"}, "full name and their date of birth together"),
        ({"reference": "not a reference"}, "Enter a case reference like LVWS-2026-000123"),
        ({"dob-day": "31", "dob-month": "2", "dob-year": "1979", "name": "A B"}, "real date"),
        ({"phone": "call me"}, "Enter a phone number using digits"),
    ],
)
def test_bad_searches_name_the_box_to_correct(
    app: FastAPI, client: TestClient, params: dict[str, str], message: str
) -> None:
    app.dependency_overrides[current_actor] = lambda: make_actor("victim-support", "caseworker")
    page = client.get("/cases/search", params=params, headers={"accept": "text/html"})
    assert page.status_code == 400
    assert "govuk-error-summary" in page.text
    assert message in page.text


def _case(status: str, received: datetime, **fields: object) -> Case:
    values: dict[str, object] = {"vulnerable": False, "domestic_abuse": False} | fields
    return Case(status=status, received_at=received, **values)


def test_first_contact_falls_due_in_working_days_past_bank_holidays() -> None:
    christmas_eve = datetime(2026, 12, 24, 10, tzinfo=UTC)  # a Thursday
    # 5 working days: not Christmas Day, the weekend, the Boxing Day holiday or New Year's Day.
    assert contact_due(_case("referred", christmas_eve)) == date(2027, 1, 5)
    # Vulnerable or domestic abuse: the enhanced 2 working days.
    assert contact_due(_case("contacting", christmas_eve, vulnerable=True)) == date(2026, 12, 30)
    assert contact_due(_case("referred", christmas_eve, domestic_abuse=True)) == date(2026, 12, 30)


def test_engaged_cases_fall_due_a_fortnight_after_the_last_contact() -> None:
    last = datetime(2026, 11, 2, 15, tzinfo=UTC)
    engaged = _case("engaged", last - timedelta(days=30), last_contact_at=last)
    assert contact_due(engaged) == date(2026, 11, 16)
    for finished in ("closed", "not-taken-up"):
        assert contact_due(_case(finished, last)) is None


def test_a_date_of_birth_alone_finds_the_cases_the_searcher_may_see(
    app: FastAPI, client: TestClient, session: Session, referred: Case
) -> None:
    refer(
        session,
        police_reference="SEARCH-2",
        person__given_name="Rosalind",
        person__family_name="Ashdown-Pryce",
        person__date_of_birth="1979-02-14",
        person__phone="07700 900457",
    )
    other = refer(session, police_reference="SEARCH-3", person__date_of_birth="1980-02-14")
    manager = make_actor("victim-support", "team-manager", teams=("intake",))
    app.dependency_overrides[current_actor] = lambda: manager
    born = {"dob-day": "14", "dob-month": "02", "dob-year": "1979"}
    found = _search(client, **born)
    assert "Marguerite Ashdown-Pryce" in found
    assert "Rosalind Ashdown-Pryce" in found
    born_later = session.get(Case, other.case_id)
    assert born_later is not None
    assert born_later.reference is not None
    assert born_later.reference not in found
    # With another box, every box must match.
    narrowed = _search(client, phone="07700 900457", **born)
    assert "Rosalind Ashdown-Pryce" in narrowed
    assert "Marguerite" not in narrowed
    # A caseworker none of them is assigned to finds none of them.
    app.dependency_overrides[current_actor] = lambda: make_actor("victim-support", "caseworker")
    assert "0 cases found" in _search(client, **born)
