"""JSON Lines and Parquet deliveries, the census feed, and feed status with overdue feeds."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.analytics.tables import TableSpec
from accord.feeds.errors import FileRejected
from accord.feeds.identifiers import identifiers_frame
from accord.feeds.ingest import ingest_file
from accord.feeds.status import feed_status
from accord.synthetic.tvt import CENSUS, OXFORDSHIRE_CARE, POLICE

from .conftest import TODAY, care_row, police_row, write_rows


def _ingest(session, actor, settings, engine, contract, path):  # type: ignore[no-untyped-def]
    return ingest_file(
        session,
        actor=actor,
        partner=contract.partner,
        dataset=contract.dataset,
        path=path,
        settings=settings,
        engine=engine,
        today=TODAY,
        register="tvt",
    )


@pytest.fixture
def duck(tmp_path):  # type: ignore[no-untyped-def]
    engine = DuckDBEngine(tmp_path / "a.duckdb")
    yield engine
    engine.close()


def test_json_lines_with_typed_values(session, analyst, settings, duck, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [police_row("P1", forename="Zoë"), police_row("P2")]
    rows[1]["knife_involved"] = True  # a JSON boolean, not a string
    path = tmp_path / "p.jsonl"
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    result = _ingest(session, analyst, settings, duck, POLICE, path)
    assert (result.inserted, result.quarantined) == (2, 0)
    knives = duck.read(TableSpec.from_contract(POLICE)).column("knife_involved").to_pylist()
    assert sorted(knives) == [False, True]


def test_json_lines_with_an_unknown_field_are_rejected(
    session, analyst, settings, duck, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({**police_row("P1"), "ethnicity": "x"}) + "\n")
    with pytest.raises(FileRejected, match="unexpected column\\(s\\): ethnicity"):
        _ingest(session, analyst, settings, duck, POLICE, path)


def test_parquet_with_native_types(session, analyst, settings, duck, tmp_path) -> None:  # type: ignore[no-untyped-def]
    row = care_row("C1")
    columns = {k: [v or None] for k, v in row.items()}
    columns["dob"] = [date(2008, 9, 10)]
    columns["referral_date"] = [date(2024, 2, 1)]
    columns["closed_date"] = pa.array([None], pa.date32())
    path = tmp_path / "c.parquet"
    pq.write_table(pa.table(columns), path)
    result = _ingest(session, analyst, settings, duck, OXFORDSHIRE_CARE, path)
    assert (result.inserted, result.quarantined) == (1, 0)
    assert identifiers_frame(session, settings=settings, register="tvt")["dob"].tolist() == [
        date(2008, 9, 10)
    ]


def test_census_areas_hold_no_identifiers(session, analyst, settings, duck, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {"lsoa": "E01028500", "lsoa_name": "Oxford 001A", "population": "1500", "imd_decile": "3", "pct_social_rented": "22.5"},
        {"lsoa": "E01028501", "lsoa_name": "Oxford 001B", "population": "many", "imd_decile": "4", "pct_social_rented": ""},
    ]  # fmt: skip
    result = _ingest(
        session, analyst, settings, duck, CENSUS, write_rows(tmp_path / "a.csv", CENSUS, rows)
    )
    assert (result.inserted, result.quarantined) == (1, 1)
    assert identifiers_frame(session, settings=settings, register="tvt").empty
    stored = duck.read(TableSpec.from_contract(CENSUS)).to_pylist()
    assert stored[0]["lsoa"] == "E01028500"
    assert stored[0]["population"] == 1500


def test_status_counts_and_overdue_feeds(session, analyst, settings, duck, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [police_row("P1"), police_row("P2", offence_group="unknown")]
    _ingest(session, analyst, settings, duck, POLICE, write_rows(tmp_path / "p.csv", POLICE, rows))
    now = datetime.now(UTC)
    status = {
        (s.partner, s.dataset): s
        for s in feed_status(
            session, actor=analyst, settings=settings, engine=duck, now=now, register="tvt"
        )
    }
    police = status[(POLICE.partner, POLICE.dataset)]
    assert (police.records, police.identifiers, police.quarantined_last, police.deliveries) == (
        1,
        1,
        1,
        1,
    )
    assert not police.overdue  # daily feed delivered just now
    care = status[(OXFORDSHIRE_CARE.partner, OXFORDSHIRE_CARE.dataset)]
    assert care.last_delivery is None
    assert care.overdue
    later = feed_status(
        session,
        actor=analyst,
        settings=settings,
        engine=duck,
        now=now + timedelta(days=2),
        register="tvt",
    )
    assert next(s for s in later if s.partner == POLICE.partner).overdue
