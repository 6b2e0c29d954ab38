"""`accord reports`: list, show, run, release, outputs, export and notice, as named accounts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from accord.accounts import service as accounts
from accord.cli import app as cli
from accord.settings import get_settings
from accord.store import migrate
from accord.store.engine import make_engine
from factories.cases import dob_for_age, refer

ANALYST, COMMISSIONER, DPO = (
    "analyst@victim-support.example",
    "commissioner@mopac.example",
    "dpo@victim-support.example",
)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database of its own (the commands open their own connection), with 24 referrals."""
    url = f"sqlite:///{tmp_path / 'reports.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("ACCORD_DATABASE_URL", url)
    monkeypatch.setenv("ACCORD_ANALYTICS_PATH", str(tmp_path / "analytics.duckdb"))
    get_settings.cache_clear()
    engine = make_engine(url)
    with Session(engine) as session:
        for email, org, role in (
            (ANALYST, "victim-support", "reporting-analyst"),
            (COMMISSIONER, "mopac", "commissioner"),
            (DPO, "victim-support", "dpo"),
        ):
            user = accounts.create_user(session, email=email, name=email, organisation=org)
            accounts.add_role(session, user=user, register="lvws", role=role)
        for i in range(24):
            refer(
                session,
                person__date_of_birth=dob_for_age(30),
                crime__crime_number=f"{2234567 + i}/26",
            )
        session.commit()
    engine.dispose()
    yield url
    get_settings.cache_clear()


def _json(output: str) -> object:
    return json.loads(output)


def test_reports_commands_end_to_end(database: str, tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(
        cli, ["reports", "list", "--register", "lvws", "--as", ANALYST, "--json"]
    )
    assert listed.exit_code == 0, listed.output
    reports = _json(listed.output)
    assert isinstance(reports, list)
    assert {r["id"] for r in reports} == {
        "mopac-monitoring-return",
        "mopac-equality-return",
        "mopac-evaluation-extract",
    }
    shown = runner.invoke(
        cli, ["reports", "show", "lvws", "mopac-equality-return", "--as", ANALYST]
    )
    assert "definition hash:" in shown.output

    ran = runner.invoke(
        cli, ["reports", "run", "lvws", "mopac-equality-return", "--as", ANALYST, "--json"]
    )
    assert ran.exit_code == 0, ran.output
    run = _json(ran.output)
    assert isinstance(run, dict)
    if run["status"] == "held":
        released = runner.invoke(cli, ["reports", "release", run["id"], "--as", DPO])
        assert released.exit_code == 0, released.output
        assert "released" in released.output

    outputs = runner.invoke(
        cli, ["reports", "outputs", "--register", "lvws", "--as", COMMISSIONER, "--json"]
    )
    assert outputs.exit_code == 0, outputs.output
    seen = _json(outputs.output)
    assert isinstance(seen, list)
    assert [o["id"] for o in seen] == [run["id"]]
    out = tmp_path / "return.csv"
    exported = runner.invoke(
        cli, ["reports", "export", run["id"], "--out", str(out), "--as", COMMISSIONER]
    )
    assert exported.exit_code == 0, exported.output
    text = out.read_text()
    assert "Ethnicity" in text
    assert "Amelia" not in text

    # a bad filter names itself; a commissioner may not run a report
    bad = runner.invoke(
        cli,
        ["reports", "run", "lvws", "mopac-equality-return", "--as", ANALYST, "--filter", "x"],
    )
    assert bad.exit_code == 2
    assert "--filter" in bad.output
    refused = runner.invoke(
        cli, ["reports", "run", "lvws", "mopac-equality-return", "--as", COMMISSIONER]
    )
    assert refused.exit_code == 3

    notice = runner.invoke(cli, ["reports", "notice", "lvws"])
    assert notice.exit_code == 0, notice.output
    assert "Reports we produce" in notice.output
    assert "Equality monitoring return to MOPAC" in notice.output
