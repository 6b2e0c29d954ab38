"""The reports API and commands: approvals, runs, outputs; recipients see released outputs
only, and an anonymous-only role sees no identifying value in any report route."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.analytics.duckdb_engine import DuckDBEngine
from accord.gate.types import Actor
from accord.reports import service
from accord.settings import Settings
from factories import actors
from factories.cases import dob_for_age, refer

from .conftest import analyst, approve_all, events, load_events

pytestmark = pytest.mark.store

PROFILE = "/api/reports/tvt/serious-violence-profile"


def _as(app: FastAPI, actor: Actor) -> None:
    app.dependency_overrides[current_actor] = lambda: actor


@pytest.fixture
def stored_events(settings: Settings) -> None:
    engine = DuckDBEngine(settings.analytics_path)
    try:
        data = []
        for area in ("E01000001", "E01000002", "E01000003"):
            data += events(30, lsoa=area, offence_group="robbery")
            data += events(
                3 if area == "E01000002" else 20, lsoa=area, offence_group="drug-offences"
            )
        load_events(engine, data)
    finally:
        engine.close()


def test_partners_approve_then_the_analyst_runs_and_a_checker_releases(
    app: FastAPI, client: TestClient, session: Session, stored_events: None
) -> None:
    producer = analyst()
    _as(app, producer)
    shown = client.get(PROFILE).json()
    assert shown["approved"] is False
    assert len(shown["awaiting"]) == 5
    refused = client.post(f"{PROFILE}/runs", json={})
    assert refused.status_code == 409
    assert "not approved by" in refused.json()["detail"]["message"]
    for org in shown["partners"]:
        _as(app, actors.actor("tvt", "dpo", org))
        ok = client.post(f"{PROFILE}/approvals", json={"definition_hash": shown["definition_hash"]})
        assert ok.status_code == 201, ok.text
    _as(app, actors.actor("tvt", "dpo", "reading-bc"))
    again = client.post(f"{PROFILE}/approvals", json={"definition_hash": shown["definition_hash"]})
    assert again.status_code == 409
    _as(app, producer)
    assert client.get(PROFILE).json()["approved"] is True
    ran = client.post(f"{PROFILE}/runs", json={})
    assert ran.status_code == 201, ran.text
    out = ran.json()
    assert (out["outcome"], out["status"]) == ("review", "held")
    assert any("suppressed" in n for n in out["notes"])
    run_id = out["id"]

    # a recipient cannot see a held output, nor find it in the list
    recipient = actors.actor("tvt", "report-recipient", "oxfordshire-cc")
    _as(app, recipient)
    assert client.get(f"/api/reports/outputs/{run_id}").status_code == 404
    assert client.get("/api/reports/outputs?register=tvt").json()["items"] == []

    # the producer cannot check their own output; another analyst can
    _as(app, producer)
    assert client.post(f"/api/reports/outputs/{run_id}/release").status_code == 409
    _as(app, actors.actor("tvt", "partnership-analyst", "thames-valley-police"))
    released = client.post(f"/api/reports/outputs/{run_id}/release")
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "released"

    _as(app, recipient)
    listed = client.get("/api/reports/outputs?register=tvt").json()
    assert [i["id"] for i in listed["items"]] == [run_id]
    body = client.get(f"/api/reports/outputs/{run_id}").json()
    ndims = 4
    for row in body["table"]["rows"]:
        assert row[ndims] is None or row[ndims] >= 10
    csv = client.get(f"/api/reports/outputs/{run_id}/download?format=csv")
    assert csv.status_code == 200
    assert "[c]" in csv.text
    assert "Total of published figures" in csv.text
    xlsx = client.get(f"/api/reports/outputs/{run_id}/download?format=xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book["Table"]["A1"].value == "Offence group"
    page = client.get(f"/api/reports/outputs/{run_id}/download?format=html")
    assert page.headers["content-type"].startswith("text/html")
    assert 'role="img"' in page.text
    assert "<figcaption" in page.text
    assert "<caption" in page.text


def test_a_role_without_report_permissions_is_refused(
    app: FastAPI, client: TestClient, stored_events: None
) -> None:
    _as(app, actors.actor("tvt", "partner-feed", "oxfordshire-cc", kind="token"))
    assert client.get("/api/reports?register=tvt").status_code == 403
    assert client.post(f"{PROFILE}/runs", json={}).status_code == 403
    assert client.get("/api/reports/outputs?register=tvt").status_code == 403


def test_bad_run_input_names_the_field(
    app: FastAPI, client: TestClient, session: Session, stored_events: None
) -> None:
    approve_all(session, "tvt", "serious-violence-profile")
    _as(app, analyst())
    unknown = client.post(f"{PROFILE}/runs", json={"filters": {"surname": ["Smith"]}})
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "filters", "surname"]
    backwards = client.post(
        f"{PROFILE}/runs", json={"period_from": "2025-06-01", "period_to": "2025-01-01"}
    )
    assert backwards.status_code == 422
    assert client.get("/api/reports/tvt/no-such-report").status_code == 404


def test_an_anonymous_only_role_sees_no_identifying_value_in_any_report_route(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    names = ["Amelia", "Hughes", "1234567/26", "07700 900123", "amelia.hughes@example.org"]
    for i in range(24):
        refer(
            session,
            person__date_of_birth=dob_for_age(30 + i % 3),
            crime__crime_number=f"{1234567 + i}/26" if i else "1234567/26",
        )
    # the LVWS reporting analyst counts (the gate's aggregate decision never gives it a
    # name); the commissioner is anonymous-only and reads the released return
    producer = actors.actor("lvws", "reporting-analyst", "victim-support")
    _as(app, producer)
    run = client.post("/api/reports/lvws/mopac-equality-return/runs", json={})
    assert run.status_code == 201, run.text
    run_id = run.json()["id"]
    if run.json()["status"] == "held":
        _as(app, actors.actor("lvws", "dpo", "victim-support"))
        assert client.post(f"/api/reports/outputs/{run_id}/release").status_code == 200
    commissioner = actors.actor("lvws", "commissioner", "mopac")
    bodies = []
    for who in (producer, commissioner):
        _as(app, who)
        for path in (
            "/api/reports?register=lvws",
            "/api/reports/lvws/mopac-equality-return",
            "/api/reports/outputs?register=lvws",
            f"/api/reports/outputs/{run_id}",
            f"/api/reports/outputs/{run_id}/download?format=csv",
            f"/api/reports/outputs/{run_id}/download?format=html",
        ):
            response = client.get(path)
            assert response.status_code == 200, (path, response.text)
            bodies.append(response.text)
    everything = "\n".join(bodies)
    for value in names:
        assert value not in everything
    released = json.loads(bodies[-3])
    assert released["status"] == "released"
    # 24 people of one ethnicity: a special category breakdown, threshold 20
    assert released["table"]["threshold"] == 20
    assert any(row[1] == "White British" and row[3] == 25 for row in released["table"]["rows"])


def test_a_recipient_of_another_organisation_sees_nothing(
    app: FastAPI, client: TestClient, session: Session, stored_events: None
) -> None:
    approve_all(session, "tvt", "serious-violence-profile")
    _as(app, analyst())
    run_id = client.post(f"{PROFILE}/runs", json={}).json()["id"]
    # the commissioner's office is not among this report's recipients
    _as(app, actors.actor("lvws", "commissioner", "mopac"))
    assert client.get(f"/api/reports/outputs/{run_id}").status_code in (403, 404)
    assert uuid.UUID(run_id)
    assert service.ReportRun
