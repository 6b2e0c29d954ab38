"""The Cambridgeshire hub's referrals waiting for consent, in Chromium: a police referral is
hidden from the hub's intake queue until the person agrees; the queue shows its reference and
nothing that identifies them; a hub worker records the agreement, and the referral is then in
the intake queue with the person's name. Every page passes the accessibility checks."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from accord.accounts import service as accounts
from accord.accounts.models import User
from accord.accounts.tokens import create_token
from accord.cases.models import Case
from accord.consent.models import ConsentEvent
from factories.cases import referral_body
from support.axe import assert_accessible

from .conftest import LiveServer
from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def hub_manager(engine: Engine, make_user: Callable[..., User]) -> User:
    user = make_user(
        organisation="cambs-hub", roles=(("cambs-hub", "team-manager"),), name="Hana Hub"
    )
    with Session(engine) as session:
        found = session.get(User, user.id)
        assert found is not None
        accounts.add_to_team(session, user=found, team="intake", name="Intake")
        session.commit()
    return user


def police_referral_to_hub(live_server: LiveServer, engine: Engine, family: str) -> dict[str, Any]:
    """A referral sent by the police system to the hub's API; only its answer names the person."""
    with Session(engine) as session:
        issued = create_token(
            session,
            name="Cambridgeshire referral feed (page test)",
            organisation="cambs-hub",
            register="cambs-hub",
            role="police-referrer",
        )
        session.commit()
    body = referral_body(
        register="cambs-hub",
        police_reference=f"CAM-{uuid.uuid4().hex[:10]}",
        person__family_name=family,
    )
    answer = httpx.post(
        f"{live_server.url}/api/referrals",
        json=body,
        headers={"Authorization": f"Bearer {issued.secret}"},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def test_a_police_referral_waits_for_consent_then_reaches_the_intake_queue(
    page: Any, live_server: LiveServer, engine: Engine, make_user: Callable[..., User]
) -> None:
    manager = hub_manager(engine, make_user)
    family = f"Waiting{uuid.uuid4().hex[:4]}"
    sent = police_referral_to_hub(live_server, engine, family)
    case_id = uuid.UUID(sent["case_id"])
    with Session(engine) as session:
        reference = session.scalar(select(Case.reference).where(Case.id == case_id))
    assert reference is not None

    page.goto("/referrals")
    sign_in(page, manager.email)
    assert reference not in page.inner_text("main")  # the gate hides it: no consent yet
    page.goto(f"/cases/{case_id}")
    assert "agreed" in page.inner_text("main")  # refused, saying the person has not agreed
    page.goto("/referrals")
    assert "waiting for the person to agree" in page.inner_text("#awaiting-consent")
    page.click("#awaiting-consent a")
    assert page.inner_text("h1") == "Referrals waiting for consent"
    row = page.locator("#awaiting-table tr", has_text=reference)
    assert row.count() == 1
    assert family not in page.inner_text("main")  # nothing identifying in the queue
    assert "Amelia" not in page.inner_text("main")
    assert_accessible(page)

    row.locator("a").click()
    assert page.inner_text("h1") == "Record that they agreed to support"
    assert family not in page.inner_text("main")
    assert_accessible(page)
    page.click("button:has-text('Record that they agreed')")
    summary = page.inner_text(".govuk-error-summary")
    assert "Tick the box once the person has agreed" in summary
    assert "Select how they told you" in summary
    assert_accessible(page)
    page.check("#agreed")
    page.locator("label:has-text('On the phone')").click()
    page.click("button:has-text('Record that they agreed')")
    assert f"Consent recorded for {reference}" in page.inner_text(".govuk-notification-banner")
    assert page.locator("#awaiting-table tr", has_text=reference).count() == 0
    assert_accessible(page)

    with Session(engine) as session:
        stored = session.scalars(
            select(ConsentEvent).where(
                ConsentEvent.subject_id == uuid.UUID(sent["subject_id"]),
                ConsentEvent.purpose == "victim-support",
            )
        ).one()
    assert (stored.state, stored.channel, stored.captured_by) == ("given", "phone", manager.id)

    page.click(".govuk-notification-banner a:has-text('intake queue')")
    row = page.locator("#intake-table tr", has_text=reference)
    assert f"Amelia {family}" in row.inner_text()
    page.goto(f"/cases/{case_id}")
    assert page.inner_text("h1") == f"Amelia {family}"


def test_a_referral_not_waiting_cannot_be_agreed_to_again(
    page: Any, live_server: LiveServer, engine: Engine, make_user: Callable[..., User]
) -> None:
    manager = hub_manager(engine, make_user)
    page.goto(f"/referrals/awaiting-consent/{uuid.uuid4()}")
    sign_in(page, manager.email)
    assert page.inner_text("h1") == "Case not found"
    assert_accessible(page)
