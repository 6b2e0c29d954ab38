"""Values a case accepts only when the referral and the register allow them, over the API:
dates of closure and not-taken-up, the processor of a translation, and who records a
complaint."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.cases.models import Case, CaseEvent, Complaint
from accord.gate.types import Actor
from cases.lvws import make_actor, refer

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _as(app: FastAPI) -> Callable[[Actor], None]:
    def switch(actor: Actor) -> None:
        app.dependency_overrides[current_actor] = lambda: actor

    return switch


def _case(session: Session, client: TestClient, app: FastAPI) -> tuple[uuid.UUID, Actor]:
    """A referral received at RECEIVED, assigned to a Victim Support caseworker."""
    with time_machine.travel(RECEIVED, tick=False):
        accepted = refer(session)
    worker = make_actor("victim-support", "caseworker")
    _as(app)(make_actor("victim-support", "team-manager", teams=("intake",)))
    assigned = client.put(
        f"/api/cases/{accepted.case_id}/assignment", json={"user_id": str(worker.id)}
    )
    assert assigned.status_code == 200, assigned.text
    _as(app)(worker)
    return accepted.case_id, worker


def _events(session: Session, case_id: uuid.UUID) -> int:
    query = select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id)
    return int(session.scalar(query) or 0)


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("closure", {"reason": "support-completed"}),
        ("not-taken-up", {"reason": "unable-to-contact"}),
    ],
)
def test_closing_dates_before_the_referral_or_in_the_future_are_refused(
    app: FastAPI, client: TestClient, session: Session, route: str, body: dict[str, str]
) -> None:
    case_id, _ = _case(session, client, app)
    before = _events(session, case_id)
    url = f"/api/cases/{case_id}/{route}"
    for when in (RECEIVED - timedelta(days=3 * 365), datetime.now(UTC) + timedelta(days=2)):
        refused = client.post(url, json=body | {"at": when.isoformat()})
        assert refused.status_code == 422, refused.text
        assert refused.json()["detail"][0]["loc"] == ["body", "at"]
    assert "before the referral was received" in refused_msg(client, url, body)
    session.expire_all()
    case = session.get(Case, case_id)
    assert case is not None
    assert (case.status, case.closed_at, case.not_taken_up_at) == ("referred", None, None)
    assert _events(session, case_id) == before

    accepted = client.post(url, json=body | {"at": (RECEIVED + timedelta(days=1)).isoformat()})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "not-taken-up"


def refused_msg(client: TestClient, url: str, body: dict[str, str]) -> str:
    response = client.post(url, json=body | {"at": (RECEIVED - timedelta(days=1)).isoformat()})
    return str(response.json()["detail"][0]["msg"])


def test_translation_goes_only_to_a_processor_listed_for_casework(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    case_id, _ = _case(session, client, app)
    engaged = client.post(
        f"/api/cases/{case_id}/contacts", json={"outcome": "engaged", "channel": "phone"}
    )
    assert engaged.status_code == 200, engaged.text
    before = _events(session, case_id)
    url = f"/api/cases/{case_id}/events"
    analytics = client.post(
        url, json={"kind": "translation", "details": {"language": "Polish", "processor": "google"}}
    )
    assert analytics.status_code == 422, analytics.text
    detail = analytics.json()["detail"][0]
    assert detail["loc"] == ["body", "details", "processor"]
    assert "translation-provider" in detail["msg"]  # the processor the register lists
    assert _events(session, case_id) == before
    listed = client.post(
        url,
        json={
            "kind": "translation",
            "details": {"language": "Polish", "processor": "translation-provider"},
        },
    )
    assert listed.status_code == 201, listed.text


def _complaint(**extra: str) -> dict[str, str]:
    return {
        "register": "lvws",
        "channel": "phone",
        "name": "Dee Walker",
        "details": "Nobody called back",
    } | extra


def test_a_caseworker_records_a_complaint_for_their_own_organisation_only(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    _as(app)(make_actor("victim-support", "caseworker"))
    made = client.post("/api/complaints", json=_complaint())
    assert made.status_code == 201, made.text
    row = session.get(Complaint, uuid.UUID(made.json()["id"]))
    assert row is not None
    assert row.organisation == "victim-support"
    # Still no reading of complaints: the role does not hold that permission.
    assert client.get(f"/api/complaints/{row.id}").status_code == 403

    count = select(func.count()).select_from(Complaint)
    before = session.scalar(count)
    other = client.post("/api/complaints", json=_complaint(organisation="catch22"))
    assert other.status_code in (403, 404), other.text
    _as(app)(make_actor("catch22", "caseworker"))
    assert client.post(
        "/api/complaints", json=_complaint(organisation="victim-support")
    ).status_code in (403, 404)
    assert session.scalar(count) == before
