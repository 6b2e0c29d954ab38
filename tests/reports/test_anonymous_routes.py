"""An anonymous-only role sees no identifying value in any report route: every /api/reports*
route in the OpenAPI schema, called as such a role with real ids in its path, answers with no
name, date of birth, address, crime number or pseudonym (and never a 5xx)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.analytics.duckdb_engine import DuckDBEngine
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.reports import extracts, priority
from accord.reports.priority_models import PriorityEntry
from accord.settings import Settings
from factories import actors
from factories.cases import dob_for_age

from .conftest import analyst as tvt_analyst
from .conftest import approve_all
from .test_extracts import REPORT, _population
from .test_priority import _people

pytestmark = pytest.mark.store

PARAM = re.compile(r"\{([^}]+)\}")


def _as(app: FastAPI, actor: Actor) -> None:
    app.dependency_overrides[current_actor] = lambda: actor


def _report_routes(app: FastAPI) -> list[tuple[str, str]]:
    schema = app.openapi()
    return [
        (method.upper(), path)
        for path, item in sorted(schema["paths"].items())
        if path.startswith("/api/reports")
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


def _fill(path: str, values: dict[str, list[str]]) -> list[str]:
    """Every way of filling the path's parameters from `values` (unknown ones: a random id)."""
    paths = [path]
    for name in PARAM.findall(path):
        choices = values.get(name) or values.get("id") or [str(uuid.uuid4())]
        paths = [p.replace("{" + name + "}", c) for p in paths for c in choices]
    return paths


def test_an_anonymous_only_role_sees_no_identifying_value_in_any_report_route(
    app: FastAPI, client: TestClient, session: Session, settings: Settings
) -> None:
    cases = _population(session, 6)
    engine = DuckDBEngine(settings.analytics_path)
    try:
        _people(session, engine)
        approve_all(session, "tvt", "priority-support")
        listed = priority.produce(
            session,
            actor=tvt_analyst(),
            register="tvt",
            report_id="priority-support",
            engine=engine,
            recipients=["oxfordshire-cc"],
        )
    finally:
        engine.close()
    entries = list(session.scalars(select(PriorityEntry).where(PriorityEntry.list_id == listed.id)))
    dpo = actors.actor("lvws", "dpo", "victim-support")
    made = extracts.run_extract(session, actor=dpo, register="lvws", report_id=REPORT)
    analyst = actors.actor("lvws", "reporting-analyst", "victim-support")
    _as(app, analyst)
    run = client.post("/api/reports/lvws/mopac-monitoring-return/runs", json={})
    assert run.status_code == 201, run.text
    secrets_: list[str] = ["Evans", "12 Acacia Road", "SE5 0EG", "07700 900123", made.key]
    secrets_ += [f"Ann{i}" for i in range(6)] + [f"Bob{i}" for i in range(6)]
    secrets_ += [dob_for_age(30 + i) for i in range(5)] + [dob_for_age(40 + i) for i in range(5)]
    secrets_ += [row[0] for row in made.rows]  # the pseudonyms
    secrets_ += [str(c.subject_id) for c in cases]
    secrets_ += ['"p1"', '"p2"', "knife was used"]  # listed people and why
    registry = current_registry()
    values: dict[str, list[str]] = {
        "register": ["lvws", "tvt"],
        "report_id": [r.id for reg in ("lvws", "tvt") for r in registry.get(reg).reports],
        "report": [REPORT],
        "run_id": [run.json()["id"]],
        "extract_id": [str(made.record.id)],
        "list_id": [str(listed.id)],
        "entry_id": [str(e.id) for e in entries],
        "person": ["p1"],
        "id": [run.json()["id"], str(made.record.id)],
    }
    anonymous = [
        actors.actor("lvws", "commissioner", "mopac"),
        actors.actor("tvt", "report-recipient", "oxfordshire-cc"),
    ]
    routes = _report_routes(app)
    assert ("POST", "/api/reports/extracts/{register}/{report_id}") in routes
    assert ("GET", "/api/reports/priority-lists/{list_id}") in routes
    called, answered = 0, 0
    for who in anonymous:
        _as(app, who)
        for method, template in routes:
            for path in _fill(template, values):
                params: dict[str, Any] = {"register": "tvt" if "tvt" in path else "lvws"}
                if method == "GET":
                    response = client.get(path, params=params)
                else:
                    response = client.request(method, path, params=params, json={})
                called += 1
                answered += response.status_code == 200
                assert response.status_code < 500, (method, path, response.text)
                for value in secrets_:
                    assert value not in response.text, (method, path, value)
    assert called > len(routes)
    assert answered >= 4  # the released return, its downloads and listings: not only refusals
