"""The rights team's page of a person's past decisions: each in a summary list, newest
first, in plain words, checked with axe in Chromium."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts.models import User
from accord.register.registry import current_registry
from accord.rights import erasure, objection, restriction
from factories.registers import using
from rights.decision_people import Person, complaint_about, dpo, referred
from support.axe import assert_accessible

from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_an_officer_reads_the_decisions_made_about_a_person(
    page: Any, make_user: Callable[..., User], engine: Engine
) -> None:
    officer = make_user(organisation="victim-support", roles=(("lvws", "dpo"),), name="Rae Officer")
    with using("lvws"), Session(engine) as session:
        person: Person = referred(session)
        complaint_about(session, person)
        restriction.restrict(
            session, actor=dpo(), subject_id=person.subject_id, grounds="accuracy-contested"
        )
        objectable = next(
            p.id for p in current_registry().get("lvws").purposes
            if p.basis.art6 in objection.OBJECTABLE
        )  # fmt: skip
        objection.record_objection(
            session, actor=dpo(), subject_id=person.subject_id, purposes=[objectable],
            grounds="I do not want to be contacted again.",
        )  # fmt: skip
        erasure.erase(
            session, actor=dpo(), subject_id=person.subject_id,
            keep=[erasure.Keep(person.case_id, "public-task", "Support is ongoing.")],
        )  # fmt: skip
        session.commit()

    page.goto(f"/rights/people/{person.subject_id}")
    sign_in(page, officer.email)
    page.click("text=Decisions made about their information so far")
    assert page.inner_text("h1") == "Decisions about their information"
    headings = page.locator("main h2.govuk-heading-m").all_inner_texts()
    assert [h.split(",")[0] for h in headings] == ["Erasure", "Objection", "Restriction"]
    text = page.inner_text("main")
    assert "Some records erased, some kept" in text
    assert "Support is ongoing." in text
    assert "I do not want to be contacted again." in text
    assert "They said it was wrong, while we checked it" in text
    assert "Still restricted" in text
    assert str(person.subject_id) not in text
    assert_accessible(page)
