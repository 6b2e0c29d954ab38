"""A DPO's day in Chromium: review access outside a caseload, then find it in the audit trail
and check the trail has not been altered."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from accord.accounts.actor import actor_for_user
from accord.accounts.models import User
from accord.cases.access import case_target
from accord.cases.models import Case
from accord.cases.purposes import CASEWORK
from accord.gate import access
from accord.gate.models import AccessGrant
from support.axe import assert_accessible

from .test_sign_in import sign_in
from .test_team_manager_pages import received

pytestmark = pytest.mark.browser


def opened_outside_caseload(engine: Engine, worker: User) -> uuid.UUID:
    case_id, _ = received(engine, f"Outside{uuid.uuid4().hex[:5]}", days_ago=1)
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        user = session.get(User, worker.id)
        assert user is not None
        grant = access.request_access(
            session,
            actor=actor_for_user(user),
            purpose=CASEWORK,
            target=case_target(case),
            reason="Covering the duty line: the victim rang asking for their caseworker",
        )
        session.commit()
        return grant.id


def test_dpo_reviews_access_and_finds_it_in_the_audit_trail(
    page: Any, engine: Engine, make_user: Callable[..., User]
) -> None:
    worker = make_user(name=f"Casey Worker {uuid.uuid4().hex[:4]}")
    dpo = make_user(roles=(("lvws", "dpo"),), name="Dana Protection")
    grant_id = opened_outside_caseload(engine, worker)

    page.goto("/")
    sign_in(page, dpo.email)
    page.click("a:has-text('Access outside caseloads')")
    card = page.locator(f"#review-{grant_id}")
    assert worker.name in card.inner_text()
    assert "Covering the duty line" in card.inner_text()
    assert_accessible(page)

    # Not appropriate, but no note: the error summary asks for one and nothing is saved.
    card.locator("label:has-text('No, end the access now')").click()
    card.locator("button:has-text('Save review')").click()
    assert "Say why the access was not appropriate" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.locator(f"#review-{grant_id} label:has-text('Yes, it was appropriate')").click()
    page.locator(f"#review-{grant_id} button:has-text('Save review')").click()
    assert "Your review is saved" in page.inner_text(".govuk-notification-banner")
    with Session(engine) as session:
        grant = session.scalars(select(AccessGrant).where(AccessGrant.id == grant_id)).one()
        assert (grant.review_state, grant.reviewed_by) == ("appropriate", dpo.id)

    page.goto("/audit")
    page.fill("#user", worker.email)
    page.click("button:has-text('Search')")
    rows = page.inner_text("#trail")
    assert worker.name in rows
    assert "Opened outside their caseload" in rows
    assert "outside-caseload" not in rows  # words, not the gate's codes
    assert_accessible(page)
    page.fill("#user", dpo.email)
    page.click("button:has-text('Search')")
    assert "Reviewed access" in page.inner_text("#trail")
    assert "Access was appropriate" in page.inner_text("#trail")

    page.click("button:has-text('Check the trail has not been altered')")
    assert "has not been altered" in page.inner_text("#verification")
    assert_accessible(page)


def test_a_caseworker_is_shown_a_page_saying_what_to_do_not_a_code(
    page: Any, make_user: Callable[..., User]
) -> None:
    worker = make_user()
    page.goto("/")
    sign_in(page, worker.email)
    page.goto("/audit")
    assert page.inner_text("h1") == "You cannot do this"
    assert "ask your team manager" in page.inner_text("main")
    assert "no-permission" not in page.content()
    assert_accessible(page)
