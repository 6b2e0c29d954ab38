"""The DPO's disclosure log and consent withdrawals in Chromium: disclosures with and without
consent (the risk of harm recorded and who approved it), filtered by service, consent and
date; withdrawals with who recorded them and what was done; anyone else refused plainly."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from accord.accounts.actor import actor_for_user
from accord.accounts.models import User
from accord.consent.withdrawal import withdraw
from accord.disclosures import requests
from accord.disclosures.records import find_record
from accord.disclosures.service import log_disclosure
from accord.gate.models import AuditEntry
from accord.register.load import digest
from accord.register.registry import current_registry
from factories.consent import consent_statement
from support.axe import assert_accessible

from .conftest import LiveServer
from .test_caseworker_pages import people
from .test_consent_pages import engaged_case
from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def _actor(session: Session, user: User) -> Any:
    found = session.get(User, user.id)
    assert found is not None
    return actor_for_user(found)


def shared_and_withdrawn(
    engine: Engine, live_server: LiveServer, manager: User, worker: User
) -> None:
    """A case's person agrees to a referral on, which is sent; their details also go to the
    police for a risk of harm, approved by the team manager; later they withdraw consent."""
    case_id = engaged_case(engine, live_server, manager, worker)
    with Session(engine) as session:
        caseworker, lead = _actor(session, worker), _actor(session, manager)
        record = find_record(session, record_id=case_id)
        consent_statement(
            session,
            actor=caseworker,
            subject_id=record.subject_id,
            register="lvws",
            purpose="referral-on",
        )
        log_disclosure(
            session,
            actor=caseworker,
            subject_id=record.subject_id,
            register="lvws",
            recipient="specialist-services",
            fields=["name", "contact-details"],
            with_consent=True,
            basis="consent",
            purpose="referral-on",
            record_type=record.target.record_type,
            record_id=case_id,
        )
        asked = requests.request_disclosure(
            session,
            actor=caseworker,
            target=record.target,
            subject_id=record.subject_id,
            recipient="police-and-social-services",
            fields=["name"],
            risk="Threats made against the person's child this week",
            risk_level="high",
            necessity="The police need the name to act on the threats",
        )
        requests.decide(session, actor=lead, request_id=asked.id, approve=True)
        requests.release(
            session,
            actor=caseworker,
            request_id=asked.id,
            target=record.target,
            values=record.values,
            method="phone",
        )
        withdraw(
            session,
            actor=caseworker,
            subject_id=record.subject_id,
            register="lvws",
            controller=caseworker.organisation,
            purpose="referral-on",
            channel="phone",
            notice_digest=digest(current_registry().get("lvws")),
        )
        session.commit()


def test_dpo_reads_the_disclosure_log_and_consent_withdrawals(
    page: Any, engine: Engine, live_server: LiveServer, make_user: Callable[..., User]
) -> None:
    manager, worker = people(engine, make_user)
    shared_and_withdrawn(engine, live_server, manager, worker)
    dpo = make_user(roles=(("lvws", "dpo"),), name="Dana Protection")
    today = date.today().isoformat()

    page.goto("/")
    sign_in(page, dpo.email)
    page.click("#sections a:has-text('Disclosure log')")
    assert page.inner_text("h1") == "Disclosure log"
    assert_accessible(page)
    page.select_option("#service", "lvws")
    page.fill("#since", today)
    page.fill("#until", today)
    page.click("button:has-text('Show disclosures')")
    ours = page.locator("#disclosures tbody tr", has_text=worker.name)
    assert ours.count() == 2
    text = page.inner_text("#disclosures")
    assert "Specialist support services" in text
    assert "With consent" in text
    assert "Without consent" in text
    assert "Risk of harm: high risk" in text
    assert f"Approved by {manager.name}" in text
    assert "Threats made" not in text  # kinds of information and reasons, never the words
    assert "risk-of-harm" not in text
    assert_accessible(page)

    page.select_option("#consent", "without")
    page.click("button:has-text('Show disclosures')")
    ours = page.locator("#disclosures tbody tr", has_text=worker.name)
    assert ours.count() == 1
    assert "Approved by" in ours.inner_text()

    # An end before the start: the error summary says so.
    page.fill("#since", today)
    page.fill("#until", (date.today() - timedelta(days=2)).isoformat())
    page.click("button:has-text('Show disclosures')")
    assert "The end date must be the same as or after the start date" in page.inner_text(
        ".govuk-error-summary"
    )
    assert_accessible(page)

    page.goto("/")
    page.click("#sections a:has-text('Consent withdrawals')")
    assert page.inner_text("h1") == "Consent withdrawals"
    row = page.locator("#withdrawals tbody tr", has_text=worker.name)
    assert row.count() == 1
    assert "Referral to specialist services" in row.inner_text()
    assert "Work for this purpose stopped" in row.inner_text()
    assert "By phone" in row.inner_text()
    assert_accessible(page)

    with Session(engine) as session:
        looked = session.scalars(
            select(AuditEntry.record_type).where(AuditEntry.actor_id == dpo.id)
        ).all()
    assert {"disclosure-log", "consent-withdrawals"} <= set(looked)


def test_a_caseworker_is_refused_with_a_plain_page(
    page: Any, make_user: Callable[..., User]
) -> None:
    worker = make_user()
    page.goto("/")
    sign_in(page, worker.email)
    assert page.locator("#sections a:has-text('Disclosure log')").count() == 0
    for path in ("/disclosure-log", "/consent-withdrawals"):
        answer = page.goto(path)
        assert answer is not None
        assert answer.status == 403
        assert page.inner_text("h1") == "You cannot do this"
        assert "no-permission" not in page.content()
        assert_accessible(page)


def test_a_team_manager_reading_logs_of_their_cases_does_not_see_the_dpo_pages(
    page: Any, make_user: Callable[..., User]
) -> None:
    manager = make_user(roles=(("lvws", "team-manager"),), name=f"Tess {uuid.uuid4().hex[:4]}")
    page.goto("/")
    sign_in(page, manager.email)
    assert page.locator("#sections a:has-text('Disclosure log')").count() == 0
    answer = page.goto("/disclosure-log")
    assert answer is not None
    assert answer.status == 403
