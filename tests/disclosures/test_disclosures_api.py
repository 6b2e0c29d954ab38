"""The disclosures API on a Hounslow outreach case: raise, refuse self-approval, approve,
release only the approved fields, and read the log."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.panels.cases import PartyIn, open_case
from factories.actors import actor
from factories.registers import using


def test_risk_of_harm_disclosure_over_http(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    with using("hounslow"):
        worker = actor("hounslow", "caseworker", teams=("dsv-outreach",))
        dpo = actor("hounslow", "dpo", teams=("dsv-outreach",))
        case = open_case(
            session,
            actor=worker,
            register="hounslow",
            service="dsv-outreach",
            parties=[
                PartyIn(
                    "victim",
                    {"name": "Dee Example", "address": "1 Bath Road", "mental-health": "anxiety"},
                )
            ],
            referral={"referral-forms": "Self-referral by phone"},
        )
        session.commit()  # as a route would; a refused request below rolls back to here
        app.dependency_overrides[current_actor] = lambda: worker
        body = {
            "record_id": str(case.id),
            "recipient": "metropolitan-police",
            "fields": ["name", "address"],
            "risk": "Perpetrator seen outside the refuge with a knife this evening.",
            "risk_level": "high",
            "necessity": "Police need name and address to attend; no health data is needed.",
        }
        bad = client.post("/api/disclosures/requests", json=body | {"recipient": "courts"})
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["body", "recipient"]
        raised = client.post("/api/disclosures/requests", json=body)
        assert raised.status_code == 201, raised.text
        request_id = raised.json()["id"]
        assert raised.json()["state"] == "pending"

        early = client.post(f"/api/disclosures/requests/{request_id}/release", json={})
        assert early.status_code == 422
        mine = client.post(
            f"/api/disclosures/requests/{request_id}/decision", json={"approve": True}
        )
        assert mine.status_code == 403  # the caseworker holds no approve permission

        app.dependency_overrides[current_actor] = lambda: dpo
        assert [r["id"] for r in client.get("/api/disclosures/requests").json()] == [request_id]
        seen = client.get(f"/api/disclosures/requests/{request_id}").json()
        assert seen["risk"].startswith("Perpetrator seen")
        approved = client.post(
            f"/api/disclosures/requests/{request_id}/decision", json={"approve": True}
        )
        assert approved.status_code == 200, approved.text

        app.dependency_overrides[current_actor] = lambda: worker
        released = client.post(
            f"/api/disclosures/requests/{request_id}/release", json={"method": "phone"}
        )
        assert released.status_code == 200, released.text
        assert released.json()["values"] == {"name": "Dee Example", "address": "1 Bath Road"}

        app.dependency_overrides[current_actor] = lambda: dpo
        log = client.get("/api/disclosures", params={"subject_id": str(case.subject_id)}).json()
        assert log["total"] == 1
        assert log["items"][0]["fields"] == ["name", "address"]
        assert log["items"][0]["approved_by"] == str(dpo.id)
        notify = client.get(
            "/api/disclosures/recipients-to-notify",
            params={"subject_id": str(case.subject_id), "category": ["address"]},
        ).json()
        assert [n["recipient"] for n in notify] == ["metropolitan-police"]
