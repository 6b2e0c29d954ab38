"""The public self-referral and contact forms: CSRF, field errors, and what they store."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.models import Case
from accord.enquiries.models import Enquiry
from accord.people import service as people
from accord.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared settings, serving the public forms for the lvws register."""
    return settings.model_copy(update={"public_register": "lvws"})


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A browser on this machine over http (the anonymous CSRF cookie is not Secure there)."""
    with TestClient(app, base_url="http://localhost") as browser:
        yield browser


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def test_self_referral_form_links_the_notice_and_needs_a_csrf_token(client: TestClient) -> None:
    page = client.get("/self-referral")
    assert page.status_code == 200
    assert 'href="/privacy/lvws"' in page.text
    assert "I agree to be referred" in page.text
    refused = client.post("/self-referral", data={"given_name": "Ana"})
    assert refused.status_code == 403


def _refused(client: TestClient, session: Session, fields: dict[str, str]) -> str:
    """Post the self-referral form; it must be refused (400) with no case written."""
    before = session.scalars(select(Case)).all()
    token = _token(client.get("/self-referral").text)
    response = client.post("/self-referral", data={"csrf_token": token, **fields})
    assert response.status_code == 400
    assert session.scalars(select(Case)).all() == before
    return response.text


def test_self_referral_errors_are_summarised_and_shown_on_each_field(
    client: TestClient, session: Session
) -> None:
    text = _refused(
        client,
        session,
        {
            "given_name": "Ana",
            "dob-day": "31",
            "dob-month": "2",
            "dob-year": "2001",
            "crime_number": "12/34",
        },
    )
    assert "There is a problem" in text
    for field in ("family_name", "dob-day", "crime_number", "consent"):
        assert f'href="#{field}"' in text, field
        assert f'id="{field}-error"' in text, field


def test_self_referral_is_stored_sealed_and_routed_by_age(
    client: TestClient, session: Session
) -> None:
    token = _token(client.get("/self-referral").text)
    response = client.post(
        "/self-referral",
        data={
            "csrf_token": token,
            "given_name": "Kai",
            "family_name": "Mensah",
            "dob-day": "3",
            "dob-month": "5",
            "dob-year": "2012",
            "phone": "07700 900456",
            "crime_type": "robbery",
            "description": "My phone was taken on the way home from school.",
            "service": "support",
            "consent": "yes",
        },
    )
    assert response.status_code == 200, response.text
    assert "Referral sent" in response.text
    case = session.scalars(select(Case).where(Case.source == "self-referral")).one()
    assert case.proposed_service == "cyp-support"
    assert case.consent_channel == "online"
    assert b"Mensah" not in case.identity
    values = people.unseal(session, subject_id=case.subject_id, blob=case.identity)
    assert values["description"].startswith("My phone")


def test_contact_form_makes_a_web_enquiry_kept_six_weeks(
    client: TestClient, session: Session
) -> None:
    token = _token(client.get("/contact-us").text)
    missing = client.post("/contact-us", data={"csrf_token": token, "name": "Jo"})
    assert missing.status_code == 400
    assert 'href="#message"' in missing.text
    sent = client.post(
        "/contact-us",
        data={
            "csrf_token": token,
            "name": "Jo Bloggs",
            "email": "jo@example.org",
            "message": "Do you support witnesses?",
        },
    )
    assert sent.status_code == 200, sent.text
    enquiry = session.scalars(select(Enquiry)).one()
    assert enquiry.record_type == "web-enquiry"
    assert enquiry.retention_due is not None
    assert (enquiry.retention_due - enquiry.received_at).days == 42


def test_self_referral_refuses_implausible_values_on_each_field(
    client: TestClient, session: Session
) -> None:
    text = _refused(
        client,
        session,
        {
            "given_name": "Kai\x1b]0;owned\x07",
            "family_name": "Mensah",
            "dob-day": "1",
            "dob-month": "1",
            "dob-year": "1",
            "phone": "07700 900456",
            "postcode": "NOT A PC",
            "crime_number": "１２３４５６７/26",
            "description": "It happened\x1b[2J at night.",
            "consent": "yes",
        },
    )
    for field in ("given_name", "dob-day", "postcode", "crime_number", "description"):
        assert f'href="#{field}"' in text, field
    assert "before 1900" in text


@pytest.mark.parametrize("path", ["/self-referral", "/contact-us"])
def test_public_forms_are_not_offered_without_a_public_register(
    app: FastAPI, settings: Settings, session: Session, path: str
) -> None:
    app.state.settings = settings.model_copy(update={"public_register": None})
    cases_before = len(session.scalars(select(Case.id)).all())
    enquiries_before = len(session.scalars(select(Enquiry.id)).all())
    with TestClient(app, base_url="http://localhost") as browser:
        page = browser.get(path)
        token = _token(browser.get("/sign-in").text)
        posted = browser.post(path, data={"csrf_token": token, "name": "Jo", "message": "Hi"})
    assert page.status_code == 404
    assert posted.status_code == 404
    # Nothing written: other tests may have left cases in the shared database.
    assert len(session.scalars(select(Case.id)).all()) == cases_before
    assert len(session.scalars(select(Enquiry.id)).all()) == enquiries_before
