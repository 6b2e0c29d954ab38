"""A caseworker's and a team manager's day through the pages, in Chromium: a referral from
the police API appears in the intake queue, its service is accepted, it is assigned,
contacted, supported and closed; every page passes the accessibility checks and a form with
bad input shows the GOV.UK error summary."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from accord.accounts import service as accounts
from accord.accounts.actor import actor_for_user
from accord.accounts.models import User
from accord.accounts.tokens import create_token
from accord.cases import workflow
from accord.cases.models import Case
from accord.cases.schemas import AssignmentIn
from factories.cases import dob_for_age, referral_body
from support.axe import assert_accessible

from .conftest import LiveServer
from .test_sign_in import sign_in

pytestmark = pytest.mark.browser

SUGGESTED = "Adult and domestic abuse support"  # the LVWS service routing suggests for adults


def people(engine: Engine, make_user: Callable[..., User]) -> tuple[User, User]:
    """A team manager and a caseworker of Victim Support, both in the intake team."""
    manager = make_user(roles=(("lvws", "team-manager"),), name="Tess Manager")
    worker = make_user(roles=(("lvws", "caseworker"),), name=f"Sam Worker {uuid.uuid4().hex[:4]}")
    with Session(engine, expire_on_commit=False) as session:
        for user in (manager, worker):
            found = session.get(User, user.id)
            assert found is not None
            accounts.add_to_team(session, user=found, team="intake", name="Intake")
    return manager, worker


def police_referral(engine: Engine, live_server: LiveServer, **overrides: Any) -> uuid.UUID:
    """A referral sent by the Met's system to the API, as the police would."""
    with Session(engine) as session:
        issued = create_token(
            session,
            name="Met referral feed (page test)",
            organisation="metropolitan-police",
            register="lvws",
            role="police-referrer",
        )
        session.commit()
    body = referral_body(police_reference=f"MPS-{uuid.uuid4().hex[:10]}", **overrides)
    answer = httpx.post(
        f"{live_server.url}/api/referrals",
        json=body,
        headers={"Authorization": f"Bearer {issued.secret}"},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return uuid.UUID(answer.json()["case_id"])


def reference_of(engine: Engine, case_id: uuid.UUID) -> str:
    with Session(engine) as session:
        found = session.scalar(select(Case.reference).where(Case.id == case_id))
    assert found is not None
    return found


def test_referral_from_the_police_to_closure_through_the_pages(
    browser: Any, live_server: LiveServer, engine: Engine, make_user: Callable[..., User]
) -> None:
    manager, worker = people(engine, make_user)
    family = f"Okafor{uuid.uuid4().hex[:4]}"
    phone = f"07700 900{uuid.uuid4().int % 1000:03d}"
    case_id = police_referral(
        engine,
        live_server,
        person__given_name="Grace",
        person__family_name=family,
        person__date_of_birth=dob_for_age(41),
        person__phone=phone,
    )
    reference = reference_of(engine, case_id)
    name = f"Grace {family}"

    # The team manager of the intake team: the referral waits in the intake queue.
    lead = browser.new_context(base_url=live_server.url)
    page = lead.new_page()
    page.goto("/")
    sign_in(page, manager.email)
    assert "Intake queue" in page.inner_text("#sections")
    assert "Your team" in page.inner_text("#sections")
    assert_accessible(page)
    page.click("#sections a:has-text('Intake queue')")
    row = page.locator("#intake-table tr", has_text=reference)
    assert name in row.inner_text()
    assert SUGGESTED in row.inner_text()
    assert_accessible(page)

    # Bad input: another service without a reason is refused with the error summary.
    row.locator("a:has-text('Accept or change')").click()
    assert page.inner_text("h1") == "Accept or change the service"
    assert_accessible(page)
    page.locator("input[name=service][value=restorative-justice]").check()
    page.click("button:has-text('Save the service')")
    summary = page.inner_text(".govuk-error-summary")
    assert "Give a reason for choosing a different service" in summary
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.click(".govuk-error-summary a[href='#reason']")
    # The suggested service, accepted.
    page.locator("label:has-text('(suggested)')").click()
    page.click("button:has-text('Save the service')")
    assert f"Service accepted for {reference}" in page.inner_text(".govuk-notification-banner")
    assert page.locator("#intake-table tr", has_text=reference).count() == 0
    assert_accessible(page)

    # Assigned to the caseworker: the manager still sees the case afterwards.
    page.goto(f"/cases/{case_id}")
    assert_accessible(page)
    page.click("#tasks a:has-text('Assign a caseworker')")
    assert_accessible(page)
    page.click("button:has-text('Assign the case')")
    assert "Select who will work on the case" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.locator("label", has_text=worker.name).click()
    page.click("button:has-text('Assign the case')")
    assert page.url.endswith(f"/cases/{case_id}")
    assert worker.name in page.inner_text("#case-summary")
    assert f"Assigned to {worker.name}" in page.inner_text("#timeline")
    page.goto("/cases?view=team")
    assert name in page.inner_text("#case-table")
    assert_accessible(page)
    page.goto("/cases/team")
    assert_accessible(page)
    page.goto("/cases/team/overdue")
    assert_accessible(page)
    page.goto("/cases/team/unassigned")
    assert reference not in page.inner_text("main")
    assert_accessible(page)
    lead.close()

    # The caseworker finds it in their caseload and works it.
    own = browser.new_context(base_url=live_server.url)
    page = own.new_page()
    page.goto("/cases")
    sign_in(page, worker.email)
    assert page.inner_text("h1") == "My cases"
    row = page.locator("#case-table tr", has_text=reference)
    assert name in row.inner_text()
    assert "New referral" in row.inner_text()
    assert_accessible(page)
    row.locator(f"a:has-text('{name}')").click()
    assert page.inner_text("h1") == name
    assert page.inner_text("#case-reference") == reference
    assert "PC 1234 Example" in page.inner_text("#consent")
    assert "Referral received from the police" in page.inner_text("#timeline")
    assert "Service accepted" in page.inner_text("#timeline")
    assert_accessible(page)

    page.click("#case-actions a:has-text('Record a contact')")
    assert_accessible(page)
    page.click("button:has-text('Save the contact')")
    summary = page.inner_text(".govuk-error-summary")
    assert "Select what happened" in summary
    assert "Select how you contacted them" in summary
    assert_accessible(page)
    page.check("#outcome")  # the first answer: they want support
    page.check("#channel")  # by phone
    page.fill("#note", "Spoke to Grace; she would like help with home security.")
    page.click("button:has-text('Save the contact')")
    assert "Being supported" in page.inner_text("#case-status")
    assert "Phone contact: spoke to them: they want support" in page.inner_text("#timeline")

    page.click("#case-actions a:has-text('Record a need')")
    assert_accessible(page)
    page.click("button:has-text('Save the need')")
    assert "Select at least one need" in page.inner_text(".govuk-error-summary")
    page.locator("label:has-text('Home security')").click()
    page.locator("label:has-text('Medium')").click()
    page.click("button:has-text('Save the need')")
    assert "Needs assessed: home security. Risk: medium" in page.inner_text("#timeline")

    page.click("#case-actions a:has-text('Record support')")
    assert_accessible(page)
    assert page.input_value("#delivered_by") == worker.name
    page.fill("#type", "home security visit")
    page.fill("#duration_minutes", "ninety")
    page.click("button:has-text('Save the support')")
    assert "Enter how long it took in minutes" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.fill("#duration_minutes", "90")
    page.click("button:has-text('Save the support')")
    assert f"Support given: home security visit, by {worker.name}" in page.inner_text("#timeline")
    tasks = page.inner_text("#tasks")
    assert "Assess their needs\tCompleted" in tasks
    assert "Give support\tCompleted" in tasks

    page.click("#case-actions a:has-text('Add a note')")
    page.fill("#text", "Locks fitted on the back door.")
    page.click("button:has-text('Save the note')")
    assert "Note: Locks fitted on the back door." in page.inner_text("#timeline")

    page.click("#case-actions a:has-text('Close the case')")
    assert_accessible(page)
    page.click("button:has-text('Continue')")
    assert "Select why you are closing the case" in page.inner_text(".govuk-error-summary")
    page.locator("label:has-text('Support is complete')").click()
    page.click("button:has-text('Continue')")
    assert page.inner_text("h1") == "Check your answers before closing the case"
    assert "Support is complete" in page.inner_text("#check-answers")
    assert_accessible(page)
    page.click("button:has-text('Close the case')")
    assert page.url.endswith(f"/cases/{case_id}")
    assert "Closed" in page.inner_text("#case-status")
    assert "Case closed: support is complete" in page.inner_text("#timeline")
    summary_list = page.inner_text("#case-summary")
    assert "Record kept until" in summary_list
    assert "Set when the case closes" not in summary_list
    assert page.locator("#case-actions").count() == 0
    assert_accessible(page)

    # Found again by reference (typed loosely) and by phone, through the search page.
    page.goto("/cases/search")
    assert_accessible(page)
    page.fill("#reference", reference.lower().replace("-0", " - "))
    page.click("button:has-text('Search')")
    assert name in page.inner_text("#case-table")
    page.goto("/cases/search")
    page.fill("#phone", phone)
    page.click("button:has-text('Search')")
    assert reference in page.inner_text("#case-table")
    assert_accessible(page)
    page.goto("/cases/search")
    page.fill("#name", name)
    page.click("button:has-text('Search')")
    assert "full name and their date of birth together" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    own.close()


def test_a_case_outside_the_caseload_says_how_to_ask_for_access(
    page: Any, live_server: LiveServer, engine: Engine, make_user: Callable[..., User]
) -> None:
    _, worker = people(engine, make_user)
    case_id = police_referral(engine, live_server, person__family_name="Outside")
    page.goto(f"/cases/{case_id}")
    sign_in(page, worker.email)
    assert page.inner_text("h1") == "This case is not in your caseload"
    assert "outside-caseload" not in page.content()
    assert_accessible(page)
    page.click("button:has-text('Ask for access')")
    assert "Enter why you need to open this case" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.fill("#reason", "Covering for a colleague on leave today")
    page.click("button:has-text('Ask for access')")
    assert page.url.endswith(f"/cases/{case_id}")
    assert "Outside" in page.inner_text("h1")


def test_a_referral_not_taken_up_is_reopened_with_a_reason(
    page: Any, live_server: LiveServer, engine: Engine, make_user: Callable[..., User]
) -> None:
    manager, worker = people(engine, make_user)
    case_id = police_referral(engine, live_server, person__family_name="Returning")
    with Session(engine) as session:
        lead = session.get(User, manager.id)
        assert lead is not None
        workflow.assign(
            session,
            actor=actor_for_user(lead),
            case_id=case_id,
            data=AssignmentIn(user_id=worker.id),
        )
        session.commit()
    page.goto(f"/cases/{case_id}/contact")
    sign_in(page, worker.email)
    page.locator("label:has-text('they do not want support')").click()
    page.locator("label:has-text('Phone')").click()
    page.click("button:has-text('Save the contact')")
    assert "Not taken up" in page.inner_text("#case-status")
    assert "Not taken up: they did not want support" in page.inner_text("#timeline")
    page.click("a:has-text('Reopen the case')")
    assert_accessible(page)
    page.click("button:has-text('Continue')")
    assert "Enter why the case is being reopened" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.fill("#reason", "She phoned back and would like support now")
    page.click("button:has-text('Continue')")
    assert page.inner_text("h1") == "Check your answers before reopening the case"
    assert "She phoned back" in page.inner_text("#check-answers")
    assert_accessible(page)
    page.click("button:has-text('Reopen the case')")
    assert "Being supported" in page.inner_text("#case-status")
    assert "Case reopened: She phoned back" in page.inner_text("#timeline")
    assert page.locator("#case-actions a:has-text('Record support')").count() == 1
