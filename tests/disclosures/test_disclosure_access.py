"""Risk-of-harm requests and the disclosure log are read through the gate: staff of other
organisations (tokens and signed-in users of every shipped register) never see a request's
sealed reasons or who received a person's data; every read that is allowed is audited; an
approved request is released once, with the values the record holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.disclosures.models import DisclosureEntry
from accord.gate.types import Actor
from accord.panels.cases import PartyIn, open_case
from accord.register.registry import Registry
from factories.actors import actor
from factories.audit import allowed_reads
from factories.registers import using

RISK = "Perpetrator seen outside the refuge with a knife this evening."
NECESSITY = "Police need name and address to attend; no health data is needed."


@pytest.fixture
def registry() -> Iterator[Registry]:
    with using("hounslow", "cambs-hub", "mopac", "lvws") as found:
        yield found


@pytest.fixture
def hounslow_staff(registry: Registry) -> dict[str, Actor]:
    return {
        "worker": actor("hounslow", "caseworker", "hounslow", teams=("dsv-outreach",)),
        "dpo": actor("hounslow", "dpo", "hounslow"),
    }


@pytest.fixture
def outsiders(registry: Registry) -> list[Actor]:
    """Approvers and DPOs of other organisations, as tokens and as signed-in users."""
    return [
        actor("cambs-hub", "dpo", "cambs-hub", kind="token"),
        actor("mopac", "dpo", "mopac", kind="token"),
        actor("lvws", "team-manager", "catch22", kind="token", teams=("intake",)),
        actor("lvws", "team-manager", "victim-support", teams=("intake",)),
        actor("cambs-hub", "team-manager", "cambs-hub", teams=("intake",)),
    ]


def _as(app: FastAPI, actor: Actor) -> None:
    app.dependency_overrides[current_actor] = lambda: actor


def _raise_request(
    app: FastAPI, client: TestClient, session: Session, worker: Actor
) -> tuple[Any, str]:
    case = open_case(
        session,
        actor=worker,
        register="hounslow",
        service="dsv-outreach",
        parties=[PartyIn("victim", {"name": "Dee Example", "address": "1 Bath Road"})],
        referral={"referral-forms": "Self-referral by phone"},
    )
    session.commit()
    _as(app, worker)
    raised = client.post(
        "/api/disclosures/requests",
        json={
            "record_id": str(case.id),
            "recipient": "metropolitan-police",
            "fields": ["name", "address"],
            "risk": RISK,
            "risk_level": "high",
            "necessity": NECESSITY,
        },
    )
    assert raised.status_code == 201, raised.text
    return case, raised.json()["id"]


def test_another_organisations_staff_never_read_a_request(
    app: FastAPI,
    client: TestClient,
    session: Session,
    hounslow_staff: dict[str, Actor],
    outsiders: list[Actor],
) -> None:
    case, request_id = _raise_request(app, client, session, hounslow_staff["worker"])
    for outsider in outsiders:
        _as(app, outsider)
        one = client.get(f"/api/disclosures/requests/{request_id}")
        assert one.status_code in (403, 404), (outsider.name, one.text)
        assert "knife" not in one.text
        listed = client.get("/api/disclosures/requests")
        assert listed.status_code in (200, 403), (outsider.name, listed.text)
        assert request_id not in listed.text
        assert "knife" not in listed.text
        assert allowed_reads(session, outsider, case.subject_id) == []


def test_the_owners_approver_reads_requests_and_each_read_is_audited(
    app: FastAPI, client: TestClient, session: Session, hounslow_staff: dict[str, Actor]
) -> None:
    case, request_id = _raise_request(app, client, session, hounslow_staff["worker"])
    dpo = hounslow_staff["dpo"]
    _as(app, dpo)
    listed = client.get("/api/disclosures/requests")
    assert listed.status_code == 200, listed.text
    assert [r["id"] for r in listed.json()] == [request_id]
    assert listed.json()[0]["risk"] is None  # the list never unseals the reasons
    assert len(allowed_reads(session, dpo, case.subject_id)) == 1

    seen = client.get(f"/api/disclosures/requests/{request_id}")
    assert seen.status_code == 200, seen.text
    assert seen.json()["risk"] == RISK
    reads = allowed_reads(session, dpo, case.subject_id)
    assert len(reads) == 2
    assert reads[-1].record_ids == [str(case.id)]
    assert set(reads[-1].categories) == {"name", "address"}

    # The caseworker who raised it reads it too (no approve permission needed), audited.
    worker = hounslow_staff["worker"]
    _as(app, worker)
    assert client.get(f"/api/disclosures/requests/{request_id}").json()["necessity"] == NECESSITY
    assert len(allowed_reads(session, worker, case.subject_id)) == 1


def test_recipients_to_notify_only_for_the_owner(
    app: FastAPI,
    client: TestClient,
    session: Session,
    hounslow_staff: dict[str, Actor],
    outsiders: list[Actor],
) -> None:
    case, request_id = _raise_request(app, client, session, hounslow_staff["worker"])
    dpo = hounslow_staff["dpo"]
    _as(app, dpo)
    approved = client.post(
        f"/api/disclosures/requests/{request_id}/decision", json={"approve": True}
    )
    assert approved.status_code == 200, approved.text
    _as(app, hounslow_staff["worker"])
    released = client.post(f"/api/disclosures/requests/{request_id}/release", json={})
    assert released.status_code == 200, released.text

    params = {"subject_id": str(case.subject_id)}
    for outsider in outsiders:
        _as(app, outsider)
        for path in ("/api/disclosures/recipients-to-notify", "/api/disclosures"):
            answer = client.get(path, params=params)
            assert answer.status_code in (403, 404), (outsider.name, path, answer.text)
            assert "metropolitan-police" not in answer.text
        assert allowed_reads(session, outsider, case.subject_id) == []

    _as(app, dpo)
    before = len(allowed_reads(session, dpo, case.subject_id))
    notify = client.get("/api/disclosures/recipients-to-notify", params=params)
    assert notify.status_code == 200, notify.text
    assert [(n["recipient"], n["fields"]) for n in notify.json()] == [
        ("metropolitan-police", ["address", "name"])
    ]
    assert len(allowed_reads(session, dpo, case.subject_id)) == before + 1


def test_an_approved_request_is_released_once(
    app: FastAPI, client: TestClient, session: Session, hounslow_staff: dict[str, Actor]
) -> None:
    case, request_id = _raise_request(app, client, session, hounslow_staff["worker"])
    _as(app, hounslow_staff["dpo"])
    client.post(f"/api/disclosures/requests/{request_id}/decision", json={"approve": True})
    _as(app, hounslow_staff["worker"])
    first = client.post(f"/api/disclosures/requests/{request_id}/release", json={})
    assert first.status_code == 200, first.text
    again = client.post(f"/api/disclosures/requests/{request_id}/release", json={})
    assert again.status_code == 409, again.text
    assert "already released" in again.json()["detail"]["message"]
    logged = session.scalar(
        select(func.count())
        .select_from(DisclosureEntry)
        .where(DisclosureEntry.subject_id == case.subject_id)
    )
    assert logged == 1
    _as(app, hounslow_staff["dpo"])
    assert client.get(f"/api/disclosures/requests/{request_id}").json()["state"] == "released"
