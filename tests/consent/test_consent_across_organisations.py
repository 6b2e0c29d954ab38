"""Consent statements and opted-out lists belong to the organisations working with a person:
real tokens of other organisations' roles can neither record nor read them, and a caseworker
cannot erase someone outside their caseload by withdrawing consent."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts.tokens import create_token
from accord.consent.ledger import current_state, record_consent
from accord.consent.models import ConsentEvent, OptOut
from accord.gate.models import AuditEntry
from accord.gate.types import Actor
from accord.people.models import Subject
from accord.people.service import create_subject
from accord.register.load import digest
from accord.register.registry import Registry, use_registry
from accord.register.schema import Register
from cases.lvws import refer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shipped() -> Iterator[Registry]:
    with use_registry(Registry.from_directory(ROOT / "registers")) as registry:
        yield registry


def _bearer(session: Session, organisation: str, register: str, role: str) -> dict[str, str]:
    issued = create_token(
        session,
        name=f"{role} at {organisation}",
        organisation=organisation,
        register=register,
        role=role,
    )
    return {"Authorization": f"Bearer {issued.secret}"}


def _events(session: Session, subject_id: uuid.UUID) -> int:
    query = select(func.count()).where(ConsentEvent.subject_id == subject_id)
    return session.scalar(query) or 0


@pytest.mark.usefixtures("shipped")
def test_other_organisations_tokens_cannot_record_consent_for_a_victim(
    client: TestClient, session: Session
) -> None:
    subject_id = refer(session).subject_id  # a Victim Support client in LVWS
    body: dict[str, Any] = {
        "subject_id": str(subject_id),
        "register": "lvws",
        "controller": "victim-support",
        "purpose": "referral-on",
        "channel": "phone",
    }
    own = _bearer(session, "victim-support", "lvws", "caseworker")
    refused = client.post("/api/consent", json=body | {"state": "refused"}, headers=own)
    assert refused.status_code == 201, refused.text

    outsiders = [
        _bearer(session, "catch22", "lvws", "caseworker"),
        _bearer(session, "cambs-hub", "cambs-hub", "caseworker"),
        _bearer(session, "hounslow", "hounslow", "caseworker"),
    ]
    for headers in outsiders:
        for change in (
            {"state": "given"},
            {"state": "withdrawn"},
            {"state": "given", "controller": "catch22"},  # to themselves instead
        ):
            answer = client.post("/api/consent", json=body | change, headers=headers)
            assert answer.status_code in (403, 404), (change, answer.text)
            history = client.get(f"/api/consent/subjects/{subject_id}", headers=headers)
            assert history.status_code in (403, 404), history.text

    assert _events(session, subject_id) == 1
    state = current_state(
        session, subject_id=subject_id, purpose="referral-on", controller="victim-support"
    )
    assert state == "refused"
    assert session.get(Subject, subject_id) is not None
    refusals = session.scalar(
        select(func.count()).where(
            AuditEntry.record_type == "consent", AuditEntry.outcome == "refused"
        )
    )
    assert refusals  # every refusal left an audit entry


def test_an_empty_caseload_cannot_erase_a_client_by_withdrawing_consent(
    client: TestClient, session: Session, register: Register
) -> None:
    """The purpose's withdrawal deletes the person; this person has no case, so no record of
    theirs is in an own-caseload caseworker's caseload."""
    document = register.model_dump(mode="json", exclude_none=True)
    for role in document["roles"]:
        role["caseload"] = "own"
    own_caseload = Register.model_validate(document)
    with use_registry(Registry({own_caseload.id: own_caseload})):
        subject = create_subject(session, register=own_caseload.id, organisation="hub")
        job = Actor(None, "system", "hub", frozenset(), frozenset(), name="sign-up form")
        record_consent(
            session,
            actor=job,
            subject_id=subject.id,
            register=own_caseload.id,
            controller="hub",
            purpose="p-delete_record",
            state="given",
            channel="web-form",
            notice_digest=digest(own_caseload),
        )
        session.commit()
        headers = _bearer(session, "hub", own_caseload.id, "caseworker")
        answer = client.post(
            "/api/consent",
            json={
                "subject_id": str(subject.id),
                "register": own_caseload.id,
                "controller": "hub",
                "purpose": "p-delete_record",
                "state": "withdrawn",
                "channel": "phone",
            },
            headers=headers,
        )
    assert answer.status_code == 403, answer.text
    assert answer.json()["detail"]["reason"] == "outside-caseload"
    session.expire_all()
    assert session.get(Subject, subject.id) is not None
    assert _events(session, subject.id) == 1


@pytest.mark.usefixtures("shipped")
def test_only_the_newsletter_roles_of_its_controller_manage_its_opted_out_list(
    client: TestClient, session: Session
) -> None:
    entry = {"register": "mopac", "purpose": "newsletter", "email": "reader@example.org"}
    outsiders = [
        _bearer(session, "victim-support", "lvws", "caseworker"),  # another controller
        _bearer(session, "mopac", "mopac", "information-rights-officer"),  # not its purpose
    ]
    for headers in outsiders:
        added = client.post("/api/consent/opt-outs", json=entry, headers=headers)
        assert added.status_code == 403, added.text
        asked = client.post("/api/consent/may-contact", json=entry, headers=headers)
        assert asked.status_code == 403, asked.text
    assert session.scalar(select(func.count()).select_from(OptOut)) == 0

    dpo = _bearer(session, "mopac", "mopac", "dpo")  # the one role listing the newsletter
    added = client.post("/api/consent/opt-outs", json=entry, headers=dpo)
    assert added.status_code == 201, added.text
    assert added.json() == {"added": 1}
    asked = client.post("/api/consent/may-contact", json=entry, headers=dpo)
    assert asked.json() == {"may_contact": False}
    for headers in outsiders:  # still nothing to learn about who is on it
        asked = client.post("/api/consent/may-contact", json=entry, headers=headers)
        assert asked.status_code == 403, asked.text
