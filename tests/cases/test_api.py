"""The casework API end to end: token-authenticated intake, caseload, routing, contacts,
timeline, and the 4xx answers (422 naming the field, 403 with the reason, 404 across
organisations)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.accounts.tokens import create_token
from accord.cases.models import Case
from accord.gate.types import Actor
from cases.lvws import dob_for_age, make_actor, police, referral_body

As = Callable[[Actor], None]


def _as(app: FastAPI) -> As:
    def switch(actor: Actor) -> None:
        app.dependency_overrides[current_actor] = lambda: actor

    return switch


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Case)) or 0


def test_police_token_refers_and_caseworker_works_the_case(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    issued = create_token(
        session,
        name="Met referral feed",
        organisation="metropolitan-police",
        register="lvws",
        role="police-referrer",
    )
    response = client.post(
        "/api/referrals",
        json=referral_body(),
        headers={"Authorization": f"Bearer {issued.secret}"},
    )
    assert response.status_code == 201, response.text
    case_id = response.json()["case_id"]
    assert response.json()["proposed_service"] == "adult-da-support"

    switch = _as(app)
    manager = make_actor("victim-support", "team-manager", teams=("intake",))
    worker = make_actor("victim-support", "caseworker")
    switch(manager)
    listed = client.get("/api/cases", params={"status": "referred"}).json()
    assert [c["id"] for c in listed["items"]] == [case_id]
    assert "person" not in listed["items"][0]  # lists carry no identifying fields
    assert (
        client.put(f"/api/cases/{case_id}/assignment", json={"user_id": str(worker.id)}).status_code
        == 200
    )

    switch(worker)
    case = client.get(f"/api/cases/{case_id}").json()
    assert case["person"]["family_name"] == "Hughes"
    assert "ethnicity" not in case["person"]  # equality data never reaches casework
    routed = client.post(f"/api/cases/{case_id}/routing", json={"service": "adult-da-support"})
    assert routed.status_code == 200, routed.text
    contact = client.post(
        f"/api/cases/{case_id}/contacts", json={"outcome": "engaged", "channel": "phone"}
    )
    assert contact.json()["record_type"] == "case"
    event = client.post(
        f"/api/cases/{case_id}/events",
        json={
            "kind": "support",
            "details": {"type": "emotional support", "delivered_by": "Sam Okafor"},
        },
    )
    assert event.status_code == 201, event.text
    kinds = [e["kind"] for e in client.get(f"/api/cases/{case_id}/timeline").json()]
    assert kinds == [
        "received",
        "routing-proposed",
        "assignment",
        "routing-confirmed",
        "contact-attempt",
        "support",
    ]


def test_invalid_referral_is_422_naming_the_field_and_writes_nothing(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    _as(app)(police())
    before = _count(session)
    response = client.post("/api/referrals", json=referral_body(crime__crime_number="CR/12/34"))
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"][-2:] == ["crime", "crime_number"]
    assert "CRIS" in detail["msg"]
    no_consent = client.post("/api/referrals", json=referral_body(consent__given=False))
    assert no_consent.status_code == 422
    assert no_consent.json()["detail"][0]["loc"][-2:] == ["consent", "given"]
    unknown = client.post(
        "/api/referrals", json=referral_body(requested_service="counselling-plus")
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "requested_service"]
    assert _count(session) == before


def test_refusal_is_403_with_reason_code(app: FastAPI, client: TestClient) -> None:
    _as(app)(make_actor("victim-support", "administrator"))
    response = client.post("/api/referrals", json=referral_body())
    assert response.status_code == 403
    assert response.json()["detail"]["reason"] == "no-permission"


def test_other_organisations_case_is_404(app: FastAPI, client: TestClient) -> None:
    switch = _as(app)
    switch(police())
    case_id = client.post("/api/referrals", json=referral_body()).json()["case_id"]
    switch(make_actor("calm-mediation", "team-manager", teams=("intake",)))
    assert client.get(f"/api/cases/{case_id}").status_code == 404
    assert client.get(f"/api/cases/{case_id}/timeline").status_code == 404
    assert client.get("/api/cases").json()["total"] == 0


def test_caseload_pages_and_filters(app: FastAPI, client: TestClient) -> None:
    switch = _as(app)
    switch(police())
    for age in (30, 15, 40):
        assert (
            client.post(
                "/api/referrals", json=referral_body(person__date_of_birth=dob_for_age(age))
            ).status_code
            == 201
        )
    switch(make_actor("victim-support", "team-manager", teams=("intake",)))
    page = client.get("/api/cases", params={"limit": 2}).json()
    assert page["total"] == 3
    assert len(page["items"]) == 2
    rest = client.get("/api/cases", params={"limit": 2, "offset": 2}).json()
    assert len(rest["items"]) == 1
    young = client.get("/api/cases", params={"service": "cyp-support"}).json()
    assert young["total"] == 1
    assert young["items"][0]["age"] == 15
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert client.get("/api/cases", params={"received_from": tomorrow}).json()["total"] == 0
    assert client.get("/api/cases", params={"limit": 0}).status_code == 422


def test_same_police_reference_twice_is_409(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    _as(app)(police())
    first = client.post("/api/referrals", json=referral_body(police_reference="MPS-77"))
    assert first.status_code == 201
    before = _count(session)
    again = client.post("/api/referrals", json=referral_body(police_reference="MPS-77"))
    assert again.status_code == 409
    assert "already received" in again.json()["detail"]["message"]
    assert _count(session) == before
