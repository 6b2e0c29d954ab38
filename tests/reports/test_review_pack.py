"""The six-monthly partner data review pack: received, held, matched, reported, set aside,
counts only; the review's outcome recorded and audited."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from accord.accounts import service as accounts
from accord.accounts.deps import current_actor
from accord.cli import app as cli
from accord.errors import Invalid
from accord.feeds.models import COMPLETE, FeedBatch, FeedIdentity
from accord.gate.models import AuditEntry
from accord.gate.types import AccessDenied
from accord.linkage.models import LinkageRun, PersonId
from accord.reports import review_pack
from accord.settings import get_settings
from accord.store import migrate
from accord.store.base import utcnow
from accord.store.engine import make_engine
from factories import actors

from .conftest import analyst

pytestmark = pytest.mark.store

POLICE, CARE = "thames-valley-police", "oxfordshire-cc"


def _batch(session: Session, partner: str, dataset: str, **counts: int) -> None:
    figures = {
        "rows_in": 0, "rows_loaded": 0, "rows_inserted": 0, "rows_updated": 0,
        "rows_unchanged": 0, "rows_deleted_in_file": 0, "rows_excluded": 0,
        "rows_quarantined": 0, "records_deleted": 0, "duplicate_keys": 0,
    } | counts  # fmt: skip
    session.add(
        FeedBatch(
            register="tvt",
            partner=partner,
            dataset=dataset,
            file_name=f"{uuid.uuid4()}.csv",
            file_hash=uuid.uuid4().hex,
            delivery="snapshot",
            state=COMPLETE,
            received_at=utcnow(),
            **figures,
        )
    )


def _records(session: Session, partner: str, dataset: str, people: list[str | None]) -> None:
    run = session.scalar(select(LinkageRun))
    if run is None:
        run = LinkageRun(kind="full", engine="duckdb", started_by="test", config={})
        session.add(run)
        session.flush()
    for person in people:
        rid = uuid.uuid4().hex
        session.add(
            FeedIdentity(
                record_id=rid,
                register="tvt",
                partner=partner,
                dataset=dataset,
                row_digest=uuid.uuid4().hex,
                sealed=b"sealed",
            )
        )
        if person is not None:
            session.add(
                PersonId(record_id=rid, person_id=person, run_id=run.id, fingerprint="f" * 64)
            )
    session.flush()


@pytest.fixture
def fed(session: Session) -> None:
    _batch(session, POLICE, "crime-events", rows_in=120, rows_loaded=110, rows_quarantined=10)
    _batch(session, POLICE, "crime-events", rows_in=30, rows_loaded=30)
    _batch(session, CARE, "social-care", rows_in=50, rows_loaded=48, rows_quarantined=2)
    # police: 4 records, 3 linked, of whom p1 and p2 also have social-care records
    _records(session, POLICE, "crime-events", ["p1", "p2", "p3", None])
    _records(session, CARE, "social-care", ["p1", "p2", "p9"])
    session.flush()


def test_the_pack_counts_what_each_partner_sent_and_what_became_of_it(
    session: Session, fed: None
) -> None:
    pack = review_pack.build(session, actor=analyst(), register="tvt")
    assert [p.partner for p in pack.partners][:2] == [POLICE, "oxfordshire-cc"]
    police = next(p for p in pack.partners if p.partner == POLICE)
    events = police.datasets[0]
    assert (events.deliveries, events.rows_received, events.rows_loaded) == (2, 150, 140)
    assert (events.rows_quarantined, events.held) == (10, 4)
    assert (events.matched, events.matched_across) == (3, 2)
    assert police.reports == {"released": 0, "held": 0, "refused": 0}
    assert police.outcome is None
    care = next(p for p in pack.partners if p.partner == CARE)
    assert (care.datasets[0].held, care.datasets[0].matched_across) == (3, 2)
    # nothing outside the period
    old = review_pack.build(
        session,
        actor=analyst(),
        register="tvt",
        period_from=date(2020, 1, 1),
        period_to=date(2020, 6, 30),
    )
    assert sum(d.deliveries for p in old.partners for d in p.datasets) == 0
    assert session.scalars(
        select(AuditEntry).where(AuditEntry.record_type == review_pack.RECORD_TYPE)
    ).all()


def test_the_pack_as_html_and_pdf_holds_counts_only(session: Session, fed: None) -> None:
    pack = review_pack.build(session, actor=analyst(), register="tvt", partner=POLICE)
    page = review_pack.to_html(pack)
    assert "<h1>Partner data review" in page
    assert "Records matched to another partner" in page
    assert "p1" not in page.replace("<p>", "").replace("p1 ", "")  # no person ids
    pdf = review_pack.to_pdf(pack)
    assert pdf.startswith(b"%PDF")
    assert pdf == review_pack.to_pdf(pack)  # the same figures make the same file


def test_the_outcome_is_recorded_with_who_when_and_the_pack_it_was_on(
    session: Session, fed: None
) -> None:
    dpo = actors.actor("tvt", "dpo", CARE)
    start, end = review_pack.default_period(utcnow().date())
    with pytest.raises(Invalid, match="say which changes"):
        review_pack.record_outcome(
            session, actor=dpo, register="tvt", partner=POLICE,
            period_from=start, period_to=end, decision="change",
        )  # fmt: skip
    row = review_pack.record_outcome(
        session, actor=dpo, register="tvt", partner=POLICE, period_from=start,
        period_to=end, decision="change", notes="Ten rows a month fail the date check.",
    )  # fmt: skip
    assert row.decided_by_name == dpo.name
    assert row.organisation == CARE
    pack = review_pack.build(session, actor=analyst(), register="tvt")
    assert row.pack_hash == pack.digest(POLICE)
    police = next(p for p in pack.partners if p.partner == POLICE)
    assert police.outcome is not None
    assert police.outcome["decision"].startswith("Carry on, with the changes")
    decided = session.scalars(
        select(AuditEntry).where(
            AuditEntry.record_type == review_pack.RECORD_TYPE, AuditEntry.action == "decide"
        )
    ).all()
    assert len(decided) == 1


def test_who_may_read_and_decide(session: Session, fed: None) -> None:
    start, end = default = review_pack.default_period(utcnow().date())
    assert end - start < timedelta(days=185)
    del default
    # an analyst reads but does not decide
    with pytest.raises(AccessDenied):
        review_pack.record_outcome(
            session, actor=analyst(), register="tvt", partner=POLICE,
            period_from=start, period_to=end, decision="continue",
        )  # fmt: skip
    # a partner's feed account sees its own figures only
    feed = actors.actor("tvt", "partner-feed", CARE)
    own = review_pack.build(session, actor=feed, register="tvt")
    assert [p.partner for p in own.partners] == [CARE]
    # a report recipient sees no pack
    with pytest.raises(AccessDenied):
        review_pack.build(
            session, actor=actors.actor("tvt", "report-recipient", CARE), register="tvt"
        )


def test_the_api_gives_the_pack_and_records_the_outcome(
    app: FastAPI, client: TestClient, session: Session, fed: None
) -> None:
    session.commit()
    app.dependency_overrides[current_actor] = analyst
    got = client.get("/api/reports/reviews/tvt", params={"partner": POLICE})
    assert got.status_code == 200, got.text
    assert got.json()["partners"][0]["datasets"][0]["held"] == 4
    pdf = client.get("/api/reports/reviews/tvt", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    app.dependency_overrides[current_actor] = lambda: actors.actor("tvt", "dpo", POLICE)
    body = got.json()
    posted = client.post(
        "/api/reports/reviews/tvt/outcomes",
        json={
            "partner": POLICE,
            "period_from": body["period_from"],
            "period_to": body["period_to"],
            "decision": "continue",
        },
    )
    assert posted.status_code == 201, posted.text
    listed = client.get("/api/reports/reviews/tvt/outcomes").json()
    assert [o["decision"] for o in listed] == ["continue"]
    bad = client.post(
        "/api/reports/reviews/tvt/outcomes",
        json={"partner": POLICE, "period_from": "2026-01-01", "period_to": "2026-06-30",
              "decision": "maybe"},
    )  # fmt: skip
    assert bad.status_code == 422


def test_the_six_monthly_reminder_points_to_the_pack(session: Session) -> None:
    from datetime import UTC, datetime

    from accord.jobs import runner
    from accord.jobs.models import Reminder
    from factories.registers import using
    from retention.support import sessions

    with using("tvt"):
        runner.run_due(
            sessions(session), now=datetime(2027, 2, 1, tzinfo=UTC), only="review-reminders"
        )
    text = session.scalars(select(Reminder.text)).one()
    assert "/reports/reviews/tvt" in text
    assert "accord reports review-pack --register tvt" in text


def test_the_commands_write_the_pack_and_record_the_outcome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'review.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("ACCORD_DATABASE_URL", url)
    get_settings.cache_clear()
    with Session(make_engine(url)) as session:
        for email, role in (
            ("analyst@tvp.example", "partnership-analyst"),
            ("dpo@tvp.example", "dpo"),
        ):
            user = accounts.create_user(session, email=email, name=email, organisation=POLICE)
            accounts.add_role(session, user=user, register="tvt", role=role)
        session.commit()
    runner = CliRunner()
    base = ["reports", "review-pack", "--register", "tvt", "--as", "analyst@tvp.example"]
    shown = runner.invoke(cli, [*base, "--json"])
    assert shown.exit_code == 0, shown.output
    assert POLICE in shown.output
    pdf = tmp_path / "pack.pdf"
    wrote = runner.invoke(cli, [*base, "--out", str(pdf)])
    assert wrote.exit_code == 0, wrote.output
    assert pdf.read_bytes().startswith(b"%PDF")
    decided = runner.invoke(
        cli,
        ["reports", "review-outcome", "--register", "tvt", "--partner", POLICE,
         "--decision", "continue", "--as", "dpo@tvp.example"],
    )  # fmt: skip
    assert decided.exit_code == 0, decided.output
    refused = runner.invoke(
        cli,
        ["reports", "review-outcome", "--register", "tvt", "--partner", POLICE,
         "--decision", "continue", "--as", "analyst@tvp.example"],
    )  # fmt: skip
    assert refused.exit_code == 3
    get_settings.cache_clear()
