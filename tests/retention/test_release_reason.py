"""A legal hold is released with the reason it is over, over HTTP as on the pages; a reason
too short to say anything is refused and the hold stays in force."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from factories.actors import actor
from factories.panels import panel_case
from factories.registers import using


def test_a_hold_is_released_with_its_reason(
    session: Session, app: FastAPI, client: TestClient
) -> None:
    with using("hounslow"):
        coordinator = actor("hounslow", "panel-coordinator", teams=("marac",))
        case = panel_case(session, coordinator, "marac")
        app.dependency_overrides[current_actor] = lambda: actor("hounslow", "dpo")
        held = client.post(
            "/api/retention/holds",
            json={
                "register": "hounslow",
                "scope": "record",
                "record_id": str(case.id),
                "kind": "inquiry",
                "reason": "Domestic homicide review asked for the records",
            },
        )
        assert held.status_code == 201, held.text
        hold_id = held.json()["id"]
        short = client.post(f"/api/retention/holds/{hold_id}/release", json={"reason": "done"})
        assert short.status_code == 422
        assert [h["id"] for h in client.get("/api/retention/holds").json()["items"]] == [hold_id]
        released = client.post(
            f"/api/retention/holds/{hold_id}/release",
            json={"reason": "The review has reported and no longer needs them"},
        )
        assert released.status_code == 200, released.text
        assert released.json()["release_reason"] == (
            "The review has reported and no longer needs them"
        )
        assert released.json()["released_at"] is not None
        assert client.get("/api/retention/holds").json()["items"] == []
