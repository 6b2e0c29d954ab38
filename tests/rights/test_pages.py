"""The rights pages through the application: the public request form (CSRF, field errors,
nothing written on bad input) and the team's queue and request page with its events form."""

from __future__ import annotations

import re
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

from accord.accounts.deps import current_actor
from accord.gate.types import Actor
from accord.register.registry import Registry
from accord.rights import requests
from accord.rights.models import RightsRequest
from accord.rights.schemas import RequestIn
from accord.settings import Settings
from factories.actors import actor
from factories.registers import using

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 9, 3, 10, tzinfo=UTC)
GOOD = {
    "acting": "self",
    "given_name": "Ada",
    "family_name": "Lovelace",
    "dob-day": "10",
    "dob-month": "12",
    "dob-year": "1985",
    "email": "ada@example.org",
    "rights": ["access", "rectification"],
    "description": "My records from 2024.",
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        analytics_path=tmp_path / "analytics.duckdb",
        registers_dir=ROOT / "registers",
        public_register="lvws",
        public_form_limit=0,
    )


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """On localhost, where a development server's cookies are not marked secure."""
    with TestClient(app, base_url="http://localhost") as browser:
        yield browser


@pytest.fixture(autouse=True)
def registers() -> Iterator[Registry]:
    with using("lvws", "mopac") as registry, time_machine.travel(NOW, tick=False):
        yield registry


def token(client: TestClient, path: str) -> str:
    page = client.get(path, headers={"accept": "text/html"})
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def post_form(client: TestClient, path: str, form_path: str, data: dict[str, Any]) -> Any:
    return client.post(
        path, data={**data, "csrf_token": token(client, form_path)}, headers={"accept": "text/html"}
    )


def test_the_public_form_takes_a_request_on_the_clock_awaiting_identity(
    client: TestClient, session: Session
) -> None:
    answer = post_form(client, "/your-data/request", "/your-data/request", GOOD)
    assert answer.status_code == 200, answer.text
    assert "Request sent" in answer.text
    row = session.scalars(select(RightsRequest)).one()
    assert requests.reference(row.id) in answer.text
    assert row.channel == "web"
    assert row.organisation == "victim-support"
    assert row.representative_id is None
    dpo = actor("lvws", "dpo", "victim-support")
    read = requests.get_request(session, actor=dpo, request_id=row.id)
    assert read.rights == ["access", "rectification"]
    assert read.clock.waiting_for == ["identity"]
    assert read.requester is not None
    assert read.requester["date_of_birth"] == "1985-12-10"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rights": []}, "rights", "Choose at least one thing you want us to do"),
        ({"given_name": ""}, "given_name", "Enter the given name"),
        ({"email": ""}, "given_name", "Give an email address, phone number or postal address"),
        ({"email": "not-an-email"}, "email", "email"),
        ({"dob-month": "13"}, "dob-day", "Date of birth must be a real date"),
        ({"acting": ""}, "acting-self", "Say whether the information is about you"),
        (
            {
                "acting": "other",
                "rep_given_name": "Sam",
                "rep_family_name": "Patel",
                "rep_email": "sam@law.example",
            },
            "rep_authority",
            "Choose what gives you the right to act for them",
        ),
    ],
)
def test_bad_input_shows_field_errors_and_writes_nothing(
    client: TestClient, session: Session, changes: dict[str, Any], field: str, message: str
) -> None:
    answer = post_form(client, "/your-data/request", "/your-data/request", GOOD | changes)
    assert answer.status_code == 400
    assert "There is a problem" in answer.text
    assert f'href="#{field}"' in answer.text
    assert message in answer.text
    assert session.scalars(select(RightsRequest)).all() == []


def test_a_representative_with_authority_is_recorded_apart(
    client: TestClient, session: Session
) -> None:
    data = GOOD | {
        "acting": "other",
        "rep_given_name": "Sam",
        "rep_family_name": "Patel",
        "rep_email": "sam@law.example",
        "rep_authority": "power-of-attorney",
    }
    answer = post_form(client, "/your-data/request", "/your-data/request", data)
    assert answer.status_code == 200, answer.text
    assert "proof that you may act" in answer.text
    row = session.scalars(select(RightsRequest)).one()
    assert row.authority == "power-of-attorney"
    assert row.representative_id is not None
    assert row.representative_id != row.subject_id


def test_the_form_refuses_a_post_without_its_token(client: TestClient, session: Session) -> None:
    answer = client.post("/your-data/request", data=GOOD, headers={"accept": "text/html"})
    assert answer.status_code == 403
    assert session.scalars(select(RightsRequest)).all() == []


def officer() -> Actor:
    return actor("mopac", "information-rights-officer", teams=["information-rights"])


def logged(session: Session, who: Actor) -> uuid.UUID:
    made = requests.log_request(
        session,
        actor=who,
        data=RequestIn.model_validate(
            {
                "register": "mopac",
                "channel": "phone",
                "rights": ["erasure"],
                "requester": {
                    "given_name": "Ada",
                    "family_name": "Lovelace",
                    "phone": "020 7946 0000",
                },
            }
        ),
    )
    return made.id


def test_the_queue_and_the_request_page_explain_the_clock(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    who = officer()
    app.dependency_overrides[current_actor] = lambda: who
    request_id = logged(session, who)
    queue = client.get("/rights?register=mopac", headers={"accept": "text/html"})
    assert queue.status_code == 200
    assert requests.reference(request_id) in queue.text
    assert "Identity not yet confirmed" in queue.text
    page = client.get(f"/rights/requests/{request_id}", headers={"accept": "text/html"})
    assert "The clock has not started" in page.text
    assert "it starts when the requester&#39;s identity is confirmed" in page.text
    done = post_form(
        client,
        f"/rights/requests/{request_id}/events",
        f"/rights/requests/{request_id}",
        {"kind": "identity-verified", "on-day": "3", "on-month": "9", "on-year": "2026"},
    )
    assert done.status_code == 200  # followed the redirect back to the request
    assert "Response due by <strong>Monday 5 October 2026</strong>" in done.text
    assert "3 October 2026 falls on a Saturday" in done.text


def test_the_events_form_names_the_field_in_error(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    who = officer()
    app.dependency_overrides[current_actor] = lambda: who
    request_id = logged(session, who)
    path = f"/rights/requests/{request_id}"
    for data, field, message in [
        (
            {"kind": "", "on-day": "3", "on-month": "9", "on-year": "2026"},
            "kind",
            "Choose what happened",
        ),
        (
            {"kind": "responded", "on-day": "31", "on-month": "2", "on-year": "2026"},
            "on-day",
            "Enter the date",
        ),
        (
            {"kind": "responded", "on-day": "3", "on-month": "9", "on-year": "2026"},
            "kind",
            "No information may be sent",
        ),
        (
            {"kind": "extension-decided", "on-day": "3", "on-month": "9", "on-year": "2026"},
            "reason",
            "Give the reason",
        ),
    ]:
        answer = post_form(client, f"{path}/events", path, data)
        assert answer.status_code == 400, data
        assert f'href="#{field}"' in answer.text, data
        assert message in answer.text, data
    assert len(requests.get_request(session, actor=who, request_id=request_id).events) == 1


def test_people_without_the_permission_get_a_page_saying_so(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    request_id = logged(session, officer())
    app.dependency_overrides[current_actor] = lambda: actor("mopac", "analyst")
    queue = client.get("/rights?register=mopac", headers={"accept": "text/html"})
    assert queue.status_code == 403
    assert "You cannot see or change rights requests" in queue.text
    page = client.get(f"/rights/requests/{request_id}", headers={"accept": "text/html"})
    assert page.status_code in (403, 404)
    assert "Ada" not in page.text


LETTER = {
    "register": "mopac",
    "channel": "letter",
    "received-day": "1",
    "received-month": "9",
    "received-year": "2026",
    "acting": "self",
    "given_name": "Grace",
    "family_name": "Hopper",
    "address": "1 High Street, London",
    "identity": "yes",
    "rights": ["access"],
}


def test_staff_log_a_request_from_a_letter(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    who = officer()
    app.dependency_overrides[current_actor] = lambda: who
    answer = post_form(
        client, "/rights/requests/new", "/rights/requests/new?register=mopac", LETTER
    )
    assert answer.status_code == 200, answer.text  # followed to the request's page
    row = session.scalars(select(RightsRequest)).one()
    assert row.channel == "letter"
    assert row.received_on.isoformat() == "2026-09-01"
    assert requests.reference(row.id) in answer.text
    assert "Response due by <strong>Thursday 1 October 2026</strong>" in answer.text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"channel": ""}, "channel-letter"),
        ({"received-day": "32"}, "received-day"),
        ({"received-year": "2027"}, "received-day"),
        ({"rights": []}, "rights"),
        ({"acting": "other"}, "rep_given_name"),
    ],
)
def test_staff_logging_names_the_field_in_error(
    app: FastAPI, client: TestClient, session: Session, changes: dict[str, Any], field: str
) -> None:
    app.dependency_overrides[current_actor] = lambda: officer()
    answer = post_form(
        client, "/rights/requests/new", "/rights/requests/new?register=mopac", LETTER | changes
    )
    assert answer.status_code == 400
    assert f'href="#{field}"' in answer.text
    assert session.scalars(select(RightsRequest)).all() == []


def test_the_public_form_is_limited_per_address(settings: Settings, session: Session) -> None:
    from accord.app import create_app
    from accord.deps import get_session

    limited = settings.model_copy(update={"public_form_limit": 2})
    app = create_app(limited)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app, base_url="http://localhost") as browser:
        answers = [
            post_form(browser, "/your-data/request", "/your-data/request", GOOD).status_code
            for _ in range(3)
        ]
    assert answers == [200, 200, 429]
    assert len(session.scalars(select(RightsRequest)).all()) == 2
