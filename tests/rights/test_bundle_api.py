"""Discovery and the access bundle over HTTP: search, confirm, make, decide, approve, release."""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.gate.types import Actor
from rights.bundle_people import EMAIL, NAME_DOB, dpo, known_person

FACTORS = {
    "confidentiality": "None owed: the number was given in a complaint",
    "consent_sought": "Not sought: the person cannot be traced",
    "capable_of_consent": True,
    "refused": False,
}


def _as(app: FastAPI, who: Actor) -> None:
    app.dependency_overrides[current_actor] = lambda: who


def test_the_access_right_end_to_end_over_http(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    known = known_person(session, message="Sam rang from 07700 900999 about me.")
    maker, reviewer = dpo(known.owner), dpo(known.owner)
    _as(app, maker)
    refused = client.post(
        "/api/rights/discovery", json={"register": "lvws", "identifiers": {"email": "nope"}}
    )
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["detail"]] == [["body", "identifiers", "email"]]
    found = client.post(
        "/api/rights/discovery",
        json={"register": "lvws", "identifiers": {"email": EMAIL, "name_dob": NAME_DOB}},
    )
    assert found.status_code == 201, found.text
    search = found.json()
    assert {c["kind"] for c in search["candidates"]} >= {"case", "enquiry"}
    assert all(c["why"] for c in search["candidates"])
    ids = [c["id"] for c in search["candidates"]]
    decided = client.post(
        f"/api/rights/discovery/{search['id']}/decisions", json={"confirmed": ids}
    )
    assert decided.status_code == 200, decided.text
    made = client.post("/api/rights/bundles", json={"search_id": search["id"]})
    assert made.status_code == 201, made.text
    bundle_id = made.json()["id"]
    items = made.json()["withholdings"]
    assert [w["what"] for w in items] == ["a phone number"]
    preview = client.get(f"/api/rights/bundles/{bundle_id}/preview")
    assert preview.status_code == 200
    assert "07700 900999" not in preview.text
    assert "Draft for review" in preview.text
    _as(app, reviewer)
    early = client.post(f"/api/rights/bundles/{bundle_id}/release")
    assert early.status_code == 409
    withheld = client.post(
        f"/api/rights/bundles/{bundle_id}/withholdings/{items[0]['id']}/decision",
        json={"decision": "withhold", "reason": "Someone else's phone number", "factors": FACTORS},
    )
    assert withheld.status_code == 200, withheld.text
    assert client.post(f"/api/rights/bundles/{bundle_id}/approve").status_code == 200
    released = client.post(f"/api/rights/bundles/{bundle_id}/release?format=json")
    assert released.status_code == 200, released.text
    assert "attachment" in released.headers["content-disposition"]
    document = json.loads(released.content)
    assert document["Bundle"]["Status"] == "released"
    assert "07700 900999" not in released.text
    pdf = client.get(f"/api/rights/bundles/{bundle_id}/download?format=pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert client.post(f"/api/rights/bundles/{bundle_id}/release").status_code == 409
