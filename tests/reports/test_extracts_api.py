"""Evaluation extracts over HTTP and from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.gate.types import Actor
from accord.reports import extracts
from factories import actors

from .test_extracts import REPORT, _population

pytestmark = pytest.mark.store


def _as(app: FastAPI, actor: Actor) -> None:
    app.dependency_overrides[current_actor] = lambda: actor


def test_an_extract_is_made_once_with_its_key_then_listed_without_either(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    _population(session, 5)
    _as(app, actors.actor("lvws", "dpo", "victim-support"))
    made = client.post(f"/api/reports/extracts/lvws/{REPORT}", json={})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["columns"][0] == "pseudonym"
    assert len(body["rows"]) == body["extract"]["rows"] == 10
    key = bytes.fromhex(body["key"])
    assert body["extract"]["key_fingerprint"] == extracts.fingerprint(key)
    listed = client.get("/api/reports/extracts", params={"register": "lvws"})
    assert listed.status_code == 200
    assert listed.json()["total"] == 1
    one = client.get(f"/api/reports/extracts/{body['extract']['id']}")
    assert one.status_code == 200
    for text in (listed.text, one.text):
        assert body["key"] not in text
        assert body["rows"][0][0] not in text
    # the commissioner receives extracts by hand from the producer, never through accord
    _as(app, actors.actor("lvws", "commissioner", "mopac"))
    assert client.get("/api/reports/extracts", params={"register": "lvws"}).status_code == 403
    assert client.post(f"/api/reports/extracts/lvws/{REPORT}", json={}).status_code == 403


def test_an_unknown_recipient_or_report_is_named(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    _as(app, actors.actor("lvws", "dpo", "victim-support"))
    wrong = client.post(f"/api/reports/extracts/lvws/{REPORT}", json={"recipient": "someone"})
    assert wrong.status_code == 422
    assert "recipient" in wrong.text
    assert client.post("/api/reports/extracts/lvws/nothing", json={}).status_code == 404


def test_the_command_writes_rows_and_key_apart_and_lists_what_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from sqlalchemy.orm import Session as DbSession
    from typer.testing import CliRunner

    from accord.accounts import service as accounts
    from accord.cli import app as cli
    from accord.settings import get_settings
    from accord.store import migrate
    from accord.store.engine import make_engine

    url = f"sqlite:///{tmp_path / 'extracts.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("ACCORD_DATABASE_URL", url)
    get_settings.cache_clear()
    with DbSession(make_engine(url)) as session:
        user = accounts.create_user(
            session, email="dpo@victim-support.example", name="DPO", organisation="victim-support"
        )
        accounts.add_role(session, user=user, register="lvws", role="dpo")
        _population(session, 5)
        session.commit()
    runner = CliRunner()
    rows, key = tmp_path / "rows.csv", tmp_path / "key.txt"
    made = runner.invoke(
        cli,
        [
            "reports",
            "extract",
            "lvws",
            REPORT,
            "--out",
            str(rows),
            "--key-out",
            str(key),
            "--as",
            "dpo@victim-support.example",
        ],
    )
    assert made.exit_code == 0, made.output
    assert rows.read_text().splitlines()[0].startswith("pseudonym,age,gender")
    assert len(bytes.fromhex(key.read_text().strip())) == 32
    listed = runner.invoke(
        cli,
        [
            "reports",
            "extracts",
            "--register",
            "lvws",
            "--json",
            "--as",
            "dpo@victim-support.example",
        ],
    )
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output)[0]["rows"] == 10
    same = runner.invoke(
        cli,
        [
            "reports",
            "extract",
            "lvws",
            REPORT,
            "--out",
            str(rows),
            "--key-out",
            str(rows),
            "--as",
            "dpo@victim-support.example",
        ],
    )
    assert same.exit_code == 2
