"""Panel pages in Chromium: a partner agency's officer finds their panel work from a list
(meeting, where it is, its agenda, the shared case) and records an update on their action."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts.models import User
from accord.accounts.service import add_to_team
from accord.panels.meetings import list_case, schedule_meeting
from factories.actors import actor
from factories.panels import panel_case, shared_action
from support.axe import assert_accessible

from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def marac_case_on_an_agenda(engine: Engine, room: str) -> tuple[str, str]:
    """A MARAC meeting next week at `room` with a case whose action the police own."""
    coordinator = actor("hounslow", "panel-coordinator", teams=["marac"])
    with Session(engine) as session:
        sitting = schedule_meeting(
            session,
            actor=coordinator,
            register="hounslow",
            panel="marac",
            held_on=date.today() + timedelta(days=7),
            chair="Alex Chair (council)",
            location=room,
        )
        case = panel_case(session, coordinator)
        list_case(session, actor=coordinator, meeting_id=sitting.id, case_id=case.id)
        shared_action(session, coordinator, case, agency="metropolitan-police")
        session.commit()
        return case.reference, str(sitting.id)


def officer(engine: Engine, make_user: Callable[..., User], *, in_team: bool) -> User:
    user = make_user(
        organisation="metropolitan-police",
        roles=(("hounslow", "partner-agency"),),
        name=f"PC Partner {uuid.uuid4().hex[:4]}",
    )
    if in_team:
        with Session(engine, expire_on_commit=False) as session:
            found = session.get(User, user.id)
            assert found is not None
            add_to_team(session, user=found, team="marac", name="MARAC")
    return user


def test_partner_finds_their_panel_work_and_updates_their_action(
    page: Any, engine: Engine, make_user: Callable[..., User]
) -> None:
    room = f"Hounslow House, room {uuid.uuid4().hex[:4]}"
    reference, meeting_id = marac_case_on_an_agenda(engine, room)
    partner = officer(engine, make_user, in_team=True)

    page.goto("/")
    sign_in(page, partner.email)
    page.click("#sections a:has-text('Panel meetings')")
    assert room in page.inner_text("#meetings-hounslow")
    assert_accessible(page)
    page.click(f"a[href='/panels/meetings/{meeting_id}']")
    assert room in page.inner_text("#meeting-summary")
    assert reference in page.inner_text("#agenda")
    assert_accessible(page)

    page.click(f"#agenda a:has-text('{reference}')")
    assert page.inner_text("h1") == reference
    assert "Joint visit with the housing officer" in page.inner_text("#actions")
    page.click("button:has-text('Save update')")  # nothing written
    assert "Write the update" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.select_option("#action_id", index=1)
    page.fill("#text", "Visit done with housing on Tuesday; locks changed.")
    page.check("#done")
    page.click("button:has-text('Save update')")
    assert "Your update is saved" in page.inner_text(".govuk-notification-banner")
    actions = page.inner_text("#actions")
    assert "locks changed" in actions
    assert "Done" in actions
    assert_accessible(page)

    page.goto("/panels/hounslow/marac/cases")
    assert reference in page.inner_text("#case-table")


def test_officer_outside_the_panel_team_is_told_how_to_get_in(
    page: Any, engine: Engine, make_user: Callable[..., User]
) -> None:
    reference, _ = marac_case_on_an_agenda(engine, "Civic Centre")
    partner = officer(engine, make_user, in_team=False)
    page.goto("/")
    sign_in(page, partner.email)
    page.goto("/panels/hounslow/marac/cases")
    assert reference not in page.inner_text("main")
    assert "ask your team manager to add you to its team" in page.inner_text("#no-cases")
    assert_accessible(page)
