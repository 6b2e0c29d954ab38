"""The search page finds a person by their date of birth alone, among the cases the searcher
may see, and passes the accessibility checks."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts.actor import actor_for_user
from accord.accounts.models import User
from accord.cases import workflow
from accord.cases.schemas import AssignmentIn
from support.axe import assert_accessible

from .conftest import LiveServer
from .test_caseworker_pages import people, police_referral, reference_of
from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_a_caseworker_finds_their_case_by_date_of_birth_alone(
    page: Any, live_server: LiveServer, engine: Engine, make_user: Callable[..., User]
) -> None:
    manager, worker = people(engine, make_user)
    family = f"Dobson{uuid.uuid4().hex[:4]}"
    case_id = police_referral(
        engine, live_server, person__family_name=family, person__date_of_birth="1971-08-23"
    )
    reference = reference_of(engine, case_id)
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
    page.goto("/cases/search")
    sign_in(page, worker.email)
    assert "a date of birth can be searched on its own" in page.inner_text("main")
    page.fill("#dob-day", "23")
    page.fill("#dob-month", "8")
    page.fill("#dob-year", "1971")
    page.click("button:has-text('Search')")
    row = page.locator("#case-table tr", has_text=reference)
    assert family in row.inner_text()
    assert_accessible(page)
