"""`accord register ...` commands: exit codes, diff in words, ROPA rows and columns, demo files."""

from __future__ import annotations

import csv
import io
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from accord.demo import DemoContext
from accord.register import demo
from accord.register.cli import app
from accord.register.diff import diff_registers
from accord.register.load import load_all, parse
from accord.register.ropa import COLUMNS, ropa_rows, to_csv
from accord.register.schema import Register
from accord.settings import Settings

from .fixture import BAD_FILE, minimal

REGISTERS_DIR = Path(__file__).resolve().parents[2] / "registers"
runner = CliRunner()

# The columns of the ICO's documentation template for controllers.
ICO_COLUMNS = [
    "Business function",
    "Purpose of processing",
    "Name and contact details of joint controller",
    "Categories of individuals",
    "Categories of personal data",
    "Categories of recipients",
    "Link to contract with processor",
    "Names of third countries or international organisations",
    "Safeguards for exceptional transfers",
    "Retention schedule",
    "General description of technical and organisational security measures",
    "Article 6 lawful basis",
    "Article 9 basis",
    "Schedule 1 condition",
    "Article 10 basis",
    "Rights available",
    "Existence of automated decision-making, including profiling",
    "Data source",
]


@pytest.fixture(autouse=True)
def _registers_dir(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setattr("accord.register.cli.get_settings", lambda: settings)


def _invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_check_passes_on_the_shipped_registers() -> None:
    result = _invoke("check")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("is valid") == 5


def test_check_fails_listing_rule_and_path(tmp_path: Path) -> None:
    document = minimal()
    document["record_types"][0]["retention"] = None
    document["purposes"][0]["basis"]["art10"] = None
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(document), encoding="utf-8")
    result = _invoke("check", str(bad))
    assert result.exit_code == 1
    assert "retention-required" in result.stderr
    assert "record_types[0].retention" in result.stderr
    assert "art10-basis-required" in result.stderr
    assert str(bad) in result.stderr


def test_check_of_a_missing_file_exits_1(tmp_path: Path) -> None:
    result = _invoke("check", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 1
    assert "unreadable" in result.stderr


def test_show_prints_the_register() -> None:
    result = _invoke("show", "hounslow")
    assert result.exit_code == 0, result.output
    for text in ("Z5761176", "marac-case", "crp-case", "panel-coordinator"):
        assert text in result.stdout


def test_unknown_register_exits_1() -> None:
    for command in (["show", "nope"], ["notice", "nope"], ["ropa", "nope"]):
        result = _invoke(*command)
        assert result.exit_code == 1
        assert "no register with id 'nope'" in result.stderr


def test_notice_formats() -> None:
    page = _invoke("notice", "tvt", "--format", "html")
    assert page.exit_code == 0
    assert page.stdout.startswith("<!DOCTYPE html>")
    md = _invoke("notice", "tvt")
    assert md.exit_code == 0
    assert md.stdout.startswith("# Privacy notice: Thames Valley Together")
    assert _invoke("notice", "tvt", "--format", "pdf").exit_code == 2


def test_notice_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "n" / "notice.html"
    result = _invoke("notice", "mopac", "--format", "html", "--out", str(out))
    assert result.exit_code == 0
    assert "Mailchimp" in out.read_text(encoding="utf-8")


def _copy_with(tmp_path: Path, name: str, change: Any) -> Path:
    document = yaml.safe_load((REGISTERS_DIR / "lvws.yaml").read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_diff_reports_a_changed_retention_period(tmp_path: Path) -> None:
    def longer(document: dict[str, Any]) -> None:
        for record_type in document["record_types"]:
            if record_type["id"] == "web-enquiry":
                record_type["retention"]["period"] = "3 months"

    new = _copy_with(tmp_path, "new.yaml", longer)
    result = _invoke("diff", str(REGISTERS_DIR / "lvws.yaml"), str(new))
    assert result.exit_code == 0, result.output
    assert "Retention of 'Web-form enquiry' changed from 6 weeks to 3 months" in result.stdout
    assert "1 change(s)" in result.stdout


def test_diff_of_identical_files_says_so(tmp_path: Path) -> None:
    same = _copy_with(tmp_path, "same.yaml", lambda d: None)
    result = _invoke("diff", str(REGISTERS_DIR / "lvws.yaml"), str(same))
    assert result.exit_code == 0
    assert "No changes" in result.stdout


def test_diff_of_a_malformed_file_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    assert _invoke("diff", str(REGISTERS_DIR / "lvws.yaml"), str(bad)).exit_code == 1
    assert (
        _invoke("diff", str(REGISTERS_DIR / "lvws.yaml"), str(tmp_path / "none.yaml")).exit_code
        == 1
    )


def test_diff_in_words() -> None:
    old = minimal()
    new = minimal()
    new["purposes"][0]["basis"]["art6"] = "legal_obligation"
    new["recipients"].pop()
    new["roles"][0]["permissions"].append("case:case:list")
    new["record_types"][0]["retention"]["action"] = "review"
    new["categories"].append({"id": "email", "name": "Email"})
    changes = diff_registers(parse(old, BAD_FILE), parse(new, BAD_FILE))
    assert changes == [
        "Added category 'Email' (email)",
        "Purpose 'Support': lawful basis (Article 6) changed from public task to legal obligation",
        "Disposal action of 'Case' changed from delete to review",
        "Removed recipient 'A service you chose' (friend)",
        "Role 'Worker': permissions: added case:case:list",
    ]
    assert diff_registers(parse(old, BAD_FILE), parse(old, BAD_FILE)) == []


@cache
def _shipped() -> dict[str, Register]:
    return load_all(REGISTERS_DIR)


def _combinations(register_id: str) -> list[tuple[str, str]]:
    register = _shipped()[register_id]
    pairs: list[tuple[str, str]] = []
    for purpose in register.purposes:
        users = [rt.id for rt in register.record_types if purpose.id in rt.purposes]
        pairs += [(purpose.id, rt) for rt in users] or [(purpose.id, "")]
    return pairs


@pytest.mark.parametrize("register_id", ["lvws", "mopac", "cambs-hub", "hounslow", "tvt"])
def test_ropa_csv_has_a_row_per_purpose_and_record_type(register_id: str) -> None:
    result = _invoke("ropa", register_id, "--format", "csv")
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames is not None
    assert set(ICO_COLUMNS) <= set(reader.fieldnames)
    rows = list(reader)
    assert [(r["Purpose id"], r["Record type id"]) for r in rows] == _combinations(register_id)
    assert all(r["Article 6 lawful basis"] for r in rows)
    with_record = [r for r in rows if r["Record type id"]]
    assert all(
        r["Retention schedule"]
        for r in with_record
        if "crime-statistics" not in r["Record type id"]
    )


def test_ropa_xlsx_opens_with_openpyxl(tmp_path: Path) -> None:
    out = tmp_path / "ropa.xlsx"
    result = _invoke("ropa", "mopac", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["Record of processing"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) - 1 == len(_combinations("mopac"))
    transfers = COLUMNS.index("Safeguards for exceptional transfers")
    assert any("UK Addendum" in (row[transfers] or "") for row in rows[1:])


def test_ropa_rows_for_a_joint_controller_register() -> None:
    rows = ropa_rows(_shipped()["tvt"])
    assert all(
        "Thames Valley Police" in r["Name and contact details of joint controller"] for r in rows
    )
    # Every purpose touching partners' records rests on Art 9(2)(g); answering rights
    # requests holds no special category data.
    assert all(
        "Art 9(2)(g)" in r["Article 9 basis"] for r in rows if r["Purpose id"] != "rights-requests"
    )


def test_demo_step_writes_notices_and_ropa(
    tmp_path: Path, session: Session, settings: Settings
) -> None:
    ctx = DemoContext(settings=settings, out=tmp_path, session_factory=lambda: session)  # type: ignore[arg-type]
    lines = demo.run(ctx)
    assert len(lines) == 5
    for register_id in ("lvws", "mopac", "cambs-hub", "hounslow", "tvt"):
        folder = tmp_path / register_id
        for name in ("notice.md", "notice.html", "ropa.csv", "ropa.xlsx"):
            assert (folder / name).stat().st_size > 0
            assert any(f"{register_id}/{name}" in line for line in lines)
        openpyxl.load_workbook(folder / "ropa.xlsx")


def test_ropa_cells_cannot_become_formulas() -> None:
    row = dict.fromkeys(COLUMNS, "")
    row["Purpose of processing"] = "=HYPERLINK(1)"
    text = to_csv([row])
    assert "'=HYPERLINK(1)" in text
