"""`accord feeds ingest/status/sweep` against a migrated database of their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.settings import get_settings
from accord.store import migrate
from accord.synthetic.tvt import POLICE

from .conftest import police_row, write_rows


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("ACCORD_DATABASE_URL", url)
    monkeypatch.setenv("ACCORD_ANALYTICS_PATH", str(tmp_path / "cli.duckdb"))
    monkeypatch.setenv("ACCORD_ENVIRONMENT", "test")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_ingest_status_and_sweep_commands(cli_database: str, tmp_path: Path) -> None:
    from accord.cli import app

    runner = CliRunner()
    rows = [police_row("P1"), police_row("P2", offence_group="shoplifting")]
    path = write_rows(tmp_path / "police.csv", POLICE, rows)
    result = runner.invoke(app, ["feeds", "ingest", POLICE.partner, POLICE.dataset, str(path)])
    assert result.exit_code == 0, result.output
    assert "quarantined" in result.output
    assert "offence_group: not one of the codes" in result.output
    assert "yes" in result.output  # the counts reconcile

    again = runner.invoke(app, ["feeds", "ingest", POLICE.partner, POLICE.dataset, str(path)])
    assert again.exit_code == 0
    assert "already ingested" in again.output

    bad = write_rows(tmp_path / "bad.csv", POLICE, rows, columns=["crime_ref", "forename"])
    refused = runner.invoke(app, ["feeds", "ingest", POLICE.partner, POLICE.dataset, str(bad)])
    assert refused.exit_code == 2
    assert "bad.csv: rejected, nothing written" in refused.output

    status = runner.invoke(app, ["feeds", "status"])
    assert status.exit_code == 0, status.output
    assert "never" in status.output  # the social-care feeds have not delivered

    sweep = runner.invoke(app, ["feeds", "sweep"])
    assert sweep.exit_code == 0, sweep.output
