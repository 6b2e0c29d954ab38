"""A caseworker reaching a case outside their caseload: refused, then granted with a reason."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.accounts.deps import current_actor
from cases.lvws import make_actor, police, referral_body


def test_outside_caseload_case_opens_only_with_a_stated_reason(
    app: FastAPI, client: TestClient
) -> None:
    app.dependency_overrides[current_actor] = police
    case_id = client.post("/api/referrals", json=referral_body()).json()["case_id"]

    worker = make_actor("victim-support", "caseworker", teams=("south",))
    app.dependency_overrides[current_actor] = lambda: worker
    refused = client.get(f"/api/cases/{case_id}")
    assert refused.status_code == 403
    assert refused.json()["detail"]["reason"] == "outside-caseload"

    body = {"register": "lvws", "record_type": "referral", "record_id": case_id}
    body["purpose"] = "victim-support"
    without_reason = client.post("/api/access/grants", json=body)
    assert without_reason.status_code == 403
    granted = client.post(
        "/api/access/grants", json={**body, "reason": "Victim phoned the helpline in distress"}
    )
    assert granted.status_code == 201, granted.text
    opened = client.get(f"/api/cases/{case_id}")
    assert opened.status_code == 200, opened.text
    assert opened.json()["person"]["family_name"] == "Hughes"

    dpo = make_actor("victim-support", "dpo")
    app.dependency_overrides[current_actor] = lambda: dpo
    queue = client.get("/api/access/reviews").json()
    assert [g["id"] for g in queue] == [granted.json()["id"]]


def test_a_grant_names_a_real_record(app: FastAPI, client: TestClient) -> None:
    worker = make_actor("victim-support", "caseworker")
    app.dependency_overrides[current_actor] = lambda: worker
    missing = client.post(
        "/api/access/grants",
        json={
            "register": "lvws",
            "record_type": "case",
            "record_id": "6f1c2a52-8d7e-4a8e-9a53-0f5e8f6b8c11",
            "purpose": "victim-support",
            "reason": "Victim phoned the helpline in distress",
        },
    )
    assert missing.status_code == 404
