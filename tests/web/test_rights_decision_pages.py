"""The rights team's pages for carrying out erasure, rectification and restriction, in
Chromium, each page checked with axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from accord.accounts.models import User
from accord.cases.models import Case, Complaint
from accord.people.models import Subject
from accord.rights.decision_models import RecipientNotice, Restriction
from factories.registers import using
from rights.decision_people import Person, complaint_about, disclosed, referred
from support.axe import assert_accessible

from .test_sign_in import sign_in

pytestmark = pytest.mark.browser


def _officer(make: Callable[..., User]) -> User:
    return make(organisation="victim-support", roles=(("lvws", "dpo"),), name="Rae Officer")


def _person(engine: Engine, *, complaint: bool = False, to: tuple[str, ...] = ()) -> Any:
    with using("lvws"), Session(engine) as session:
        person: Person = referred(session)
        made = complaint_about(session, person) if complaint else None
        for recipient in to:
            disclosed(session, person, recipient, ["name", "crime-number"])
        session.commit()
    return person, made


def _error_summary(on: Any) -> str:
    return str(on.inner_text(".govuk-error-summary"))


def test_an_officer_erases_a_persons_records_keeping_one_under_a_ground_after_checking(
    page: Any,
    make_user: Callable[..., User],
    engine: Engine,
) -> None:
    officer = _officer(make_user)
    person, complaint_id = _person(engine, complaint=True)
    page.goto(f"/rights/people/{person.subject_id}")
    sign_in(page, officer.email)
    assert page.inner_text("h1") == "Their records and their rights"
    assert "Erase it" in page.inner_text("#records")
    assert_accessible(page)

    page.click("text=Plan the erasure")
    assert page.inner_text("h1") == "Plan the erasure"
    assert_accessible(page)
    page.check(f"#choice-{person.case_id}-public-task")
    page.click("button:has-text('Continue')")  # a kept record needs its reason
    assert page.title().startswith("Error: ")
    assert "why this ground applies" in _error_summary(page)
    assert_accessible(page)

    page.fill(f"#reason-{person.case_id}", "Support is still being given under the contract.")
    page.click("button:has-text('Continue')")
    assert page.inner_text("h1") == "Check before you erase"
    plan = page.inner_text("#plan")
    assert "Erased" in plan
    assert "Support is still being given" in plan
    assert_accessible(page)
    with Session(engine) as session:  # nothing has gone before the officer confirms
        assert session.get(Complaint, complaint_id) is not None

    page.click("button:has-text('Erase the records')")
    assert page.inner_text("#outcome") == "1 record erased, 1 kept"
    assert_accessible(page)
    with Session(engine) as session:
        assert session.get(Complaint, complaint_id) is None
        assert session.get(Case, person.case_id) is not None
        assert session.get(Subject, person.subject_id) is not None


def test_a_correction_leaves_notices_that_are_then_recorded(
    page: Any,
    make_user: Callable[..., User],
    engine: Engine,
) -> None:
    officer = _officer(make_user)
    person, _ = _person(engine, to=("catch22",))
    page.goto(f"/rights/people/{person.subject_id}/records/{person.case_id}/correct")
    sign_in(page, officer.email)
    assert page.inner_text("h1").startswith("Correct ")
    assert_accessible(page)
    page.click("button:has-text('Save the correction')")
    assert "at least one detail" in _error_summary(page)
    assert "why the record is being corrected" in _error_summary(page)
    assert_accessible(page)

    page.fill("#given_name", "Amelie")
    page.fill("#reason", "She spelt her name for us on the phone.")
    page.click("button:has-text('Save the correction')")
    assert page.inner_text("h1") == "Organisations to tell"
    assert page.inner_text("#count") == "1 organisation still to tell."
    assert "Catch22" in page.inner_text("main")
    assert_accessible(page)

    page.check("input[name=state][value=impossible]")
    page.click("button:has-text('Save')")  # impossible needs a note saying why
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.check("input[name=state][value=impossible]")
    page.fill("textarea[name=note]", "The organisation has closed.")
    page.click("button:has-text('Save')")
    assert page.inner_text("#count") == "0 organisations still to tell."
    with Session(engine) as session:
        notice = session.scalars(
            select(RecipientNotice).where(RecipientNotice.subject_id == person.subject_id)
        ).one()
        assert (notice.state, notice.note) == ("impossible", "The organisation has closed.")


def test_a_restriction_cannot_be_lifted_before_the_person_is_told(
    page: Any,
    make_user: Callable[..., User],
    engine: Engine,
) -> None:
    officer = _officer(make_user)
    person, _ = _person(engine)
    page.goto(f"/rights/people/{person.subject_id}")
    sign_in(page, officer.email)
    page.click("button:has-text('Restrict the use of their information')")
    assert "There is a problem" in _error_summary(page)  # no ground chosen
    assert_accessible(page)
    page.check("text=They say it is wrong, while we check it")
    page.click("button:has-text('Restrict the use of their information')")
    assert "Use of this person's information is restricted" in page.inner_text("main")
    assert_accessible(page)

    page.click("text=Lift this restriction")
    assert page.inner_text("h1") == "Check before you lift the restriction"
    assert page.inner_text("#told") == "Not yet"
    assert_accessible(page)
    page.click("button:has-text('Lift the restriction')")
    assert "Record how you told the person" in _error_summary(page)
    assert_accessible(page)
    with Session(engine) as session:
        assert session.get(Subject, person.subject_id).restricted  # type: ignore[union-attr]

    page.goto(f"/rights/people/{person.subject_id}")
    page.check("text=Letter")
    page.click("button:has-text('Record that they were told')")
    page.click("text=Lift this restriction")
    assert page.inner_text("#told").startswith("Letter, ")
    page.click("button:has-text('Lift the restriction')")
    assert page.inner_text("h1") == "Their records and their rights"
    assert "is restricted" not in page.inner_text("main")
    assert_accessible(page)
    with Session(engine) as session:
        assert not session.get(Subject, person.subject_id).restricted  # type: ignore[union-attr]
        lifted = session.scalars(
            select(Restriction).where(Restriction.subject_id == person.subject_id)
        ).one()
        assert lifted.lifted_at is not None


def test_an_objection_is_recorded_and_decided_and_a_complaint_answered_with_the_icos_details(
    page: Any,
    make_user: Callable[..., User],
    engine: Engine,
) -> None:
    officer = _officer(make_user)
    person, _ = _person(engine)
    page.goto(f"/rights/people/{person.subject_id}")
    sign_in(page, officer.email)
    page.fill("#objection", "I do not want you contacting me any more.")
    page.click("button:has-text('Record the objection')")  # no use chosen
    assert "at least one use" in _error_summary(page)
    assert_accessible(page)
    page.locator("input[name=purposes]").first.check()
    page.click("button:has-text('Record the objection')")
    assert "That use is paused until you decide" in page.inner_text("main")
    assert_accessible(page)
    page.check("text=We agree: stop that use of their information")
    page.fill("textarea[name=reason]", "No need of ours outweighs theirs.")
    page.click("button:has-text('Save the decision')")
    assert "That use is paused" not in page.inner_text("main")
    with Session(engine) as session:
        assert session.get(Subject, person.subject_id).restricted  # type: ignore[union-attr]

    page.fill("#complaint", "You took three months to answer me.")
    page.click("button:has-text('Record the complaint')")
    assert page.inner_text("h1") == "Answer their complaint"
    assert_accessible(page)
    page.click("button:has-text('Save the answer')")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.fill("#answer", "We are sorry: the request was delayed by staff absence.")
    page.click("button:has-text('Save the answer')")
    assert "Information Commissioner" in page.inner_text("#ico")
    assert_accessible(page)


def test_a_decision_the_system_made_is_reviewed_by_someone_other_than_its_recorder(
    page: Any,
    make_user: Callable[..., User],
    engine: Engine,
) -> None:
    recorder = _officer(make_user)
    reviewer = make_user(organisation="victim-support", roles=(("lvws", "dpo"),), name="Kit Review")
    person, _ = _person(engine)
    page.goto(f"/rights/people/{person.subject_id}")
    sign_in(page, recorder.email)
    page.check("text=Where they were placed on a priority list")
    page.click("button:has-text('Ask for a review')")  # a list needs its explanation
    assert "how the list was drawn up" in _error_summary(page).lower()
    assert_accessible(page)
    page.check("text=Where they were placed on a priority list")
    page.fill("#explanation", "Ranked by days since referral, highest first.")
    page.fill("#view", "I was left at the bottom for weeks.")
    page.click("button:has-text('Ask for a review')")
    assert page.inner_text("h1") == "Review a decision the system made"
    assert "days since referral" in page.inner_text("#explanation")
    assert_accessible(page)
    review_url = page.url

    page.check("text=I reached the same decision")
    page.fill("#note", "The ranking was applied correctly.")
    page.click("button:has-text('Save the review')")
    assert "Someone other than the person who recorded" in _error_summary(page)
    assert_accessible(page)

    page.context.clear_cookies()
    page.goto(review_url)
    sign_in(page, reviewer.email)
    page.check("text=I reached the same decision")
    page.fill("#note", "The ranking was applied correctly.")
    page.click("button:has-text('Save the review')")
    assert page.inner_text("#review-outcome") == "The decision stands"
    assert_accessible(page)
