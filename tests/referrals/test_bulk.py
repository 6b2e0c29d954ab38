"""Bulk referral files: good rows load, bad rows are rejected with reasons, counts reconcile."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from accord.cases.models import Case
from accord.people.models import Subject
from accord.referrals import bulk
from accord.referrals.cli import file_actor
from accord.settings import get_settings
from accord.store import migrate
from cases.lvws import dob_for_age

HEADER = list(bulk.COLUMNS)


def _row(**overrides: str) -> dict[str, str]:
    now = datetime.now(UTC)
    row = {
        "police_reference": "MPS-0001",
        "role": "victim",
        "given_name": "Priya",
        "family_name": "Shah",
        "date_of_birth": "14/02/1990",
        "phone": "020 7946 0001",
        "crime_number": "2345678/26",
        "crime_date": (now - timedelta(days=2)).strftime("%d/%m/%Y"),
        "crime_type": "theft",
        "consent_given": "yes",
        "consent_captured_by": "PC 42 Example",
        "consent_captured_at": (now - timedelta(hours=1)).isoformat(),
        "consent_channel": "phone",
    }
    row.update(overrides)
    return row


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


ROWS = [
    _row(),
    _row(
        police_reference="MPS-0002",
        given_name="Tom",
        family_name="Reid",
        date_of_birth=dob_for_age(16),
        phone="07700 900777",
    ),
    _row(crime_number="AB12345"),
    _row(date_of_birth="01/01/2999"),
    _row(consent_given="no"),
    _row(crime_type="shoplifting-ish", vulnerable="maybe"),
    _row(given_name=""),
    _row(),  # MPS-0001 again: the police system sent it twice
]


def _counts(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Case)) or 0,
        session.scalar(select(func.count()).select_from(Subject)) or 0,
    )


def test_good_rows_load_and_bad_rows_are_reported(session: Session, tmp_path: Path) -> None:
    before = _counts(session)
    header, rows = bulk.read_rows(_write(tmp_path / "feed.csv", ROWS))
    report = bulk.import_rows(
        session, actor=file_actor("lvws", "metropolitan-police"), rows=rows, register="lvws"
    )
    assert report.rows == 8
    assert report.loaded == 2
    assert len(report.rejected) == 6
    assert report.reconciles
    assert report.routed == {"adult-da-support": 1, "cyp-support": 1}
    by_row = {r.row: " | ".join(r.reasons) for r in report.rejected}
    assert "crime_number" in by_row[3]
    assert "date_of_birth: date of birth is in the future" in by_row[4]
    assert "consent_given" in by_row[5]
    assert "vulnerable: 'maybe' is not yes or no" in by_row[6]
    assert "given_name" in by_row[7]
    assert "'MPS-0001' was already received" in by_row[8]
    # only the two good rows wrote anything (each bad row left no subject behind)
    assert _counts(session) == (before[0] + 2, before[1] + 2)
    rejects = tmp_path / "feed.rejects.csv"
    bulk.write_rejects(rejects, header, report.rejected)
    lines = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert [line["row"] for line in lines] == ["3", "4", "5", "6", "7", "8"]
    assert lines[0]["crime_number"] == "AB12345"


def test_file_missing_columns_loads_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("given_name,family_name\nA,B\n", encoding="utf-8")
    with pytest.raises(bulk.BadFileError, match="missing columns crime_number"):
        bulk.read_rows(path)


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("ACCORD_DATABASE_URL", url)
    monkeypatch.setenv("ACCORD_ENVIRONMENT", "test")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_import_command_reports_and_writes_rejects(cli_database: str, tmp_path: Path) -> None:
    from accord.cli import app

    feed = _write(tmp_path / "met.csv", ROWS)
    result = CliRunner().invoke(
        app,
        ["referrals", "import", str(feed), "--register", "lvws", "--org", "metropolitan-police"],
    )
    assert result.exit_code == 1, result.output
    assert "8 rows read" in result.output
    assert "reconciles" in result.output
    assert (tmp_path / "met.rejects.csv").exists()
    unknown = CliRunner().invoke(
        app, ["referrals", "import", str(feed), "--register", "nope", "--org", "x"]
    )
    assert unknown.exit_code == 2
