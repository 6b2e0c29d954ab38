"""Priority lists over HTTP: produced for named recipients, opened and downloaded by them
(recorded), acted on only after a person's decision, a person removed from every list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.analytics.duckdb_engine import DuckDBEngine
from accord.gate.types import Actor
from accord.settings import Settings
from factories import actors

from .conftest import analyst, approve_all
from .test_priority import REPORT, _people, _recipient

pytestmark = pytest.mark.store

BASE = "/api/reports/priority-lists"


def _as(app: FastAPI, actor: Actor) -> None:
    app.dependency_overrides[current_actor] = lambda: actor


def test_a_list_over_http_from_production_to_removal(
    app: FastAPI, client: TestClient, session: Session, settings: Settings
) -> None:
    engine = DuckDBEngine(settings.analytics_path)
    try:
        _people(session, engine)
    finally:
        engine.close()
    _as(app, analyst())
    refused = client.post(f"{BASE}/tvt/{REPORT}", json={"recipients": ["oxfordshire-cc"]})
    assert refused.status_code == 409  # not approved by every partner yet
    approve_all(session, "tvt", REPORT)
    made = client.post(f"{BASE}/tvt/{REPORT}", json={"recipients": ["oxfordshire-cc"]})
    assert made.status_code == 201, made.text
    list_id = made.json()["id"]
    assert made.json()["entries"] == 2

    _as(app, _recipient())
    opened = client.get(f"{BASE}/{list_id}")
    assert opened.status_code == 200, opened.text
    entries = {e["person"]: e for e in opened.json()["entries"]}
    first = entries["p1"]
    assert "Social care involvement for exploitation (Oxfordshire)" in first["factors"]
    undecided = client.post(f"{BASE}/entries/{first['id']}/actions", json={"action": "Visit"})
    assert undecided.status_code == 409
    decided = client.post(
        f"{BASE}/entries/{first['id']}/decision",
        json={"decision": "support", "reason": "Two partners see the same exploitation risk"},
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["decided_by"]
    acted = client.post(f"{BASE}/entries/{first['id']}/actions", json={"action": "Visit"})
    assert acted.status_code == 201, acted.text
    copy = client.get(f"{BASE}/{list_id}/download")
    assert copy.status_code == 200
    assert copy.headers["content-type"].startswith("text/csv")
    listed = client.get(BASE, params={"register": "tvt"})
    assert listed.json()["total"] == 1

    _as(app, _recipient("reading-bc"))
    assert client.get(f"{BASE}/{list_id}").status_code == 403
    _as(app, actors.actor("tvt", "report-recipient", "oxfordshire-cc"))
    assert client.get(f"{BASE}/{list_id}").status_code == 403

    _as(app, actors.actor("tvt", "dpo", "thames-valley-police"))
    explained = client.get(f"{BASE}/entries/{first['id']}/explanation")
    assert explained.status_code == 200
    assert "support" in explained.json()["explanation"]
    removal = client.post(
        f"{BASE}/tvt/people/p1/removal", json={"reason": "The person's objection was upheld"}
    )
    assert removal.status_code == 200, removal.text
    assert removal.json()["removed"] == 1
    assert [d["organisation"] for d in removal.json()["downloads"]] == ["oxfordshire-cc"]
    _as(app, _recipient())
    again = client.get(f"{BASE}/{list_id}").json()
    assert [e["person"] for e in again["entries"]] == ["p2"]


def test_the_commands_produce_for_named_recipients_and_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.orm import Session as DbSession
    from typer.testing import CliRunner

    from accord.accounts import service as accounts
    from accord.cli import app as cli
    from accord.settings import get_settings
    from accord.store import migrate
    from accord.store.engine import make_engine

    url = f"sqlite:///{tmp_path / 'priority.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("ACCORD_DATABASE_URL", url)
    monkeypatch.setenv("ACCORD_ANALYTICS_PATH", str(tmp_path / "analytics.duckdb"))
    get_settings.cache_clear()
    email = "analyst@thames-valley-police.example"
    with DbSession(make_engine(url)) as session:
        user = accounts.create_user(
            session, email=email, name="Analyst", organisation="thames-valley-police"
        )
        accounts.add_role(session, user=user, register="tvt", role="partnership-analyst")
        engine = DuckDBEngine(str(tmp_path / "analytics.duckdb"))
        try:
            _people(session, engine)
        finally:
            engine.close()
        approve_all(session, "tvt", REPORT)
        session.commit()
    runner = CliRunner()
    made = runner.invoke(
        cli,
        ["reports", "priority-list", "tvt", REPORT, "--recipient", "oxfordshire-cc", "--as", email],
    )
    assert made.exit_code == 0, made.output
    assert "2 people listed" in made.output
    wrong = runner.invoke(
        cli, ["reports", "priority-list", "tvt", REPORT, "--recipient", "nobody", "--as", email]
    )
    assert wrong.exit_code == 2
    listed = runner.invoke(
        cli, ["reports", "priority-lists", "--register", "tvt", "--json", "--as", email]
    )
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output)[0]["recipients"] == ["oxfordshire-cc"]
