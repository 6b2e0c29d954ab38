"""A DPO's retention pages in Chromium: what falls due, a legal hold placed and released (the
held record is marked in what falls due), records to review kept or disposed of after a
disposal run, and that run's certificate; a caseworker is refused with a plain page."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from accord.accounts.models import User
from accord.cases.models import Case
from accord.panels.cases import close_case
from accord.panels.models import SafetyCase
from accord.retention import run as running
from accord.retention.models import RetentionHold, RetentionReview, RetentionRun
from factories.actors import actor
from factories.panels import panel_case
from support.axe import assert_accessible

from .test_sign_in import sign_in
from .test_team_manager_pages import received

pytestmark = pytest.mark.browser


@pytest.fixture
def made(engine: Engine) -> Iterator[list[uuid.UUID]]:
    """The cases a test makes, removed afterwards with their holds and reviews, so that later
    tests on the same database (which travel in time) do not find them due."""
    found: list[uuid.UUID] = []
    yield found
    with Session(engine) as session:
        session.execute(delete(RetentionHold).where(RetentionHold.record_id.in_(found)))
        session.execute(delete(RetentionReview).where(RetentionReview.record_id.in_(found)))
        session.execute(delete(SafetyCase).where(SafetyCase.id.in_(found)))
        session.commit()


def closed_cases(
    engine: Engine, made: list[uuid.UUID], service: str, due: list[timedelta]
) -> list[uuid.UUID]:
    """Closed Hounslow panel cases of `service`, each falling due `due[i]` from now."""
    coordinator = actor("hounslow", "panel-coordinator", teams=[service])
    now = datetime.now(UTC)
    found = []
    with Session(engine) as session:
        for offset in due:
            case = panel_case(session, coordinator, service)
            close_case(session, actor=coordinator, case_id=case.id)
            session.execute(
                update(SafetyCase)
                .where(SafetyCase.id == case.id)
                .values(retention_due=now + offset)
            )
            found.append(case.id)
        session.commit()
    made.extend(found)
    return found


def dpo(make_user: Callable[..., User]) -> User:
    return make_user(
        organisation="hounslow",
        roles=(("hounslow", "dpo"),),
        name=f"Dana Governance {uuid.uuid4().hex[:4]}",
    )


def plan_row(page: Any, heading: str, kind: str) -> str:
    table = page.locator("table", has=page.locator(f"caption:text-is('{heading}')"))
    return str(table.locator("tr", has=page.locator(f"th:text-is('{kind}')")).inner_text())


def test_dpo_sees_what_falls_due_and_holds_a_record_out_of_it(
    page: Any, engine: Engine, make_user: Callable[..., User], made: list[uuid.UUID]
) -> None:
    first, _ = closed_cases(engine, made, "marac", [timedelta(days=5), timedelta(days=12)])
    officer = dpo(make_user)
    page.goto("/")
    sign_in(page, officer.email)
    page.click("a:has-text('Retention')")
    assert page.inner_text("h1") == "What falls due"
    heading, kind = "Multi-Agency Risk Assessment Conference (MARAC)", "MARAC case"
    row = plan_row(page, heading, kind)
    assert "deleted by" in row
    assert "Kept 6 years after the case closed" in row
    assert row.rstrip().endswith("None")  # nothing held
    before = int(row.split("\t")[1].split()[0])
    assert before >= 2
    assert "marac-case" not in page.content()  # the register's names, not its ids
    assert_accessible(page)
    page.check("label:has-text('365 days')")
    page.click("button:has-text('Show')")
    assert "365" in page.url
    assert int(plan_row(page, heading, kind).split("\t")[1].split()[0]) >= before

    # Place a hold: the form checks what is missing, then asks to check the answers.
    page.click("nav[aria-label=Retention] a:has-text('Legal holds')")
    page.click("button:has-text('Continue')")
    assert page.locator(".govuk-error-summary").count() == 1
    summary = page.inner_text(".govuk-error-summary")
    assert "Choose what to hold" in summary
    assert "Say why the records are held" in summary
    assert_accessible(page)
    page.check("label:has-text('One case or record')")
    page.fill("#which", str(first))
    page.check("label:has-text('Litigation')")
    page.fill("#reason", "Civil claim against the council: the claimant's solicitor asked")
    page.click("button:has-text('Continue')")
    assert page.inner_text("h1") == "Check the hold before you place it"
    assert str(first) in page.inner_text("#check")
    assert_accessible(page)
    page.click("button:has-text('Place the hold')")
    assert "The hold is in place" in page.inner_text(".govuk-notification-banner")
    with Session(engine) as session:
        hold = session.scalars(select(RetentionHold).where(RetentionHold.record_id == first)).one()
        assert (hold.kind, hold.placed_by, hold.released_at) == ("litigation", officer.name, None)
    card = page.locator(f"#hold-{hold.id}")
    assert officer.name in card.inner_text()
    assert card.locator(f"a[href='/panels/cases/{first}']").count() == 1
    assert "Civil claim against the council" in card.inner_text()
    assert_accessible(page)

    page.goto("/retention")
    row = plan_row(page, heading, kind)
    assert "1 held" in row
    assert int(row.split("\t")[1].split()[0]) == before - 1

    # Release, saying why (asked for when missing).
    page.goto("/retention/holds")
    page.locator(f"#hold-{hold.id} button:has-text('Release this hold')").click()
    assert "Say why the hold is released" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.fill(f"#release-{hold.id}", "The claim was settled out of court in November")
    page.locator(f"#hold-{hold.id} button:has-text('Release this hold')").click()
    assert "The hold is released" in page.inner_text(".govuk-notification-banner")
    assert page.locator(f"#hold-{hold.id}").count() == 0
    released = page.inner_text(f"#released-{hold.id}")
    assert "The claim was settled out of court" in released
    assert officer.name in released
    assert_accessible(page)
    with Session(engine) as session:
        found = session.get(RetentionHold, hold.id)
        assert found is not None
        assert found.released_by == officer.name
        assert found.release_reason == "The claim was settled out of court in November"
    page.goto("/retention")
    assert plan_row(page, heading, kind).rstrip().endswith("None")


def test_dpo_decides_reviews_after_a_run_and_opens_its_certificate(
    page: Any, engine: Engine, make_user: Callable[..., User], made: list[uuid.UUID]
) -> None:
    kept, disposed = closed_cases(engine, made, "iom", [timedelta(days=-2), timedelta(days=-1)])
    result = running.run(sessionmaker(engine), ran_by="Nightly disposal run")
    assert result.counts[("hounslow", "hounslow", "iom-case", "review", "queued")] >= 2
    with Session(engine) as session:
        waiting = {
            r.record_id: r.id
            for r in session.scalars(
                select(RetentionReview).where(RetentionReview.record_id.in_([kept, disposed]))
            )
        }
    officer = dpo(make_user)
    page.goto("/retention/reviews")
    sign_in(page, officer.email)
    card = page.locator(f"#review-{waiting[kept]}")
    assert "Integrated Offender Management case" in card.inner_text()
    assert "Kept 6 years after the case closed, then reviewed" in card.inner_text()
    assert card.locator(f"a[href='/panels/cases/{kept}']").count() == 1
    assert_accessible(page)

    # Keep: a reason and a new review date, which the form asks for when it is missing.
    card.locator("label:has-text('Keep it')").click()
    card.locator("textarea").fill("Offender back in custody; the panel still manages them")
    card.locator("button:has-text('Save decision')").click()
    assert "Enter the date to review the record again" in page.inner_text(".govuk-error-summary")
    assert page.locator(".govuk-error-summary").count() == 1
    card = page.locator(f"#review-{waiting[kept]}")
    assert "govuk-form-group--error" in card.inner_html()
    assert_accessible(page)
    next_year = datetime.now(UTC).year + 1
    card.locator("input[name=review-on-day]").fill("3")
    card.locator("input[name=review-on-month]").fill("1")
    card.locator("input[name=review-on-year]").fill(str(next_year))
    card.locator("button:has-text('Save decision')").click()
    assert "The record is kept" in page.inner_text(".govuk-notification-banner")
    assert page.locator(f"#review-{waiting[kept]}").count() == 0

    # Dispose: checked before it is done, since it cannot be undone.
    card = page.locator(f"#review-{waiting[disposed]}")
    card.locator("label:has-text('Dispose of it now')").click()
    card.locator("textarea").fill("Case closed long ago and no longer needed by the panel")
    card.locator("button:has-text('Save decision')").click()
    assert page.inner_text("h1") == "Check before you dispose of this record"
    assert_accessible(page)
    page.click("button:has-text('Dispose of the record')")
    assert "The record has been disposed of" in page.inner_text(".govuk-notification-banner")
    with Session(engine) as session:
        reviews = {r.record_id: r for r in session.scalars(select(RetentionReview))}
        assert reviews[kept].status == "kept"
        assert reviews[kept].decided_by == officer.name
        assert reviews[disposed].status == "disposed"
        still = session.get(SafetyCase, kept)
        assert still is not None
        assert still.retention_due is not None
        assert still.retention_due.year == next_year
        assert session.get(SafetyCase, disposed) is None

    # The run's certificate.
    page.click("nav[aria-label=Retention] a:has-text('Disposal certificates')")
    assert_accessible(page)
    page.click(f"a[href='/retention/certificates/{result.run_id}']")
    assert page.inner_text("h1") == "Disposal certificate"
    assert "Nightly disposal run" in page.inner_text("#certificate")
    assert result.certificate_hash is not None
    assert result.certificate_hash in page.inner_text("#certificate")
    assert page.inner_text("#in-audit-chain").startswith("Yes")
    assert page.inner_text("#intact") == "Yes"
    counts = page.inner_text("#counts")
    assert "Integrated Offender Management case" in counts
    assert "Put to a person to review" in counts
    assert "Kept 6 years after the case closed, then put to a person to review" in counts
    assert_accessible(page)
    with Session(engine) as session:
        assert session.get(RetentionRun, result.run_id) is not None


def test_a_caseworker_without_retention_permission_is_refused_with_a_plain_page(
    page: Any, make_user: Callable[..., User]
) -> None:
    worker = make_user()
    page.goto("/")
    sign_in(page, worker.email)
    assert page.locator("#sections a:has-text('Retention')").count() == 0
    for path in ("/retention", "/retention/reviews", "/retention/holds", "/retention/certificates"):
        page.goto(path)
        assert page.inner_text("h1") == "You cannot do this"
        assert "no-permission" not in page.content()
    assert_accessible(page)


def test_dpo_holds_everything_about_a_person_found_by_case_reference(
    page: Any, engine: Engine, make_user: Callable[..., User]
) -> None:
    case_id, reference = received(engine, f"Held{uuid.uuid4().hex[:5]}", days_ago=1)
    officer = make_user(
        organisation="victim-support", roles=(("lvws", "dpo"),), name="Dee Protection"
    )
    page.goto("/retention/holds")
    sign_in(page, officer.email)
    page.check("label:has-text('Everything about one person')")
    page.fill("#which", "LVWS-1999-1")
    page.check("label:has-text('Investigation')")
    page.fill("#reason", "Police investigation into the offence: the officer asked us to keep it")
    page.click("button:has-text('Continue')")
    assert "no case with the reference LVWS-1999-000001" in page.inner_text(".govuk-error-summary")
    assert page.input_value("#reason").startswith("Police investigation")  # answers kept
    assert_accessible(page)
    page.fill("#which", reference.lower())
    page.click("button:has-text('Continue')")
    assert f"Everything about the person on case {reference}" in page.inner_text("#check")
    page.click("button:has-text('Change your answers')")  # back, with the answers kept
    assert page.input_value("#which") == reference.lower()
    page.click("button:has-text('Continue')")
    page.click("button:has-text('Place the hold')")
    assert "The hold is in place" in page.inner_text(".govuk-notification-banner")
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        hold = session.scalars(
            select(RetentionHold).where(RetentionHold.subject_id == case.subject_id)
        ).one()
        assert (hold.scope, hold.kind, hold.organisation) == (
            "subject",
            "investigation",
            "victim-support",
        )
        session.delete(hold)
        session.commit()

    # A kind of record: every web-form enquiry, chosen from the register's kinds.
    page.check("label:has-text('Every record of one kind')")
    page.select_option("#kind_of_record", "lvws:web-enquiry")
    page.check("label:has-text('Inquiry')")
    page.fill("#reason", "Statutory inquiry into the enquiry service asked for every web enquiry")
    page.click("button:has-text('Continue')")
    assert "Every web-form enquiry (London Victim and Witness Service)" in page.inner_text("#check")
    page.click("button:has-text('Place the hold')")
    assert "Every web-form enquiry" in page.inner_text("h3.govuk-summary-card__title >> nth=-1")
    with Session(engine) as session:
        held = session.scalars(
            select(RetentionHold).where(
                RetentionHold.organisation == "victim-support",
                RetentionHold.record_type == "web-enquiry",
                RetentionHold.released_at.is_(None),
            )
        ).one()
        assert (held.scope, held.kind) == ("record-type", "inquiry")
        session.delete(held)
        session.commit()
