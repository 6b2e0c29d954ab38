"""A member of the public refers themselves through the public form, in Chromium."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from accord.cases.models import Case
from accord.people.service import find_subjects
from support.axe import assert_accessible

pytestmark = pytest.mark.browser


def subjects_with_email(engine: Engine, email: str) -> list[uuid.UUID]:
    with Session(engine) as session:
        return find_subjects(session, register="lvws", kind="email", value=email)


def test_form_errors_name_each_field_and_store_nothing(page: Any, engine: Engine) -> None:
    email = f"refusal-{uuid.uuid4().hex[:8]}@example.org"
    page.goto("/self-referral")
    assert page.inner_text("h1") == "Refer yourself for support"
    page.fill("#given_name", "Siobhán")
    page.fill("#family_name", "O'Neill")
    page.fill("#dob-day", "1")
    page.fill("#dob-month", "1")
    page.fill("#dob-year", "2999")
    page.fill("#email", email)
    page.click("button:has-text('Send my referral')")

    summary = page.inner_text(".govuk-error-summary")
    assert "There is a problem" in summary
    assert "Tick the box" in summary  # no consent
    assert "date of birth" in summary.lower()  # in the future
    # what the person typed is kept, so they only fix what is wrong
    assert page.input_value("#given_name") == "Siobhán"
    # the summary links take the person to the field
    page.click(".govuk-error-summary a[href='#consent']")
    assert subjects_with_email(engine, email) == []


def test_person_refers_themselves_and_gets_a_reference(page: Any, engine: Engine) -> None:
    email = f"Self.Referrer-{uuid.uuid4().hex[:8]}@Example.org"
    page.goto("/self-referral")
    page.fill("#given_name", "Jordan")
    page.fill("#family_name", "Ellis")
    page.fill("#dob-day", "27")
    page.fill("#dob-month", "3")
    page.fill("#dob-year", "1990")
    page.fill("#email", email)
    page.check("#consent")
    page.click("button:has-text('Send my referral')")

    assert page.inner_text("h1") == "Referral sent"
    # stored once, found by its blind index however the address is typed
    found = subjects_with_email(engine, email.lower())
    assert len(found) == 1
    # the reference shown is the case's own, the one staff search by (LVWS-2026-000123)
    with Session(engine) as session:
        reference = session.scalar(select(Case.reference).where(Case.subject_id == found[0]))
    assert reference is not None
    assert reference.startswith("LVWS-")
    assert page.inner_text(".govuk-panel__body strong") == reference
    assert_accessible(page)


def test_form_and_its_errors_pass_the_accessibility_checks(page: Any) -> None:
    page.goto("/self-referral")
    assert_accessible(page)
    page.click("button:has-text('Send my referral')")
    assert page.inner_text(".govuk-error-summary")
    assert_accessible(page)
