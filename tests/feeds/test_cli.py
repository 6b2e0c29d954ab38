"""`accord feeds ingest/status/sweep` against a migrated database of their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.feeds.contracts import register_for_feed
from accord.feeds.errors import FeedError
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from accord.settings import get_settings
from accord.store import migrate
from accord.synthetic.tvt import POLICE

from .conftest import ROOT, police_row, write_rows


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

    status = runner.invoke(app, ["feeds", "status", "--register", "tvt"])
    assert status.exit_code == 0, status.output
    assert "never" in status.output  # the social-care feeds have not delivered

    unnamed = runner.invoke(app, ["feeds", "sweep", "--register", "tvt"])
    assert unnamed.exit_code == 2
    assert "--organisation" in unnamed.output
    sweep = runner.invoke(
        app, ["feeds", "sweep", "--register", "tvt", "--organisation", "thames-valley-police"]
    )
    assert sweep.exit_code == 0, sweep.output


def test_reindex_writes_the_digests_of_stored_records(cli_database: str, tmp_path: Path) -> None:
    from accord.cli import app

    runner = CliRunner()
    path = write_rows(tmp_path / "police.csv", POLICE, [police_row("P1"), police_row("P2")])
    result = runner.invoke(app, ["feeds", "ingest", POLICE.partner, POLICE.dataset, str(path)])
    assert result.exit_code == 0, result.output
    reindexed = runner.invoke(app, ["feeds", "reindex", "--register", "tvt"])
    assert reindexed.exit_code == 0, reindexed.output
    assert "4 digests written" in reindexed.output  # name with date of birth and phone, each


def test_status_and_sweep_need_the_register_named(cli_database: str) -> None:
    from accord.cli import app

    runner = CliRunner()
    for command in ("status", "sweep"):
        result = runner.invoke(app, ["feeds", command])
        assert result.exit_code == 2
        assert "--register" in result.output


def test_a_feed_belongs_to_the_one_register_that_declares_it() -> None:
    tvt = load_file(ROOT / "registers" / "tvt.yaml")
    no_feeds = tvt.model_copy(update={"id": "no-feeds", "feeds": []})
    with use_registry(Registry({"tvt": tvt, "no-feeds": no_feeds})):
        assert register_for_feed(POLICE.partner, POLICE.dataset) == "tvt"
        with pytest.raises(FeedError, match="no loaded register has a feed contract"):
            register_for_feed(POLICE.partner, "no-such-dataset")
    twin = tvt.model_copy(update={"id": "twin"})
    with (
        use_registry(Registry({"tvt": tvt, "twin": twin})),
        pytest.raises(FeedError, match=r"tvt, twin all have .* name one with --register"),
    ):
        register_for_feed(POLICE.partner, POLICE.dataset)


def test_ingest_of_a_feed_no_register_declares_writes_nothing(
    cli_database: str, tmp_path: Path
) -> None:
    from accord.cli import app

    path = write_rows(tmp_path / "police.csv", POLICE, [police_row("P1")])
    result = CliRunner().invoke(app, ["feeds", "ingest", POLICE.partner, "no-such", str(path)])
    assert result.exit_code == 2
    assert "no loaded register has a feed contract for thames-valley-police/no-such" in (
        result.output
    )
