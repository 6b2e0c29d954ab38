"""Correcting a person's details in a community safety case from the rights team's pages,
in Chromium, checked with axe: the party's own details only, and the organisations that
received them listed to be told."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts.models import User
from accord.disclosures.service import log_disclosure
from accord.panels.models import CaseParty
from accord.people import service as people
from factories.actors import actor
from factories.panels import panel_case, party
from factories.registers import using
from support.axe import assert_accessible

from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_an_officer_corrects_a_partys_name_in_a_safety_case(
    page: Any, make_user: Callable[..., User], engine: Engine
) -> None:
    with using("hounslow"), Session(engine) as session:
        coordinator = actor("hounslow", "panel-coordinator", teams=("marac",))
        case = panel_case(session, coordinator)
        perpetrator = party(session, case, "perpetrator")
        log_disclosure(
            session, actor=coordinator, subject_id=perpetrator.subject_id, register="hounslow",
            recipient="metropolitan-police", fields=["name"], with_consent=False,
            basis="legal-requirement", record_type=case.record_type, record_id=case.id,
        )  # fmt: skip
        session.commit()
        case_id, organisation = case.id, case.organisation
        party_id, subject_id = perpetrator.id, perpetrator.subject_id
    officer = make_user(organisation=organisation, roles=(("hounslow", "dpo"),), name="Ada DPO")
    page.goto(f"/rights/people/{subject_id}/records/{case_id}/correct")
    sign_in(page, officer.email)
    assert page.inner_text("h1").startswith("Correct ")
    assert page.locator("#name").count() == 1
    assert page.locator("#date-of-birth").count() == 1
    assert_accessible(page)

    page.fill("#name", "Samuel Example")
    page.fill("#reason", "Name as on his driving licence.")
    page.click("button:has-text('Save the correction')")
    assert page.inner_text("h1") == "Organisations to tell"
    assert page.inner_text("#count") == "1 organisation still to tell."
    assert_accessible(page)
    with using("hounslow"), Session(engine) as session:
        row = session.get(CaseParty, party_id)
        assert row is not None
        details = people.unseal(session, subject_id=subject_id, blob=row.details)
        assert details["name"] == "Samuel Example"
