"""A team manager reopens a closed case through the pages: the reason, check your answers,
then the case is open again and its timeline says who reopened it and why; every page passes
the accessibility checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts.actor import actor_for_user
from accord.accounts.models import User
from accord.cases import workflow
from accord.cases.schemas import AssignmentIn, CloseIn, ContactIn
from support.axe import assert_accessible

from .conftest import LiveServer
from .test_caseworker_pages import people, police_referral
from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_a_team_manager_reopens_a_closed_case_after_checking_the_answers(
    page: Any, live_server: LiveServer, engine: Engine, make_user: Callable[..., User]
) -> None:
    manager, worker = people(engine, make_user)
    case_id = police_referral(engine, live_server, person__family_name="Closedbefore")
    with Session(engine) as session:
        lead = session.get(User, manager.id)
        mine = session.get(User, worker.id)
        assert lead is not None
        assert mine is not None
        workflow.assign(
            session, actor=actor_for_user(lead), case_id=case_id, data=AssignmentIn(user_id=mine.id)
        )
        who = actor_for_user(mine)
        workflow.record_contact(
            session, actor=who, case_id=case_id, data=ContactIn(outcome="engaged", channel="phone")
        )
        workflow.close_case(
            session, actor=who, case_id=case_id, data=CloseIn(reason="support-completed")
        )
        session.commit()

    page.goto(f"/cases/{case_id}")
    sign_in(page, manager.email)
    assert "Closed" in page.inner_text("#case-status")
    page.click("a:has-text('Reopen the case')")
    assert page.inner_text("h1") == "Reopen the case"
    assert_accessible(page)
    page.fill("#reason", "x" * 501)
    page.click("button:has-text('Continue')")
    assert "500 characters or fewer" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.fill("#reason", "A new incident: she asked for support again")
    page.click("button:has-text('Continue')")
    assert page.inner_text("h1") == "Check your answers before reopening the case"
    assert "A new incident" in page.inner_text("#check-answers")
    assert "no longer from when it was closed" in page.inner_text("main")
    assert_accessible(page)
    page.click("button:has-text('Reopen the case')")
    assert page.url.endswith(f"/cases/{case_id}")
    assert "Being supported" in page.inner_text("#case-status")
    assert "Case reopened: A new incident" in page.inner_text("#timeline")
    assert_accessible(page)
