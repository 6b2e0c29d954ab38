"""Consent and referral on from the case page, in Chromium: a referral on is refused until
the person's consent is in the ledger; the caseworker records it, checks the answers and
sends the referral, which the timeline shows; every page passes the accessibility checks."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from accord.accounts.actor import actor_for_user
from accord.accounts.models import User
from accord.cases import workflow
from accord.cases.models import Case
from accord.cases.schemas import AssignmentIn, ContactIn
from accord.consent.models import ConsentEvent
from accord.disclosures.models import DisclosureEntry
from support.axe import assert_accessible

from .conftest import LiveServer
from .test_caseworker_pages import people, police_referral
from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def engaged_case(engine: Engine, live_server: LiveServer, manager: User, worker: User) -> uuid.UUID:
    """A police referral assigned to the caseworker, who has spoken to the person."""
    case_id = police_referral(engine, live_server, person__family_name="Referred")
    with Session(engine) as session:
        lead = session.get(User, manager.id)
        own = session.get(User, worker.id)
        assert lead is not None
        assert own is not None
        workflow.assign(
            session,
            actor=actor_for_user(lead),
            case_id=case_id,
            data=AssignmentIn(user_id=worker.id),
        )
        workflow.record_contact(
            session,
            actor=actor_for_user(own),
            case_id=case_id,
            data=ContactIn(outcome="engaged", channel="phone"),
        )
        session.commit()
    return case_id


def test_a_referral_on_waits_for_consent_then_is_checked_and_sent(
    page: Any, live_server: LiveServer, engine: Engine, make_user: Callable[..., User]
) -> None:
    manager, worker = people(engine, make_user)
    case_id = engaged_case(engine, live_server, manager, worker)
    page.goto(f"/cases/{case_id}")
    sign_in(page, worker.email)

    # Without their consent the form says so, and sending is refused.
    page.click("#case-actions a:has-text('Refer them on')")
    assert page.inner_text("h1") == "Refer them to a specialist service"
    assert "have not agreed to be referred on" in page.inner_text("#consent-needed")
    assert_accessible(page)
    page.click("button:has-text('Continue')")
    summary = page.inner_text(".govuk-error-summary")
    assert "Select what the service will receive" in summary
    assert "Enter why you are referring them" in summary
    assert_accessible(page)
    page.check("#recipient")
    page.locator("label:has-text('Name')").first.click()
    page.fill("#reason", "Counselling after the burglary")
    page.click("button:has-text('Continue')")
    assert "record their consent first" in page.inner_text(".govuk-error-summary")

    # Recording their answer: a blank form is refused, field by field.
    page.click("#consent-needed a")
    assert page.inner_text("h1") == "Record their consent"
    assert page.is_checked("input[name=purpose][value=referral-on]")
    assert_accessible(page)
    page.click("button:has-text('Save their answer')")
    summary = page.inner_text(".govuk-error-summary")
    assert "Select whether they agreed" in summary
    assert "Select how they told you" in summary
    assert_accessible(page)
    page.locator("label:has-text('They agreed')").click()
    page.locator("label:has-text('On the phone')").click()
    page.click("button:has-text('Save their answer')")
    assert page.url.endswith(f"/cases/{case_id}")
    assert "Referral to specialist services\tGiven" in page.inner_text("#consent")
    with Session(engine) as session:
        subject = session.scalar(select(Case.subject_id).where(Case.id == case_id))
        stored = session.scalars(
            select(ConsentEvent).where(
                ConsentEvent.subject_id == subject, ConsentEvent.purpose == "referral-on"
            )
        ).one()
    assert (stored.state, stored.channel, stored.captured_by) == ("given", "phone", worker.id)

    # Now the referral: checked first, then sent and logged as a disclosure with consent.
    page.click("#case-actions a:has-text('Refer them on')")
    assert page.locator("#consent-needed").count() == 0
    page.check("#recipient")
    page.locator("#fields").check()  # their name
    page.locator("label:has-text('Contact details')").click()
    page.fill("#reason", "Counselling after the burglary")
    page.click("button:has-text('Continue')")
    assert page.inner_text("h1") == "Check your answers before referring them on"
    answers = page.inner_text("#check-answers")
    assert "Specialist support services" in answers
    assert "Contact details" in answers
    assert "Counselling after the burglary" in answers
    assert_accessible(page)
    page.click("button:has-text('Send the referral')")
    assert page.url.endswith(f"/cases/{case_id}")
    assert "Referred on with their consent to specialist services" in page.inner_text("#timeline")
    assert_accessible(page)
    with Session(engine) as session:
        logged = session.scalars(
            select(DisclosureEntry).where(DisclosureEntry.record_id == case_id)
        ).all()
    assert [(e.recipient, e.with_consent) for e in logged] == [("specialist-services", True)]
    assert sorted(logged[0].fields) == ["contact-details", "name"]


def test_a_refusal_is_recorded_and_keeps_the_referral_on_closed(
    page: Any, live_server: LiveServer, engine: Engine, make_user: Callable[..., User]
) -> None:
    manager, worker = people(engine, make_user)
    case_id = engaged_case(engine, live_server, manager, worker)
    page.goto(f"/cases/{case_id}/consent?purpose=referral-on")
    sign_in(page, worker.email)
    page.locator("label:has-text('They did not agree')").click()
    page.locator("label:has-text('In person')").click()
    page.click("button:has-text('Save their answer')")
    assert "Referral to specialist services\tRefused" in page.inner_text("#consent")
    page.click("#case-actions a:has-text('Refer them on')")
    assert "have not agreed" in page.inner_text("#consent-needed")
    assert_accessible(page)
