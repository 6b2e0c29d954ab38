"""Ingest: snapshots replace, deltas apply, re-ingest is idempotent, every row accounted for.

Each test runs on DuckDB, and again on a local Spark session under `-m spark`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.analytics.engine import AnalyticsEngine
from accord.analytics.tables import TableSpec
from accord.feeds.identifiers import identifiers_frame
from accord.feeds.ingest import IngestResult, ingest_file
from accord.feeds.models import FeedBatch, FeedIdentity
from accord.gate.types import Actor
from accord.register.schema import FeedContract
from accord.settings import Settings

from .conftest import OXFORDSHIRE_CARE, POLICE, TODAY, care_row, police_row, write_rows


def run(
    session: Session,
    actor: Actor,
    analytics: AnalyticsEngine,
    settings: Settings,
    contract: FeedContract,
    path: Path,
    today: date = TODAY,
    confirm_removal: bool = False,
) -> IngestResult:
    result = ingest_file(
        session,
        actor=actor,
        partner=contract.partner,
        dataset=contract.dataset,
        path=path,
        settings=settings,
        engine=analytics,
        today=today,
        confirm_removal=confirm_removal,
        register="tvt",
    )
    assert result.reconciled, result
    return result


def stored(analytics: AnalyticsEngine, contract: FeedContract) -> dict[str, dict[str, object]]:
    rows = analytics.read(TableSpec.from_contract(contract)).to_pylist()
    return {row["record_id"]: row for row in rows}


def surnames(session: Session, settings: Settings, contract: FeedContract) -> list[str]:
    frame = identifiers_frame(
        session, datasets=[(contract.partner, contract.dataset)], settings=settings, register="tvt"
    )
    return sorted(frame["surname"].tolist())


def test_snapshot_replaces_the_previous_one(
    session, analyst, analytics, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    first = write_rows(
        tmp_path / "care1.csv",
        OXFORDSHIRE_CARE,
        [care_row("C1"), care_row("C2", last_name="Okafor"), care_row("C3", last_name="Ng")],
    )
    r1 = run(session, analyst, analytics, settings, OXFORDSHIRE_CARE, first)
    assert (r1.inserted, r1.updated, r1.unchanged, r1.records_deleted) == (3, 0, 0, 0)

    # C3 deleted at the partner, C2 changed (a risk factor), C4 new
    second = write_rows(
        tmp_path / "care2.csv",
        OXFORDSHIRE_CARE,
        [
            care_row("C1"),
            care_row("C2", last_name="Okafor", risk_factor="exploitation"),
            care_row("C4", last_name="Patel"),
        ],
    )
    # one of three records goes, more than a snapshot may remove unconfirmed
    r2 = run(session, analyst, analytics, settings, OXFORDSHIRE_CARE, second, confirm_removal=True)
    assert (r2.inserted, r2.updated, r2.unchanged, r2.records_deleted) == (1, 1, 1, 1)
    rows = stored(analytics, OXFORDSHIRE_CARE)
    assert len(rows) == 3
    assert sorted(r["risk_factor"] for r in rows.values()) == [
        "exploitation", "school-exclusion", "school-exclusion",
    ]  # fmt: skip
    # the deletion reached the sealed identifiers too
    assert surnames(session, settings, OXFORDSHIRE_CARE) == ["Okafor", "Patel", "Reid"]


def test_delta_applies_inserts_updates_and_deletions(
    session, analyst, analytics, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    base = [police_row("P1"), police_row("P2", surname="Hughes"), police_row("P3", surname="Cole")]
    run(
        session, analyst, analytics, settings, POLICE, write_rows(tmp_path / "d1.csv", POLICE, base)
    )
    delta = [
        police_row("P2", surname="Hughes", involvement="suspect"),  # update
        police_row("P3", surname="Cole", deleted="true"),  # deletion
        police_row("P4", surname="Ward"),  # insert
    ]
    result = run(
        session,
        analyst,
        analytics,
        settings,
        POLICE,
        write_rows(tmp_path / "d2.csv", POLICE, delta),
    )
    assert (result.inserted, result.updated, result.deletion_rows, result.records_deleted) == (
        1,
        1,
        1,
        1,
    )
    rows = stored(analytics, POLICE)
    assert len(rows) == 3  # P1 untouched by a delta that does not mention it
    assert sorted(r["involvement"] for r in rows.values()) == ["suspect", "victim", "victim"]
    assert surnames(session, settings, POLICE) == ["Hughes", "Taylor", "Ward"]


def test_reingest_changes_nothing(session, analyst, analytics, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_rows(tmp_path / "p.csv", POLICE, [police_row("P1"), police_row("P2")])
    first = run(session, analyst, analytics, settings, POLICE, path)
    before = stored(analytics, POLICE)
    again = run(session, analyst, analytics, settings, POLICE, path)
    assert again.already_ingested
    assert again.batch_id == first.batch_id
    assert session.scalar(select(func.count()).select_from(FeedBatch)) == 1
    # the same rows in a different file (another hash): row-level idempotency
    copy = write_rows(tmp_path / "p-copy.csv", POLICE, [police_row("P2"), police_row("P1")])
    third = run(session, analyst, analytics, settings, POLICE, copy)
    assert not third.already_ingested
    assert (third.inserted, third.updated, third.unchanged) == (0, 0, 2)
    after = stored(analytics, POLICE)
    assert after == before  # lineage still names the first delivery
    assert {r["_batch_id"] for r in after.values()} == {str(first.batch_id)}


def test_lookback_excludes_old_rows_and_the_sweep_ages_out_the_rest(
    session, analyst, dpo, analytics, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from accord.feeds.sweep import sweep

    rows = [
        police_row("OLD", event_date="2019-01-01"),  # more than 6 years before TODAY
        police_row("EDGE", event_date="2021-03-01", surname="Edge"),
        police_row("NEW", event_date="2025-01-01", surname="New"),
    ]
    result = run(
        session, analyst, analytics, settings, POLICE, write_rows(tmp_path / "l.csv", POLICE, rows)
    )
    assert (result.inserted, result.excluded) == (2, 1)
    assert surnames(session, settings, POLICE) == ["Edge", "New"]
    # a year later EDGE is older than six years
    later = date(2027, 11, 23)
    swept = sweep(
        session, actor=dpo, today=later, settings=settings, engine=analytics, register="tvt"
    )
    police = next(s for s in swept if s.partner == POLICE.partner)
    assert (police.attributes_removed, police.identifiers_removed) == (1, 1)
    assert surnames(session, settings, POLICE) == ["New"]
    assert len(stored(analytics, POLICE)) == 1


def test_quarantine_keeps_bad_rows_with_reasons(
    session, analyst, analytics, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from accord.feeds.ingest import open_quarantined

    rows = [
        police_row("P1"),
        police_row("P2", date_of_birth="31/02/1990", offence_group="shoplifting"),
        police_row("P3", forename=""),
        police_row("P4", event_date="2031-01-01"),
        police_row("P5", event_date="2018-01-01"),  # outside the lookback: excluded, not bad
    ]
    result = run(
        session, analyst, analytics, settings, POLICE, write_rows(tmp_path / "q.csv", POLICE, rows)
    )
    assert (result.rows_in, result.loaded, result.quarantined, result.excluded) == (5, 1, 3, 1)
    quarantined = open_quarantined(
        session, register="tvt", batch_id=result.batch_id, settings=settings
    )
    by_row = {number: (reasons, raw) for number, reasons, raw in quarantined}
    assert set(by_row) == {2, 3, 4}
    assert by_row[2][0] == [
        "date_of_birth: not a date (YYYY-MM-DD or DD/MM/YYYY)",
        "offence_group: not one of the codes (violence-with-injury, violence-without-injury, "
        "robbery, possession-of-weapons, sexual-offences, domestic-abuse, drug-offences)",
    ]
    assert by_row[3][0] == ["forename: required"]
    assert by_row[4][0] == ["event_date: in the future"]
    assert by_row[2][1] is not None
    assert by_row[2][1]["crime_ref"] == "P2"
    assert len(stored(analytics, POLICE)) == 1


def test_duplicate_keys_are_reported_and_held_back(
    session, analyst, analytics, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    rows = [police_row("P1"), police_row("P1", surname="Other"), police_row("P2")]
    result = run(
        session, analyst, analytics, settings, POLICE, write_rows(tmp_path / "k.csv", POLICE, rows)
    )
    assert (result.duplicate_keys, result.quarantined, result.loaded) == (1, 2, 1)


def test_wrong_header_rejects_the_file_before_writing(
    session, analyst, analytics, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from accord.feeds.errors import FileRejected

    names = [f.name for f in POLICE.fields if f.name != "surname"] + ["nickname"]
    path = write_rows(tmp_path / "bad-header.csv", POLICE, [police_row("P1")], columns=names)
    with pytest.raises(FileRejected) as caught:
        run(session, analyst, analytics, settings, POLICE, path)
    message = str(caught.value)
    assert "bad-header.csv" in message
    assert "nothing written" in message
    assert "missing column(s): surname" in message
    assert "unexpected column(s): nickname" in message
    assert session.scalar(select(func.count()).select_from(FeedBatch)) == 0
    assert session.scalar(select(func.count()).select_from(FeedIdentity)) == 0
    assert analytics.count(TableSpec.from_contract(POLICE)) == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
def test_names_survive_each_encoding(
    session, analyst, analytics, settings, tmp_path, encoding
) -> None:  # type: ignore[no-untyped-def]
    rows = [
        police_row("P1", forename="Zoë", surname="Ó Briain"),
        police_row("P2", forename="Siobhán"),
    ]
    path = write_rows(tmp_path / "enc.csv", POLICE, rows, encoding=encoding)
    result = run(session, analyst, analytics, settings, POLICE, path)
    assert result.encoding == encoding
    frame = identifiers_frame(session, settings=settings, register="tvt")
    assert sorted(frame["first_name"]) == ["Siobhán", "Zoë"]
    assert "Ó Briain" in set(frame["surname"])


def test_sweep_clears_quarantined_raw_rows_after_thirty_days(
    session, analyst, dpo, analytics, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    from accord.feeds.ingest import open_quarantined
    from accord.feeds.sweep import sweep

    rows = [police_row("P1"), police_row("P2", involvement="bystander")]
    result = run(
        session, analyst, analytics, settings, POLICE, write_rows(tmp_path / "q.csv", POLICE, rows)
    )
    today = datetime.now(UTC).date()
    sweep(
        session,
        actor=dpo,
        today=today + timedelta(days=29),
        settings=settings,
        engine=analytics,
        register="tvt",
    )
    assert open_quarantined(session, register="tvt", batch_id=result.batch_id, settings=settings)[
        0
    ][2]
    sweep(
        session,
        actor=dpo,
        today=today + timedelta(days=31),
        settings=settings,
        engine=analytics,
        register="tvt",
    )
    [(number, reasons, raw)] = open_quarantined(
        session, register="tvt", batch_id=result.batch_id, settings=settings
    )
    assert (number, raw) == (2, None)
    assert reasons == ["involvement: not one of the codes (victim, suspect, witness)"]
