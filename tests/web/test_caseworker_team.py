"""A caseworker who shares their team's caseload sees the team's cases in outline (name,
reference, status, next contact, who has it) beside their own, and opens a colleague's case
only by asking for access with a reason; the pages pass the accessibility checks."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts import service as accounts
from accord.accounts.actor import actor_for_user
from accord.accounts.models import User
from accord.cases import workflow
from accord.cases.schemas import AssignmentIn
from support.axe import assert_accessible

from .conftest import LiveServer
from .test_caseworker_pages import people, police_referral, reference_of
from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_my_team_cases_in_outline_and_a_colleague_case_through_an_access_request(
    browser: Any, live_server: LiveServer, engine: Engine, make_user: Callable[..., User]
) -> None:
    manager, colleague = people(engine, make_user)
    me = make_user(
        roles=(("lvws", "caseworker"), ("lvws", "team-member")),
        name=f"Ola Worker {uuid.uuid4().hex[:4]}",
    )
    family = f"Mensah{uuid.uuid4().hex[:4]}"
    case_id = police_referral(engine, live_server, person__family_name=family)
    reference = reference_of(engine, case_id)
    with Session(engine) as session:
        mine = session.get(User, me.id)
        lead = session.get(User, manager.id)
        assert mine is not None
        assert lead is not None
        accounts.add_to_team(session, user=mine, team="intake", name="Intake")
        workflow.assign(
            session,
            actor=actor_for_user(lead),
            case_id=case_id,
            data=AssignmentIn(user_id=colleague.id),
        )
        session.commit()

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/cases")
    sign_in(page, me.email)
    assert page.inner_text("h1") == "My cases"
    assert_accessible(page)
    page.click('nav[aria-label=Casework] a:has-text("My team\'s cases")')
    assert page.inner_text("h1") == "My team's cases"
    assert "ask for access" in page.inner_text("#outline-note")
    row = page.locator("#case-table tr", has_text=reference)
    assert family in row.inner_text()
    assert colleague.name in row.inner_text()
    headers = page.inner_text("#case-table thead")
    assert "Contact due" in headers
    assert "Record kept until" not in headers
    assert_accessible(page)

    # The colleague's case opens only through an access request, with a reason.
    row.locator("a").first.click()
    assert page.inner_text("h1") == "This case is not in your caseload"
    assert family not in page.inner_text("main")
    assert_accessible(page)
    context.close()
