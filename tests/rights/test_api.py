"""The rights API: log a request, record its events, read its clock, list the queue; and
`accord rights queue`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from accord.accounts import service as accounts
from accord.accounts.deps import current_actor
from accord.gate.types import Actor
from accord.register.registry import Registry
from accord.rights import requests
from accord.rights.cli import app as cli
from accord.rights.models import RightsRequest
from accord.rights.schemas import RequestIn
from accord.settings import get_settings
from accord.store import migrate
from accord.store.engine import make_engine
from factories.actors import actor
from factories.registers import using

NOW = datetime(2026, 9, 3, 10, tzinfo=UTC)
BODY: dict[str, Any] = {
    "register": "mopac",
    "channel": "email",
    "rights": ["access"],
    "requester": {"given_name": "Ada", "family_name": "Lovelace", "email": "ada@example.org"},
}


@pytest.fixture(autouse=True)
def mopac() -> Iterator[Registry]:
    with using("mopac") as registry, time_machine.travel(NOW, tick=False):
        yield registry


def officer() -> Actor:
    return actor("mopac", "information-rights-officer", teams=["information-rights"])


def as_(app: FastAPI, who: Actor) -> None:
    app.dependency_overrides[current_actor] = lambda: who


def test_a_request_walks_through_the_api(app: FastAPI, client: TestClient) -> None:
    as_(app, officer())
    made = client.post("/api/rights/requests", json=BODY)
    assert made.status_code == 201, made.text
    request_id = made.json()["id"]
    assert made.json()["clock"]["waiting_for"] == ["identity"]
    step = client.post(
        f"/api/rights/requests/{request_id}/events",
        json={"kind": "identity-verified", "on": "2026-09-03"},
    )
    assert step.status_code == 201, step.text
    clock = step.json()["clock"]
    assert clock["due"] == "2026-10-05"
    assert clock["steps"][-1] == "The response is due by Monday 5 October 2026."
    read = client.get(f"/api/rights/requests/{request_id}")
    assert read.json()["requester"]["email"] == "ada@example.org"
    listed = client.get("/api/rights/queue", params={"register": "mopac"})
    assert listed.status_code == 200
    assert [i["id"] for i in listed.json()["items"]] == [request_id]
    assert listed.json()["items"][0]["state"] == "due"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rights": []}, "rights"),
        ({"requester": {"given_name": "Ada"}}, "requester"),
        ({"register": "nowhere"}, "register"),
        ({"organisation": "elsewhere"}, "organisation"),
    ],
)
def test_bad_requests_get_field_errors_and_nothing_is_written(
    app: FastAPI, client: TestClient, session: Session, changes: dict[str, Any], field: str
) -> None:
    as_(app, officer())
    answer = client.post("/api/rights/requests", json=BODY | changes)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    named = {d["loc"][1] for d in detail} if isinstance(detail, list) else {detail["field"]}
    assert field in named
    assert session.scalars(select(RightsRequest)).all() == []


def test_an_event_that_does_not_fit_is_a_conflict_naming_the_field(
    app: FastAPI, client: TestClient
) -> None:
    as_(app, officer())
    request_id = client.post("/api/rights/requests", json=BODY).json()["id"]
    answer = client.post(f"/api/rights/requests/{request_id}/events", json={"kind": "responded"})
    assert answer.status_code == 409
    assert answer.json()["detail"]["field"] == "kind"
    assert "identity" in answer.json()["detail"]["message"]


def test_other_roles_are_refused_and_other_requests_are_not_found(
    app: FastAPI, client: TestClient
) -> None:
    as_(app, officer())
    request_id = client.post("/api/rights/requests", json=BODY).json()["id"]
    as_(app, actor("mopac", "analyst"))
    assert client.get(f"/api/rights/requests/{request_id}").status_code in (403, 404)
    assert client.get("/api/rights/queue", params={"register": "mopac"}).status_code == 403
    as_(app, officer())
    assert client.get(f"/api/rights/requests/{uuid.uuid4()}").status_code == 404
    bad = client.get("/api/rights/queue", params={"register": "mopac", "state": "sleeping"})
    assert bad.status_code == 422


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'rights.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("ACCORD_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_the_queue_command_lists_due_requests_as_json(database: str) -> None:
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            user = accounts.create_user(
                session,
                email="officer@mopac.example",
                name="Rights Officer",
                organisation="mopac",
                password="a long enough password",
            )
            accounts.add_role(session, user=user, register="mopac", role="dpo")
            who = actor("mopac", "dpo")
            made = requests.log_request(
                session,
                actor=who,
                data=RequestIn.model_validate(BODY | {"identity_verified": True}),
            )
            session.commit()
        runner = CliRunner()
        answer = runner.invoke(
            cli,
            ["queue", "--as", "officer@mopac.example", "--register", "mopac", "--json"],
        )
        assert answer.exit_code == 0, answer.output
        (item,) = json.loads(answer.output)
        assert item["id"] == str(made.id)
        assert item["due"] == "2026-10-05"
        assert item["state"] == "due"
        table = runner.invoke(
            cli, ["queue", "--as", "officer@mopac.example", "--register", "mopac"]
        )
        assert table.exit_code == 0, table.output
        assert made.reference in table.output
        wrong = runner.invoke(
            cli,
            [
                "queue",
                "--as",
                "officer@mopac.example",
                "--register",
                "mopac",
                "--state",
                "x",
            ],
        )
        assert wrong.exit_code == 2
    finally:
        engine.dispose()


def test_the_queue_flags_a_reminder_when_identity_is_late(app: FastAPI, client: TestClient) -> None:
    as_(app, officer())
    made = client.post("/api/rights/requests", json=BODY | {"received_on": "2026-08-31"})
    assert made.status_code == 201, made.text
    default = client.get("/api/rights/queue", params={"register": "mopac"}).json()["items"]
    assert [(i["state"], i["reminder"]) for i in default] == [("identity", False)]
    sooner = client.get(
        "/api/rights/queue", params={"register": "mopac", "reminder_days": 3, "state": "identity"}
    ).json()
    assert sooner["total"] == 1
    assert sooner["items"][0]["reminder"] is True
    assert (
        client.get(
            "/api/rights/queue", params={"register": "mopac", "reminder_days": 0}
        ).status_code
        == 422
    )
