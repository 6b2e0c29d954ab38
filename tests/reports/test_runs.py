"""Running an agreed report: approvals, disclosure control and the release ledger."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.errors import Conflict
from accord.gate.models import AuditEntry
from accord.register.errors import RegisterError
from accord.reports import service
from accord.reports.service import Scope
from factories import actors, registers

from .conftest import analyst, approve_all, events, load_events

pytestmark = pytest.mark.store

REPORT = "serious-violence-profile"


def _run(session: Session, engine: DuckDBEngine, scope: Scope | None = None) -> service.ReportRun:
    return service.run_report(
        session, actor=analyst(), register="tvt", report_id=REPORT, engine=engine, scope=scope
    )


def test_an_unapproved_definition_cannot_run(session: Session, analytics: DuckDBEngine) -> None:
    load_events(analytics, events(30))
    with pytest.raises(Conflict) as refused:
        _run(session, analytics)
    assert "not approved by thames-valley-police, oxfordshire-cc" in refused.value.message
    assert session.scalars(select(service.ReportRun)).all() == []
    refusals = session.scalars(
        select(AuditEntry).where(AuditEntry.outcome == "refused", AuditEntry.action == "run")
    ).all()
    assert refusals


def test_one_partner_missing_still_blocks(session: Session, analytics: DuckDBEngine) -> None:
    load_events(analytics, events(30))
    approve_all(session, "tvt", REPORT)
    session.execute(
        service.ReportApproval.__table__.delete().where(
            service.ReportApproval.organisation == "reading-bc"
        )
    )
    with pytest.raises(Conflict, match="not approved by reading-bc"):
        _run(session, analytics)


def test_a_changed_definition_needs_approving_again(
    session: Session, analytics: DuckDBEngine
) -> None:
    load_events(analytics, events(30))
    approve_all(session, "tvt", REPORT)
    assert _run(session, analytics).status == "released"
    changed = registers.register("tvt", reports={REPORT: {"disclosure_control": {"min_cell": 20}}})
    with registers.using(changed), pytest.raises(Conflict, match="is not approved by"):
        _run(session, analytics)


def test_approving_a_stale_hash_is_refused(session: Session) -> None:
    dpo = actors.actor("tvt", "dpo", "reading-bc")
    with pytest.raises(Conflict, match="has changed since it was read"):
        service.approve(
            session, actor=dpo, register="tvt", report_id=REPORT, definition_hash="0" * 64
        )


def test_released_cells_are_never_below_the_threshold_and_totals_agree(
    session: Session, analytics: DuckDBEngine
) -> None:
    # a full grid of 4 areas by 2 offence groups, one cell of 3
    data = []
    for area in ("E01000001", "E01000002", "E01000003", "E01000004"):
        data += events(20, lsoa=area, offence_group="robbery")
        small = 3 if area == "E01000003" else 15
        data += events(small, lsoa=area, offence_group="sexual-offences")
    load_events(analytics, data)
    approve_all(session, "tvt", REPORT)
    run = _run(session, analytics)
    assert run.outcome == "review"
    assert run.status == "held"
    rows = run.output["rows"]
    ndims = len(run.output["dimensions"])
    released = [r for r in rows if r[ndims] is not None]
    truth = {tuple(e["key"]): e["count"] for e in run.ledger}
    for row in released:
        assert truth[tuple(row[:ndims])] >= 10
    # the cell of 3 is suppressed, and so is another so it cannot be worked back
    assert sum(1 for r in rows if r[ndims] is None) >= 2
    # totals are the sums of the published (rounded) cells
    assert run.output["totals"]["events"] == sum(r[ndims] for r in released)
    assert all(r[ndims] % 5 == 0 for r in released)
    assert any("fewer than 10" in n for n in run.notes)


def test_a_differencing_attack_across_two_releases_is_refused(
    session: Session, analytics: DuckDBEngine
) -> None:
    # Two areas; the second release adds a third area with only 3 events, so the totals
    # of the two releases (by offence group) differ by 3.
    load_events(
        analytics,
        events(40, lsoa="E01000001") + events(30, lsoa="E01000002") + events(3, lsoa="E01000003"),
    )
    report = "serious-violence-profile"
    approve_all(session, "tvt", report)
    first = _run(session, analytics, Scope(filters={"lsoa": ["E01000001", "E01000002"]}))
    assert first.status == "released"
    # by offence group only (one cell per group) over the larger area, one more LSOA
    tvt = registers.register(
        "tvt",
        reports={
            report: {
                "breakdowns": [{"field": "offence_group"}],
                "measures": [{"id": "events", "name": "Events", "kind": "count"}],
            }
        },
    )
    with registers.using(tvt):
        approve_all(session, "tvt", report)
        second = _run(
            session, analytics, Scope(filters={"lsoa": ["E01000001", "E01000002", "E01000003"]})
        )
    assert second.status == "refused"
    assert f"release {first.id}" in (second.refusal or "")


def test_adjacent_periods_are_checked_too(session: Session, analytics: DuckDBEngine) -> None:
    load_events(
        analytics,
        events(40, event_date=date(2025, 1, 10)) + events(4, event_date=date(2025, 2, 10)),
    )
    approve_all(session, "tvt", REPORT)
    january = _run(session, analytics, Scope(date(2025, 1, 1), date(2025, 1, 31)))
    assert january.status == "released"
    # January and February together: the same quarter's cell, 4 more events
    both = _run(session, analytics, Scope(date(2025, 1, 1), date(2025, 2, 28)))
    assert both.status == "refused"
    assert f"release {january.id}" in (both.refusal or "")
    # a release that adds enough is not refused
    load_events(
        analytics,
        events(40, event_date=date(2025, 1, 10)) + events(15, event_date=date(2025, 3, 10)),
    )
    quarter = _run(session, analytics, Scope(date(2025, 1, 1), date(2025, 3, 31)))
    assert quarter.status == "released"


def test_the_privacy_notice_lists_reports_and_who_agreed_them(session: Session) -> None:
    from accord.register.notice import build_notice
    from accord.register.notice_render import NoticeFormat, render
    from accord.register.registry import current_registry

    tvt = current_registry().get("tvt")
    before = render(
        build_notice(tvt, service.notice_approvals(session, register="tvt")), NoticeFormat.MD
    )
    assert "Serious violence profile" in before
    assert "Not yet agreed by Thames Valley Police" in before
    approve_all(session, "tvt", REPORT)
    after = render(
        build_notice(tvt, service.notice_approvals(session, register="tvt")), NoticeFormat.HTML
    )
    row = after[after.index("Serious violence profile") :].split("</tr>")[0]
    assert "Agreed by all partners" in row


def test_hounslow_panel_trends_count_cases_by_quarter(session: Session) -> None:
    from factories.panels import panel_case

    coordinator = actors.actor(
        "hounslow", "panel-coordinator", teams=["marac", "community-risk-panel", "iom"]
    )
    for _ in range(12):
        panel_case(session, coordinator, "marac", parties=[("victim", {"name": "Priya"})])
    for _ in range(3):
        panel_case(
            session,
            coordinator,
            "marac",
            parties=[("victim", {"name": "Priya"})],
            risk_level="medium",
        )
    for _ in range(15):
        panel_case(
            session,
            coordinator,
            "marac",
            parties=[("victim", {"name": "Priya"})],
            risk_level="standard",
        )
    run = service.run_report(
        session,
        actor=actors.actor("hounslow", "analyst"),
        register="hounslow",
        report_id="panel-trends",
        engine=DuckDBEngine(":memory:"),
    )
    rows = run.output["rows"]
    cells = {r[1]: r[3] for r in rows if r[0] == "marac"}
    # 3 medium-risk cases are suppressed, and so is the next smallest (12 high) so the
    # medium figure cannot be worked out from a total; 15 standard, published as 15
    assert cells == {"medium": None, "high": None, "standard": 15}
    notes = " ".join(run.notes)
    assert "fewer than 10" in notes
    assert "cannot be worked out from the totals" in notes
    assert "Priya" not in str(run.output)
    assert run.status == "held"


def test_counting_linked_people_applies_the_threshold_to_people(
    session: Session, analytics: DuckDBEngine
) -> None:
    from accord.linkage.models import LinkageRun, PersonId

    # 60 records in one cell, belonging to 6 linked people
    load_events(analytics, events(60))
    linkage = LinkageRun(kind="full", status="finished", engine="duckdb", started_by="t", config={})
    session.add(linkage)
    session.flush()
    session.add_all(
        PersonId(
            record_id=f"rec-{i:07d}", person_id=f"p{i % 6}", run_id=linkage.id, fingerprint="f"
        )
        for i in range(60)
    )
    session.flush()
    tvt = registers.register(
        "tvt",
        reports={
            REPORT: {
                "unit": "person",
                "breakdowns": [{"field": "lsoa"}],
                "measures": [{"id": "people", "name": "People", "kind": "count"}],
            }
        },
    )
    with registers.using(tvt):
        approve_all(session, "tvt", REPORT)
        run = _run(session, analytics)
    assert run.output["rows"] == [["E01000001", None]]
    assert run.outcome == "fail"
    # by record, the same cell would have been published
    load_events(analytics, events(60))
    by_record = registers.register(
        "tvt",
        reports={
            REPORT: {
                "breakdowns": [{"field": "lsoa"}],
                "measures": [{"id": "records", "name": "Records", "kind": "count"}],
            }
        },
    )
    with registers.using(by_record):
        approve_all(session, "tvt", REPORT)
        assert _run(session, analytics).output["rows"] == [["E01000001", 60]]


def test_only_partner_records_are_counted_by_person() -> None:
    with pytest.raises(RegisterError) as refused:
        registers.register("lvws", reports={"mopac-monitoring-return": {"unit": "person"}})
    assert [p.rule for p in refused.value.problems] == ["person-needs-partner-source"]
