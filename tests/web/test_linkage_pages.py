"""The partnership analyst's matching pages in Chromium: the latest runs, the pairs waiting,
one pair side by side with why it scored as it did, the decision under the analyst's own name
(and in the audit trail), and the quality report; anyone else is refused with a plain page."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from accord.accounts.models import User
from accord.feeds.identifiers import write_frame
from accord.gate.models import AuditEntry
from accord.linkage import service
from accord.linkage.config import LinkageConfig
from accord.linkage.models import ReviewPair
from factories.actors import actor
from support.axe import assert_accessible

from .conftest import LiveServer
from .test_sign_in import sign_in

pytestmark = pytest.mark.browser
POLICE = ("thames-valley-police", "crime-events")
COUNCIL = ("oxfordshire-cc", "social-care")
PEOPLE = [
    ("Amelia", "Patel", date(1984, 3, 2), "OX4 1HP", "12 Cowley Road, Oxford"),
    ("Oliver", "Okafor", date(1979, 7, 19), "OX1 4AA", "9 High Street, Oxford"),
    ("Isla", "Nowak", date(1991, 11, 5), "OX3 7LD", "4 London Road, Oxford"),
    ("George", "Hughes", date(1966, 1, 30), "RG1 2AB", "1 Kings Road, Reading"),
    ("Ava", "Khan", date(2001, 5, 14), "OX2 6NN", "22 Walton Street, Oxford"),
]
# the council's records: one the same person, others near misses matching is unsure of
COUNCIL_ROWS = [
    ("Amelia", "Patel", date(1984, 3, 2), "OX4 1HP", "12 Cowley Road, Oxford"),
    ("George", "Hughes", date(1966, 1, 30), "OX9 9ZZ", "5 Mill Lane, Thame"),
    ("Ava", "Khan", date(2001, 5, 14), "OX5 1AA", "3 Banbury Road, Kidlington"),
]


def _row(record_id: str, source: tuple[str, str], person: tuple[Any, ...]) -> dict[str, Any]:
    first, last, born, postcode, address = person
    return {
        "record_id": record_id,
        "partner": source[0],
        "dataset": source[1],
        "first_name": first,
        "surname": last,
        "dob": born,
        "postcode": postcode,
        "address": address,
        "phone": None,
        "email": None,
    }


@pytest.fixture(scope="module")
def queued(engine: Engine, live_server: LiveServer) -> ReviewPair:
    """Two partners' small deliveries linked through the linkage service (once for these
    tests: the same people again would be the same records); the first pair of theirs the
    run sent for a person to decide."""
    tag = uuid.uuid4().hex[:8]
    rows = [_row(f"{tag}-p{i}", POLICE, p) for i, p in enumerate(PEOPLE)]
    rows += [_row(f"{tag}-c{i}", COUNCIL, p) for i, p in enumerate(COUNCIL_ROWS)]
    with Session(engine, expire_on_commit=False) as session:
        write_frame(session, pd.DataFrame(rows), register="tvt")
        run = service.run(
            session,
            actor=actor("tvt", "partnership-analyst"),
            config=LinkageConfig(review_lower=0.01),
            index_key=live_server.app.state.settings.index_key.get_secret_value(),
        )
        session.commit()
        pair = session.scalars(
            select(ReviewPair)
            .where(ReviewPair.run_id == run.id, ReviewPair.record_id_l.startswith(tag))
            .order_by(ReviewPair.match_weight.desc())
        ).first()
        assert pair is not None, "the run sent none of the test's pairs for review"
        return pair


def _watch_policy(page: Any) -> list[str]:
    """Content-Security-Policy violations Chromium reports on the pages that follow."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _image_text(page: Any, selector: str) -> str:
    """The SVG an <img> on the page shows (sent inside the page as a data address)."""
    source = page.get_attribute(selector, "src")
    assert source.startswith("data:image/svg+xml;base64,")
    return base64.b64decode(source.split(",", 1)[1]).decode()


def test_analyst_decides_a_pair_under_their_own_name(
    page: Any, engine: Engine, queued: ReviewPair, make_user: Callable[..., User]
) -> None:
    pair = queued
    violations = _watch_policy(page)
    analyst = make_user(
        organisation="thames-valley-police",
        roles=(("tvt", "partnership-analyst"),),
        name=f"Ana Lyst {uuid.uuid4().hex[:4]}",
    )
    page.goto("/")
    sign_in(page, analyst.email)
    page.click("#sections a:has-text('Matching')")
    assert page.inner_text("h1") == "Matching"
    assert "Finished" in page.inner_text("#runs")
    content = page.content()
    for jargon in ("EM", "blocking", "lambda", "Splink"):
        assert not re.search(rf"\b{jargon}\b", content), jargon
    assert_accessible(page)

    page.click("a:has-text('Decide pairs of records')")
    assert page.inner_text("h1") == "Pairs to decide"
    assert_accessible(page)
    page.goto(f"/linkage/review/{pair.id}")
    records = page.inner_text("#records")
    assert "Thames Valley Police" in records or "Oxfordshire" in records
    assert "Date of birth" in records
    evidence = page.inner_text("#evidence")
    assert "Before comparing anything" in evidence
    assert "Jaro-Winkler" not in evidence  # findings in words
    chart = _image_text(page, "#evidence-chart")
    assert "Date of birth" in chart
    assert "Amelia" not in chart  # findings, never the values
    assert page.get_attribute("#evidence-chart", "alt")
    assert_accessible(page)

    # No choice made: the error summary asks for one and nothing is saved.
    page.click("button:has-text('Save decision')")
    assert "Select whether these records are about the same person" in page.inner_text(
        ".govuk-error-summary"
    )
    assert_accessible(page)
    page.check("label:has-text('Different people')")
    page.fill("#note", "Different dates of moving; checked with the council")
    page.click("button:has-text('Save decision')")
    assert "Your decision is saved" in page.inner_text(".govuk-notification-banner")
    today = date.today().strftime("%-d %B %Y")
    assert page.inner_text("#decided-by") == f"Decided by {analyst.name} on {today}"
    assert "Different people" in page.inner_text("#decision")
    assert_accessible(page)

    with Session(engine) as session:
        decided = session.get(ReviewPair, pair.id)
        assert decided is not None
        assert (decided.decision, decided.decided_by) == ("reject", str(analyst.id))
        audited = session.scalars(
            select(AuditEntry).where(
                AuditEntry.actor_id == analyst.id,
                AuditEntry.action == "update",
                AuditEntry.record_type == "linked-person",
            )
        ).all()
        assert [e.outcome for e in audited] == ["allowed"]
    assert violations == []


@pytest.mark.usefixtures("queued")
def test_quality_report_describes_each_chart_in_words(
    page: Any, make_user: Callable[..., User]
) -> None:
    violations = _watch_policy(page)
    analyst = make_user(
        organisation="thames-valley-police", roles=(("tvt", "partnership-analyst"),)
    )
    page.goto("/")
    sign_in(page, analyst.email)
    page.goto("/linkage")
    page.click("a:has-text('Quality of the latest run')")
    assert "Partner records" in page.inner_text("#counts")
    assert "pairs of records were scored" in page.inner_text("#weights-words")
    assert "people" in page.inner_text("#clusters-words")
    assert page.locator("#parameters tbody tr").count() > 0
    for chart in ("weights", "clusters", "parameters"):
        drawn = _image_text(page, f"#{chart}-chart")
        assert "<svg" in drawn, chart
        assert "Amelia" not in drawn  # no one's details in a chart
        assert page.get_attribute(f"#{chart}-chart", "alt"), chart
    assert "Jaro-Winkler" not in _image_text(page, "#parameters-chart")
    assert violations == []
    assert_accessible(page)


def test_others_are_refused_with_a_plain_page(
    page: Any, queued: ReviewPair, make_user: Callable[..., User]
) -> None:
    pair = queued
    caseworker = make_user()
    page.goto("/")
    sign_in(page, caseworker.email)
    answer = page.goto("/linkage")
    assert answer is not None
    assert answer.status == 403
    assert page.inner_text("h1") == "You cannot do this"
    assert "ask your team manager" in page.inner_text("#error-detail")
    assert "no-permission" not in page.content()
    assert_accessible(page)
    page.context.clear_cookies()

    # The partnership's data protection officer sees the counts, but not the two records.
    dpo = make_user(organisation="thames-valley-police", roles=(("tvt", "dpo"),))
    page.goto("/")
    sign_in(page, dpo.email)
    page.goto("/linkage/review")
    assert "Only the matching team can open a pair" in page.inner_text("main")
    assert page.locator(f"a[href='/linkage/review/{pair.id}']").count() == 0
    answer = page.goto(f"/linkage/review/{pair.id}")
    assert answer is not None
    assert answer.status == 403
    assert "Amelia" not in page.content()
    assert_accessible(page)
