"""Report pages in Chromium: the agreed reports, a partner agreeing one, an analyst running
the hotspot map (held: figures withheld), another output checker releasing it and the
downloads, and the six-monthly partner data review with its outcome form."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord.accounts.models import User
from accord.analytics.duckdb_engine import DuckDBEngine
from accord.analytics.lock import writer_lock
from accord.register.registry import current_registry
from accord.register.report_schema import LocationKind
from accord.reports import definitions, maps, service
from factories.actors import actor
from reports.conftest import events, load_events
from support.axe import assert_accessible

from .conftest import LiveServer
from .test_sign_in import sign_in

pytestmark = pytest.mark.browser
REPORT = "violence-hotspots"
POLICE = "thames-valley-police"
# Three towns of four areas each (a hexagon each), and one of two areas (too few places).
TOWNS = {
    "A": (51.75, -1.25, 4),
    "B": (51.45, -0.97, 4),
    "C": (52.04, -0.76, 4),
    "D": (51.51, -0.59, 2),
}


@pytest.fixture
def hotspot_data(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    tag = uuid.uuid4().hex[:4].upper()
    known = {}
    rows = []
    for town, (lat, lng, n) in TOWNS.items():
        for i in range(n):
            code = f"E0{town}{tag}{i}"
            known[code] = (lat + i * 0.001, lng + i * 0.001)
            rows += events(5 if town != "D" else 2, lsoa=code)
    monkeypatch.setitem(maps.CENTRES, LocationKind.AREA, known)
    settings = live_server.app.state.settings
    with writer_lock(settings.analytics_path, wait=30):
        store = DuckDBEngine(settings.analytics_path)
        try:
            load_events(store, rows)
        finally:
            store.close()
    return


def _approve_but_one(engine: Engine) -> None:
    """Every partner but Thames Valley Police agrees the map (the police DPO does it on the page)."""
    tvt = current_registry().get("tvt")
    digest = definitions.definition_hash(tvt, definitions.find(tvt, REPORT))
    with Session(engine) as session:
        for org in definitions.partners(tvt):
            if org != POLICE:
                service.approve(
                    session, actor=actor("tvt", "dpo", org), register="tvt",
                    report_id=REPORT, definition_hash=digest,
                )  # fmt: skip
        session.commit()


def _sign_out(page: Any) -> None:
    page.click("button:has-text('Sign out')")


def test_reports_run_checked_released_and_downloaded(
    page: Any,
    engine: Engine,
    make_user: Callable[..., User],
    hotspot_data: None,
) -> None:
    _approve_but_one(engine)
    dpo = make_user(organisation=POLICE, roles=(("tvt", "dpo"),), name="Dee Peo")
    producer = make_user(
        organisation=POLICE, roles=(("tvt", "partnership-analyst"),), name="Ana Lyst"
    )
    checker = make_user(
        organisation=POLICE, roles=(("tvt", "partnership-analyst"),), name="Chris Checker"
    )

    # the police DPO agrees the map for their organisation
    page.goto(f"/reports/tvt/{REPORT}")
    sign_in(page, dpo.email)
    assert page.inner_text("h1") == "Serious violence hotspots"
    assert "Still to agree" in page.inner_text("main")
    assert_accessible(page)
    page.click("button:has-text('Agree this report')")
    assert "approval is recorded" in page.inner_text(".govuk-notification-banner")
    assert "Still to agree" not in page.inner_text("main")
    assert "Dee Peo" in page.inner_text("main")
    _sign_out(page)

    # the analyst finds it from the home page and runs it
    page.goto("/")
    sign_in(page, producer.email)
    page.click("#sections a:has-text('Reports')")
    assert page.url.endswith("/reports")
    assert "Agreed by every partner" in page.inner_text("main")
    assert_accessible(page)
    page.click(f"a[href='/reports/tvt/{REPORT}']")
    page.click("button:has-text('Run this report')")
    assert "/reports/outputs/" in page.url
    output_url = page.url
    main = page.inner_text("main")
    assert "Waiting for an output checker" in main
    assert "Needs a check" in main
    assert "fewer than 3 distinct places" in main
    assert page.locator("svg.accord-map polygon").count() == 3
    assert "Downloads are available once the output is released" in main
    assert "Release this output" not in main  # not by the person who produced it
    for town in TOWNS:
        assert f"E0{town}" not in page.content()  # no area codes, only hexagons
    assert_accessible(page)
    _sign_out(page)

    # another analyst, an output checker, releases it
    page.goto(output_url)
    sign_in(page, checker.email)
    page.click("button:has-text('Release this output')")
    assert "released to its recipients" in page.inner_text(".govuk-notification-banner")
    assert "checked by Chris Checker" in page.inner_text("#status")
    assert_accessible(page)
    csv = page.request.get(page.get_attribute("a:has-text('Spreadsheet (CSV)')", "href"))
    assert csv.status == 200
    assert "[c]" in csv.text()
    png = page.request.get(page.get_attribute("a:has-text('Map picture')", "href"))
    assert png.headers["content-type"] == "image/png"


def test_partner_data_review_outcome_is_recorded(page: Any, make_user: Callable[..., User]) -> None:
    dpo = make_user(organisation="oxfordshire-cc", roles=(("tvt", "dpo"),), name="Ola Council")
    page.goto("/")
    sign_in(page, dpo.email)
    page.click("#sections a:has-text('Partner data reviews')")
    assert page.url.endswith("/reports/reviews/tvt")
    assert page.inner_text("h1") == "Partner data review"
    assert "Thames Valley Police" in page.inner_text("main")
    assert_accessible(page)
    form = f"#partner-{POLICE}"
    page.click(f"{form} button:has-text('Record the outcome')")
    assert "There is a problem" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.check(f"{form} input[value='change']")
    page.click(f"{form} button:has-text('Record the outcome')")
    assert "Say which changes are needed" in page.inner_text(".govuk-error-summary")
    page.check(f"{form} input[value='change']")
    page.fill(f"{form} textarea", "Send the look-back fields every week.")
    page.click(f"{form} button:has-text('Record the outcome')")
    assert "outcome is recorded" in page.inner_text(".govuk-notification-banner")
    recorded = page.inner_text(f"#outcome-{POLICE}")
    assert "Carry on, with the changes" in recorded
    assert "Ola Council" in recorded
    pdf = page.request.get("/api/reports/reviews/tvt?format=pdf")
    assert pdf.headers["content-type"] == "application/pdf"
