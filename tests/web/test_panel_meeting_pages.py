"""A panel coordinator runs a meeting from the pages in Chromium: schedules it, adds a case
from the panel's case list to its agenda, records the minutes and an action for a partner
agency with a due date; the partner finds the action on their panel work, sees no
coordinator's forms, and is refused with a plain page when they post one."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlparse

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts.models import User
from accord.accounts.service import add_to_team
from factories.actors import actor
from factories.panels import panel_case
from support.axe import assert_accessible

from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def marac_case(engine: Engine) -> tuple[str, str]:
    """An open MARAC case not on any agenda: (reference, id)."""
    coordinator = actor("hounslow", "panel-coordinator", teams=["marac"])
    with Session(engine) as session:
        case = panel_case(session, coordinator)
        session.commit()
        return case.reference, str(case.id)


def in_marac_team(engine: Engine, user: User) -> User:
    with Session(engine, expire_on_commit=False) as session:
        found = session.get(User, user.id)
        assert found is not None
        add_to_team(session, user=found, team="marac", name="MARAC")
    return user


def fill_date(page: Any, name: str, day: date) -> None:
    page.fill(f"#{name}-day", str(day.day))
    page.fill(f"#{name}-month", str(day.month))
    page.fill(f"#{name}-year", str(day.year))


def test_coordinator_runs_a_meeting_and_the_partner_finds_their_action(
    page: Any, engine: Engine, make_user: Callable[..., User]
) -> None:
    reference, case_id = marac_case(engine)
    tag = uuid.uuid4().hex[:4]
    coordinator = in_marac_team(
        engine,
        make_user(
            organisation="hounslow",
            roles=(("hounslow", "panel-coordinator"),),
            name=f"Pat Coordinator {tag}",
        ),
    )
    partner = in_marac_team(
        engine,
        make_user(
            organisation="metropolitan-police",
            roles=(("hounslow", "partner-agency"),),
            name=f"PC Partner {tag}",
        ),
    )
    room = f"Hounslow House, room {tag}"
    held_on = date.today() + timedelta(days=7)
    due_on = date.today() + timedelta(days=21)

    page.goto("/")
    sign_in(page, coordinator.email)
    page.goto("/panels")
    page.click("a:has-text('Schedule a meeting')")
    assert page.inner_text("h1") == "Schedule a meeting"
    assert_accessible(page)

    # A date that does not exist: the error summary names it and links to the field.
    page.check("input[name=panel][value=marac]")
    page.fill("#held_on-day", "31")
    page.fill("#held_on-month", "2")
    page.fill("#held_on-year", str(held_on.year))
    page.fill("#location", room)
    page.fill("#chair", "Alex Chair (council)")
    page.click("button:has-text('Schedule a meeting')")
    summary = page.inner_text(".govuk-error-summary")
    assert "The date of the meeting must be a real date" in summary
    assert page.get_attribute(".govuk-error-summary a", "href") == "#held_on-day"
    assert page.input_value("#location") == room
    assert_accessible(page)
    # A year out of range is refused by the service, on the same field.
    fill_date(page, "held_on", date(1999, 3, 1))
    page.click("button:has-text('Schedule a meeting')")
    assert "check the year" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)

    fill_date(page, "held_on", held_on)
    page.click("button:has-text('Schedule a meeting')")
    assert "The meeting is scheduled" in page.inner_text(".govuk-notification-banner")
    assert room in page.inner_text("#meeting-summary")
    meeting_path = urlparse(page.url).path
    assert_accessible(page)

    # From the panel's case list, add the case to the agenda.
    page.click("a:has-text('Add to the agenda')")
    assert "Adding cases to the agenda" in page.inner_text("#adding")
    assert_accessible(page)
    page.click(f"#case-table button:has-text('Add to the agenda {reference}')")
    assert "The case is on the agenda" in page.inner_text(".govuk-notification-banner")
    agenda = page.inner_text("#agenda")
    assert reference in agenda
    assert "Not minuted" in agenda
    assert "0 of 1 case minuted" in page.inner_text("#minuted")
    assert_accessible(page)

    # Record the minutes: nothing written first, then the discussion and the decision.
    page.click("#agenda a:has-text('Record the minutes')")
    assert page.inner_text("h1") == reference
    assert "Not minuted yet" in page.inner_text("#minutes")
    assert_accessible(page)
    page.click("button:has-text('Record the minutes')")
    summary = page.inner_text(".govuk-error-summary")
    assert "Enter what the panel discussed" in summary
    assert "Enter what the panel decided" in summary
    assert_accessible(page)
    page.fill("#discussion", "Police reported two call-outs since the referral.")
    page.fill("#decision", "Joint visit with housing; locks to be changed.")
    page.click("button:has-text('Record the minutes')")
    assert "The minutes are saved" in page.inner_text(".govuk-notification-banner")
    assert "two call-outs" in page.inner_text("#minutes")
    assert_accessible(page)

    # An action for the police: a bad due date first, then a real one.
    page.fill("#description", "Visit with the housing officer and change the locks")
    page.select_option("#owner_agency", label="Metropolitan Police Service")
    page.fill("#due_on-day", "12")
    page.click("button:has-text('Add an action')")
    assert "must include a month and year" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    fill_date(page, "due_on", due_on)
    page.click("button:has-text('Add an action')")
    assert "The action is added" in page.inner_text(".govuk-notification-banner")
    actions = page.inner_text("#actions")
    assert "change the locks" in actions
    assert "Metropolitan Police Service" in actions
    assert due_on.strftime("%-d %B %Y") in actions
    assert "To do" in actions
    assert_accessible(page)

    page.goto(meeting_path)
    assert "Minuted" in page.inner_text("#agenda")
    assert "1 of 1 case minuted" in page.inner_text("#minuted")
    page.click("button:has-text('Sign out')")

    # The partner finds the action from their panel work, with no coordinator's forms.
    page.goto("/")
    sign_in(page, partner.email)
    page.goto("/panels")
    assert "Schedule a meeting" not in page.inner_text("main")
    page.click(f"#meetings-hounslow a[href='{meeting_path}']")
    assert "Add to the agenda" not in page.inner_text("main")
    assert "Record the minutes" not in page.inner_text("main")
    assert_accessible(page)
    page.click(f"#agenda a:has-text('{reference}')")
    actions = page.inner_text("#actions")
    assert "change the locks" in actions
    assert "To do" in actions
    assert_accessible(page)

    # Posting a coordinator's form anyway is refused with a plain page.
    token = page.get_attribute("input[name=csrf_token]", "value")
    answer = page.request.post(
        f"{meeting_path}/cases/{case_id}/minutes",
        form={"csrf_token": token, "discussion": "Not mine to write", "decision": "None"},
        headers={"Accept": "text/html"},
    )
    assert answer.status == 403
    assert "You cannot do this" in answer.text()
    assert "no-permission" not in answer.text()
    answer = page.request.post(
        f"{meeting_path}/agenda",
        form={"csrf_token": token, "case_id": case_id},
        headers={"Accept": "text/html"},
    )
    assert answer.status == 403
    assert "You cannot do this" in answer.text()
    page.goto(f"{meeting_path}/cases/{case_id}")
    assert "You cannot do this" in page.inner_text("h1")
    assert_accessible(page)
