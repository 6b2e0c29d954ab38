"""The panels API: a MARAC case from referral to partner update, with clear 4xx errors."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.accounts.deps import current_actor
from accord.gate.types import Actor
from accord.register.schema import Register


def _as(app: FastAPI, actor: Actor) -> None:
    app.dependency_overrides[current_actor] = lambda: actor


def test_a_marac_case_over_http(
    app: FastAPI,
    client: TestClient,
    hounslow: Register,
    coordinator: Actor,
    police_partner: Actor,
) -> None:
    _as(app, coordinator)
    body = {
        "register": "hounslow",
        "service": "marac",
        "parties": [
            {"role": "victim", "details": {"name": "Asha Test", "telephone": "07700900111"}},
            {"role": "perpetrator", "details": {"name": "Ben Test"}},
        ],
        "referral": {"referral-forms": "DASH: 17"},
        "risk_level": "high",
        "referred_by": "metropolitan-police",
    }
    created = client.post("/api/panels/cases", json=body)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    assert created.json()["record_type"] == "marac-case"

    bad = client.post("/api/panels/cases", json=body | {"risk_level": "sky-high"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "risk_level"]
    unnamed = client.post(
        "/api/panels/cases", json={k: v for k, v in body.items() if k != "register"}
    )
    assert unnamed.status_code == 422
    assert unnamed.json()["detail"][0]["loc"] == ["body", "register"]

    second = client.post("/api/panels/cases", json=body)
    assert second.status_code == 201
    page = client.get("/api/panels/cases", params={"service": "marac", "limit": 1})
    assert page.status_code == 200
    assert page.json()["total"] == 2
    assert len(page.json()["items"]) == 1

    meeting = client.post(
        "/api/panels/meetings",
        json={
            "register": "hounslow",
            "panel": "marac",
            "held_on": str(date.today()),
            "chair": "DI Chair",
        },
    )
    assert meeting.status_code == 201, meeting.text
    meeting_id = meeting.json()["id"]
    listed = client.post(f"/api/panels/meetings/{meeting_id}/listings", json={"case_id": case_id})
    assert listed.status_code == 201
    agenda = client.get(f"/api/panels/meetings/{meeting_id}").json()
    assert [i["case_id"] for i in agenda["items"]] == [case_id]
    minutes = client.put(
        f"/api/panels/meetings/{meeting_id}/listings/{case_id}/minutes",
        json={"minutes": "Safety plan agreed; police to flag address."},
    )
    assert minutes.status_code == 200
    action = client.post(
        f"/api/panels/cases/{case_id}/actions",
        json={
            "owner_agency": "metropolitan-police",
            "description": "Flag address for urgent response",
            "due_on": str(date.today() + timedelta(days=7)),
            "meeting_id": meeting_id,
        },
    )
    assert action.status_code == 201, action.text

    _as(app, police_partner)
    update = client.post(
        f"/api/panels/cases/{case_id}/updates",
        json={
            "text": "Address flagged.",
            "action_id": action.json()["id"],
            "action_status": "done",
        },
    )
    assert update.status_code == 201, update.text
    # The partner cannot open cases or schedule meetings.
    refused = client.post(
        "/api/panels/meetings",
        json={"register": "hounslow", "panel": "marac", "held_on": str(date.today()), "chair": "x"},
    )
    assert refused.status_code == 403
    assert refused.json()["detail"]["reason"] == "no-permission"
    # The second case was never shared with the police.
    other = client.get(f"/api/panels/cases/{second.json()['id']}")
    assert other.status_code == 404

    _as(app, coordinator)
    actions = client.get(f"/api/panels/cases/{case_id}/actions").json()
    assert actions[0]["status"] == "done"
    assert actions[0]["updates"][0]["agency"] == "metropolitan-police"
    case = client.get(f"/api/panels/cases/{case_id}").json()
    assert {p["role"] for p in case["parties"]} == {"victim", "perpetrator"}

    log = client.get("/api/disclosures", params={"subject_id": case["parties"][0]["subject_id"]})
    assert log.status_code == 200, log.text
    assert [i["recipient"] for i in log.json()["items"]] == ["metropolitan-police"]
