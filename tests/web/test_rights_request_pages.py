"""The rights pages in Chromium, each checked with axe: the public request form (empty,
with errors, sent), the team's queue, and a request's page where an event is recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts.actor import actor_for_user
from accord.accounts.models import User
from accord.rights import requests
from accord.rights.schemas import RequestIn
from factories.registers import using
from support.axe import assert_accessible

from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_the_public_form_shows_errors_and_takes_a_request(page: Any) -> None:
    page.goto("/your-data/request")
    assert page.inner_text("h1") == "Ask about your information"
    assert_accessible(page)
    page.click("button:has-text('Send request')")
    assert page.title().startswith("Error: ")
    summary = page.inner_text(".govuk-error-summary")
    assert "Choose at least one thing you want us to do" in summary
    assert "Say whether the information is about you or someone else" in summary
    assert_accessible(page)
    page.check("#acting-self")
    page.fill("#given_name", "Ada")
    page.fill("#family_name", "Lovelace")
    page.fill("#email", "ada@example.org")
    page.check("#rights")
    page.click("button:has-text('Send request')")
    assert page.inner_text("h1") == "Request sent"
    assert len(page.inner_text(".govuk-panel__body strong")) == 8
    assert_accessible(page)


def test_the_team_works_a_request_from_the_queue(
    page: Any,
    make_user: Callable[..., User],
    engine: Engine,
) -> None:
    dpo = make_user(organisation="mopac", roles=(("mopac", "dpo"),), name="Dana Officer")
    with using("mopac"), Session(engine) as session:
        found = session.get(User, dpo.id)
        assert found is not None
        made = requests.log_request(
            session,
            actor=actor_for_user(found),
            data=RequestIn.model_validate(
                {
                    "register": "mopac",
                    "channel": "letter",
                    "rights": ["access", "erasure"],
                    "requester": {
                        "given_name": "Grace",
                        "family_name": "Hopper",
                        "address": "1 High Street, London",
                    },
                }
            ),
        )
        session.commit()
    page.goto("/rights?register=mopac")
    sign_in(page, dpo.email)
    assert page.inner_text("h1") == "Rights requests"
    row = page.locator("tr", has_text=made.reference)
    assert "Identity not yet confirmed" in row.inner_text()
    assert_accessible(page)
    # Logging a request from a letter: the empty form's errors, checked too.
    page.click("a:has-text('Log a request')")
    assert page.inner_text("h1") == "Log a rights request"
    assert_accessible(page)
    page.fill("#received-day", "")
    page.click("button:has-text('Log request')")
    summary = page.inner_text(".govuk-error-summary")
    assert "Choose how the request arrived" in summary
    assert "Enter the date the request arrived" in summary
    assert_accessible(page)
    page.goto("/rights?register=mopac")
    page.click(f"a:has-text('{made.reference}')")
    assert page.inner_text("h1") == made.reference
    assert "The clock has not started" in page.inner_text("#due")
    assert "Grace Hopper" in page.inner_text("main")
    assert_accessible(page)
    # A refused event: the error summary names the field, nothing is recorded.
    page.select_option("#kind", "extension-decided")
    page.click("button:has-text('Record')")
    assert "Give the reason" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.select_option("#kind", "identity-verified")
    page.select_option("#reason", "")
    page.click("button:has-text('Record')")
    assert "Response due by" in page.inner_text("#due")
    steps = page.inner_text("#clock-steps")
    assert "The clock started on" in steps
    assert "Identity confirmed" in page.inner_text("#events")
    assert_accessible(page)
