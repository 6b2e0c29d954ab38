"""A team manager's pages in Chromium: the dashboard counts without names, unassigned and
overdue lists, assignment and reassignment; the manager who assigns keeps sight of the case,
the caseworker it was taken from loses it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts.models import User
from accord.cases.models import Case
from accord.referrals import intake
from accord.referrals.schemas import PoliceReferralIn
from factories.cases import police, referral_body
from support.axe import assert_accessible

from .conftest import LiveServer
from .test_caseworker_pages import people
from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def received(engine: Engine, family: str, days_ago: int) -> tuple[uuid.UUID, str]:
    """A police referral received `days_ago` days ago; its case id and reference."""
    when = datetime.now(UTC) - timedelta(days=days_ago)
    body = referral_body(
        police_reference=f"MPS-{uuid.uuid4().hex[:10]}",
        person__family_name=family,
        consent__captured_at=(when - timedelta(hours=1)).isoformat(),
        crime__crime_date=(when - timedelta(days=1)).date().isoformat(),
    )
    data = PoliceReferralIn.model_validate(body)
    referrer = police()
    with Session(engine) as session:
        accepted = intake.receive(
            session,
            actor=referrer,
            intake=intake.from_police(data, actor=referrer),
            now=when,
        )
        session.commit()
        case = session.get(Case, accepted.case_id)
        assert case is not None
        assert case.reference is not None
        return case.id, case.reference


def test_manager_assigns_and_reassigns_and_keeps_sight_of_the_case(
    browser: Any, live_server: LiveServer, engine: Engine, make_user: Callable[..., User]
) -> None:
    manager, first = people(engine, make_user)
    _, second = people(engine, make_user)
    late_family, new_family = f"Late{uuid.uuid4().hex[:5]}", f"New{uuid.uuid4().hex[:5]}"
    late_id, late_ref = received(engine, late_family, days_ago=12)
    _, new_ref = received(engine, new_family, days_ago=0)

    lead = browser.new_context(base_url=live_server.url)
    page = lead.new_page()
    page.goto("/")
    sign_in(page, manager.email)
    assert "overdue contacts" in page.inner_text("#sections")
    page.click("#sections a:has-text('Your team')")
    assert page.inner_text("h1") == "Your team"
    dashboard = page.inner_text("main")
    assert "Overdue contacts" in dashboard
    # Numbers only: nobody we support is named on the dashboard.
    assert late_family not in dashboard
    assert new_family not in dashboard
    assert_accessible(page)

    page.click("a:has-text('Overdue contacts')")
    overdue = page.inner_text("#case-table")
    assert late_ref in overdue
    assert new_ref not in overdue
    assert "Overdue" in page.locator("#case-table tr", has_text=late_ref).inner_text()
    assert_accessible(page)

    page.goto("/cases/team/unassigned")
    assert late_ref in page.inner_text("#case-table")
    assert new_ref in page.inner_text("#case-table")
    assert_accessible(page)

    # Assign, then reassign to someone else.
    page.goto(f"/cases/{late_id}/assign")
    page.locator("label", has_text=first.name).click()
    page.click("button:has-text('Assign the case')")
    assert first.name in page.inner_text("#case-summary")
    page.goto(f"/cases/{late_id}/assign")
    assert f"It is assigned to {first.name} now" in page.inner_text("main")
    assert_accessible(page)
    page.locator("label", has_text=second.name).click()
    page.click("button:has-text('Assign the case')")
    timeline = page.inner_text("#timeline")
    assert f"Assigned to {second.name}" in timeline
    assert f"Assigned to {first.name}" in timeline
    page.goto("/cases/team/unassigned")
    assert late_ref not in page.inner_text("main")
    page.goto("/cases?view=team")
    row = page.locator("#case-table tr", has_text=late_ref)
    assert second.name in row.inner_text()
    lead.close()

    # The caseworker it was taken from no longer has it; the new one does.
    for user, sees in ((first, False), (second, True)):
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.goto("/cases")
        sign_in(page, user.email)
        assert (late_ref in page.inner_text("main")) is sees
        page.goto(f"/cases/{late_id}")
        if sees:
            assert page.inner_text("#case-reference") == late_ref
        else:
            assert page.inner_text("h1") == "This case is not in your caseload"
        assert_accessible(page)
        context.close()
