"""Referral on over the API: only to a recipient the register's referral-on sharing names,
only with the categories it may receive, and only while the consent ledger holds the
person's consent. Anything else is a disclosure without consent and is refused here."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.cases.models import CaseEvent
from accord.consent.ledger import current_state
from accord.consent.models import ConsentEvent
from accord.disclosures.models import DisclosureEntry
from accord.gate.types import Actor
from accord.referrals import intake
from accord.register.schema import Register
from cases.lvws import make_actor, refer
from factories.actors import actor
from factories.cases import self_referral
from factories.registers import using

REFUSED_TO = "POST /api/disclosures/requests"


def _as(app: FastAPI) -> Callable[[Actor], None]:
    def switch(actor: Actor) -> None:
        app.dependency_overrides[current_actor] = lambda: actor

    return switch


def _count(session: Session, model: type, **where: object) -> int:
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return int(session.scalar(query) or 0)


def _engaged_by_a_caseworker(app: FastAPI, client: TestClient, case_id: uuid.UUID) -> Actor:
    """A team manager assigns the case to a caseworker, who reaches the person; the
    caseworker is then the caller."""
    worker = make_actor("victim-support", "caseworker")
    switch = _as(app)
    switch(make_actor("victim-support", "team-manager", teams=("intake",)))
    client.put(f"/api/cases/{case_id}/assignment", json={"user_id": str(worker.id)})
    switch(worker)
    _engaged(client, case_id)
    return worker


def _engaged(client: TestClient, case_id: uuid.UUID) -> None:
    response = client.post(
        f"/api/cases/{case_id}/contacts", json={"outcome": "engaged", "channel": "phone"}
    )
    assert response.status_code == 200, response.text


def _consent(
    client: TestClient,
    subject_id: uuid.UUID,
    register: str,
    controller: str,
    purpose: str,
    state: str,
) -> None:
    response = client.post(
        "/api/consent",
        json={
            "subject_id": str(subject_id),
            "register": register,
            "controller": controller,
            "purpose": purpose,
            "state": state,
            "channel": "phone",
        },
    )
    assert response.status_code == 201, response.text


@pytest.fixture
def hub() -> Iterator[Register]:
    with using("lvws", "cambs-hub") as both:
        yield both.get("cambs-hub")


def _hub_case(session: Session, hub: Register, worker: Actor) -> intake.ReferralAccepted:
    """A self-referral to the Cambridgeshire hub, assigned to `worker` (as the hub scenario)."""
    return self_referral(session, worker, register=hub.id)


def test_hub_refers_on_only_to_the_specialist_services_its_register_names(
    app: FastAPI, client: TestClient, session: Session, hub: Register
) -> None:
    worker = actor(hub, "caseworker")
    manager = actor(hub, "team-manager", teams=("intake",))
    accepted = _hub_case(session, hub, worker)
    switch = _as(app)
    switch(manager)
    assigned = client.put(
        f"/api/cases/{accepted.case_id}/assignment", json={"user_id": str(worker.id)}
    )
    assert assigned.status_code == 200, assigned.text
    switch(worker)
    _engaged(client, accepted.case_id)
    _consent(client, accepted.subject_id, "cambs-hub", "cambs-hub", "referral-on", "given")
    body = {"reason": "urgent help", "fields": ["name", "contact-details", "health"]}

    for recipient in ("emergency-services", "media"):
        refused = client.post(
            f"/api/cases/{accepted.case_id}/referrals-on", json=body | {"recipient": recipient}
        )
        assert refused.status_code == 422, refused.text
        detail = refused.json()["detail"][0]
        assert detail["loc"] == ["body", "recipient"]
        assert "disclosure without consent" in detail["msg"]
        assert REFUSED_TO in detail["msg"]
        assert "specialist-services" in detail["msg"]  # what the register does name
    assert _count(session, DisclosureEntry, subject_id=accepted.subject_id) == 0
    assert _count(session, CaseEvent, case_id=accepted.case_id, kind="referral-on") == 0

    sent = client.post(
        f"/api/cases/{accepted.case_id}/referrals-on",
        json=body | {"recipient": "specialist-services"},
    )
    assert sent.status_code == 201, sent.text
    logged = session.scalars(
        select(DisclosureEntry).where(DisclosureEntry.subject_id == accepted.subject_id)
    ).one()
    assert (logged.recipient, logged.with_consent) == ("specialist-services", True)
    assert list(logged.fields) == ["name", "contact-details", "health"]


def test_refused_evaluation_sharing_sends_nothing_to_mopac_by_referral_on(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    accepted = refer(session)
    _engaged_by_a_caseworker(app, client, accepted.case_id)
    _consent(client, accepted.subject_id, "lvws", "victim-support", "evaluation-sharing", "refused")
    consent_rows = _count(session, ConsentEvent, subject_id=accepted.subject_id)

    # The old way of asserting consent on the request is refused, and records nothing.
    flagged = client.post(
        f"/api/cases/{accepted.case_id}/referrals-on",
        json={
            "recipient": "mopac-evaluation",
            "reason": "evaluation",
            "fields": ["name", "date-of-birth"],
            "consent_given_now": True,
        },
    )
    assert flagged.status_code == 422, flagged.text
    assert "POST /api/consent" in flagged.json()["detail"][0]["msg"]
    assert _count(session, ConsentEvent, subject_id=accepted.subject_id) == consent_rows
    assert current_state(session, subject_id=accepted.subject_id, purpose="referral-on") is None

    # Even with consent to referral on in the ledger, MOPAC is not a referral-on recipient.
    _consent(client, accepted.subject_id, "lvws", "victim-support", "referral-on", "given")
    to_mopac = client.post(
        f"/api/cases/{accepted.case_id}/referrals-on",
        json={"recipient": "mopac-evaluation", "reason": "evaluation", "fields": ["name"]},
    )
    assert to_mopac.status_code == 422, to_mopac.text
    assert REFUSED_TO in to_mopac.json()["detail"][0]["msg"]
    assert _count(session, DisclosureEntry, subject_id=accepted.subject_id) == 0


def test_referral_on_needs_the_ledgers_consent_and_the_recipients_categories(
    app: FastAPI, client: TestClient, session: Session
) -> None:
    accepted = refer(session)
    _engaged_by_a_caseworker(app, client, accepted.case_id)
    url = f"/api/cases/{accepted.case_id}/referrals-on"
    body = {"recipient": "specialist-services", "reason": "counselling", "fields": ["name"]}

    unasked = client.post(url, json=body)
    assert unasked.status_code == 409, unasked.text
    assert "not recorded" in unasked.json()["detail"]["message"]
    assert REFUSED_TO in unasked.json()["detail"]["message"]

    _consent(client, accepted.subject_id, "lvws", "victim-support", "referral-on", "refused")
    assert client.post(url, json=body).status_code == 409

    _consent(client, accepted.subject_id, "lvws", "victim-support", "referral-on", "given")
    # Specialist services receive no date of birth under the register.
    too_much = client.post(url, json=body | {"fields": ["name", "date-of-birth"]})
    assert too_much.status_code == 422, too_much.text
    assert too_much.json()["detail"][0]["loc"] == ["body", "fields"]
    assert "date-of-birth" in too_much.json()["detail"][0]["msg"]
    assert _count(session, DisclosureEntry, subject_id=accepted.subject_id) == 0

    assert client.post(url, json=body).status_code == 201
    logged = session.scalars(
        select(DisclosureEntry).where(DisclosureEntry.subject_id == accepted.subject_id)
    ).one()
    assert (logged.recipient, list(logged.fields)) == ("specialist-services", ["name"])
