"""Deliveries that must write nothing: a snapshot emptying a dataset, an upload over the
limit, a store busy with another writer; and a file name too long for the filesystem."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.deps import get_app_settings
from accord.feeds.models import FeedBatch, FeedIdentity
from accord.gate.types import Actor
from accord.settings import Settings
from support.holders import writer_elsewhere

from .conftest import OXFORDSHIRE_CARE, POLICE, actor_with, care_row, police_row, write_rows

CARE_URL = f"/api/feeds/{OXFORDSHIRE_CARE.partner}/{OXFORDSHIRE_CARE.dataset}/deliveries"
POLICE_URL = f"/api/feeds/{POLICE.partner}/{POLICE.dataset}/deliveries"


def _token(organisation: str) -> Actor:
    return dataclasses.replace(actor_with("partner-feed", organisation), kind="token")


@pytest.fixture
def council(app: FastAPI) -> None:
    app.dependency_overrides[current_actor] = lambda: _token(OXFORDSHIRE_CARE.partner)


@pytest.fixture
def police(app: FastAPI) -> None:
    app.dependency_overrides[current_actor] = lambda: _token(POLICE.partner)


def _post(client: TestClient, url: str, path: Path, name: str | None = None, **params: Any) -> Any:
    with path.open("rb") as handle:
        return client.post(
            url, params=params, files={"file": (name or path.name, handle, "text/csv")}
        )


def _identifiers(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(FeedIdentity)) or 0)


def _care(tmp_path: Path, name: str, keys: range) -> Path:
    return write_rows(tmp_path / name, OXFORDSHIRE_CARE, [care_row(f"C{i}") for i in keys])


@pytest.mark.usefixtures("council")
def test_header_only_snapshot_is_refused_and_removes_nothing(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    assert _post(client, CARE_URL, _care(tmp_path, "full.csv", range(10))).status_code == 201
    held = _identifiers(session)
    assert held == 10

    empty = _care(tmp_path, "empty.csv", range(0))
    refused = _post(client, CARE_URL, empty)
    assert refused.status_code == 409, refused.text
    message = refused.json()["detail"]["message"]
    assert "remove 10 of the 10 records" in message
    assert "20%" in message
    assert "confirm_removal=true" in message
    assert _identifiers(session) == held
    batches = session.scalar(select(func.count()).select_from(FeedBatch))
    assert batches == 1  # the refused file left no batch

    # a shrink within the share is an ordinary snapshot
    small = _post(client, CARE_URL, _care(tmp_path, "nine.csv", range(1, 10)))
    assert small.status_code == 201, small.text
    assert small.json()["records_deleted"] == 1

    confirmed = _post(client, CARE_URL, empty, confirm_removal="true")
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["records_deleted"] == 9
    assert _identifiers(session) == 0


def test_cli_refuses_a_shrinking_snapshot_until_confirmed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from accord.cli import app
    from accord.settings import get_settings
    from accord.store import migrate

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("ACCORD_DATABASE_URL", url)
    monkeypatch.setenv("ACCORD_ANALYTICS_PATH", str(tmp_path / "cli.duckdb"))
    monkeypatch.setenv("ACCORD_ENVIRONMENT", "test")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        args = ["feeds", "ingest", OXFORDSHIRE_CARE.partner, OXFORDSHIRE_CARE.dataset]
        full = _care(tmp_path, "full.csv", range(5))
        assert runner.invoke(app, [*args, str(full)]).exit_code == 0
        shrunk = _care(tmp_path, "two.csv", range(2))
        refused = runner.invoke(app, [*args, str(shrunk)])
        assert refused.exit_code == 2, refused.output
        said = " ".join(refused.output.split())  # the console wraps long lines
        assert "remove 3 of the 5 records" in said
        assert "--confirm-removal" in said
        confirmed = runner.invoke(app, [*args, str(shrunk), "--confirm-removal"])
        assert confirmed.exit_code == 0, confirmed.output
    finally:
        get_settings.cache_clear()


@pytest.mark.usefixtures("police")
def test_upload_over_the_limit_is_413_and_writes_nothing(
    app: FastAPI, client: TestClient, session: Session, settings: Settings, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "crime.csv", POLICE, [police_row(f"P{i}") for i in range(50)])
    limit = path.stat().st_size - 1
    small = settings.model_copy(update={"feeds_max_upload_bytes": limit})
    app.dependency_overrides[get_app_settings] = lambda: small
    refused = _post(client, POLICE_URL, path)
    assert refused.status_code == 413, refused.text
    assert f"{limit:,} bytes" in refused.json()["detail"]
    assert _identifiers(session) == 0
    assert session.scalar(select(func.count()).select_from(FeedBatch)) == 0


@pytest.mark.usefixtures("police")
def test_long_file_names_are_recorded_or_refused_never_a_server_error(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "crime.csv", POLICE, [police_row("P1")])
    # longer than a temporary path may safely be, within what the batch records
    long_name = "é" * 120 + ".csv"  # 244 bytes
    response = _post(client, POLICE_URL, path, name=long_name)
    assert response.status_code == 201, response.text
    assert session.scalar(select(FeedBatch.file_name)) == long_name

    for name in ("x" * 400 + ".csv", "y" * 400 + ".exe"):
        refused = _post(client, POLICE_URL, path, name=name)
        assert 400 <= refused.status_code < 500, (name, refused.status_code)
    # a control character is dropped from the name; the same file again changes nothing
    again = _post(client, POLICE_URL, path, name="a\x00b.csv")
    assert again.status_code == 200, again.text


def test_recorded_name_keeps_the_type_within_255_characters() -> None:
    from accord.feeds.api import _recorded_name

    assert _recorded_name("x" * 400 + ".csv") == "x" * 251 + ".csv"
    assert _recorded_name("../../etc/crime\x00.csv") == "crime.csv"
    assert _recorded_name("C:\\exports\\crime.jsonl") == "crime.jsonl"
    assert _recorded_name(None) == "delivery"


@pytest.fixture
def held_lock(settings: Settings) -> Iterator[None]:
    """Another process holding the analytical store's writer lock (as a CLI ingest does)."""
    with writer_elsewhere(settings.analytics_path):
        yield


@pytest.fixture
def duckdb_held(settings: Settings) -> Iterator[None]:
    """Another process with the DuckDB file itself open (DuckDB allows one per file)."""
    script = (
        "import duckdb, sys, time\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(settings.analytics_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("holder", ["held_lock", "duckdb_held"])
@pytest.mark.usefixtures("police")
def test_busy_store_answers_503_with_retry_after(
    request: pytest.FixtureRequest,
    app: FastAPI,
    client: TestClient,
    session: Session,
    settings: Settings,
    tmp_path: Path,
    holder: str,
) -> None:
    quick = settings.model_copy(update={"analytics_lock_wait_seconds": 0.3})
    app.dependency_overrides[get_app_settings] = lambda: quick
    path = write_rows(tmp_path / "crime.csv", POLICE, [police_row("P1")])
    request.getfixturevalue(holder)
    busy = _post(client, POLICE_URL, path)
    assert busy.status_code == 503, busy.text
    assert int(busy.headers["Retry-After"]) >= 1
    assert "nothing was written" in busy.json()["detail"]
    assert session.scalar(select(func.count()).select_from(FeedBatch)) == 0
