"""Discovery confirmation and bundle review in Chromium, each page checked with axe."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts.actor import actor_for_user
from accord.accounts.models import User
from accord.rights import discovery
from factories.registers import using
from rights.bundle_people import EMAIL, known_person
from support.axe import assert_accessible

from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_the_team_confirms_records_and_reviews_the_copy(
    page: Any,
    make_user: Callable[..., User],
    engine: Engine,
) -> None:
    dpo = make_user(organisation="victim-support", roles=(("lvws", "dpo"),), name="Dee Officer")
    with using("lvws"), Session(engine) as session:
        known = known_person(
            session, message=f"Sam rang from 07700 900{uuid.uuid4().int % 900 + 100} about me."
        )
        assert known.owner == dpo.organisation  # the lead provider for an adult's referral
        found = session.get(User, dpo.id)
        assert found is not None
        search = discovery.discover(
            session, actor=actor_for_user(found), register="lvws", identifiers={"email": EMAIL}
        )
        session.commit()
    page.goto(f"/rights/discovery/{search.id}")
    sign_in(page, dpo.email)
    assert page.inner_text("h1") == "Records found about the requester"
    assert_accessible(page)
    for box in page.locator("input[name=mine]").all():
        box.check()
    page.click("button:has-text('Save which records are theirs')")
    page.click("button:has-text('Make their copy for review')")
    assert page.inner_text("h1") == "Review the requester's copy"
    assert page.inner_text("#undecided") == "1"
    assert_accessible(page)
    page.fill("textarea[name=reason]", "Another person's phone number, not theirs")
    page.click("button:has-text('Save this decision')")
    assert page.title().startswith("Error: ") or "There is a problem" in page.inner_text("main")
    assert "duty of confidentiality" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.fill("input[name=factor-confidentiality]", "None owed")
    page.fill("input[name=factor-consent_sought]", "Not sought: cannot be traced")
    page.locator("input[name=factor-capable_of_consent][value=yes]").check()
    page.locator("input[name=factor-refused][value=no]").check()
    page.fill("textarea[name=reason]", "Another person's phone number, not theirs")
    page.click("button:has-text('Save this decision')")
    assert page.inner_text("#undecided") == "0"
    assert_accessible(page)
