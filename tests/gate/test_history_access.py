"""A person's access history stays with the organisation that held them, also once they are
erased (the subject row is gone with the key; the erasure's tombstone keeps the owner)."""

from __future__ import annotations

import uuid
from dataclasses import replace

from fastapi import FastAPI
from fastapi.testclient import TestClient
from gate_fixtures import ORG_A, ORG_B, actor
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.gate import audit
from accord.gate.history import TOMBSTONE, erased_owner, record_erasure
from accord.gate.service import authorize
from accord.gate.types import Action, Target
from accord.people.service import create_subject, erase_subject
from accord.register.registry import Registry


def _erased_with_history(session: Session) -> tuple[uuid.UUID, uuid.UUID]:
    """An ORG_A person read once by their caseworker, then erased."""
    worker = actor("caseworker")
    subject = create_subject(session, register="t", organisation=ORG_A)
    record_id = uuid.uuid4()
    target = Target(
        register="t",
        record_type="case",
        owner_organisation=ORG_A,
        record_id=record_id,
        subject_ids=(subject.id,),
        assigned_user=worker.id,
    )
    authorize(session, actor=worker, purpose="support", action=Action.READ, target=target)
    # As an erasure (a withdrawal whose effect is deletion) does: tombstone, then erase.
    record_erasure(session, subject)
    erase_subject(session, subject_id=subject.id)
    session.commit()
    return subject.id, record_id


def test_an_erased_persons_history_is_refused_to_other_organisations(
    app: FastAPI, client: TestClient, session: Session, registry: Registry
) -> None:
    subject_id, record_id = _erased_with_history(session)
    other_dpo = actor("dpo", organisation=ORG_B)
    for outsider in (other_dpo, replace(other_dpo, id=uuid.uuid4(), kind="token")):
        app.dependency_overrides[current_actor] = lambda outsider=outsider: outsider
        answer = client.get(f"/api/subjects/{subject_id}/history")
        assert answer.status_code == 403, answer.text
        assert answer.json()["detail"]["reason"] == "not-shared-with-organisation"
        assert str(record_id) not in answer.text


def test_the_owners_dpo_reads_an_erased_persons_history_and_it_is_audited(
    app: FastAPI, client: TestClient, session: Session, registry: Registry
) -> None:
    subject_id, record_id = _erased_with_history(session)
    assert erased_owner(session, subject_id) == (ORG_A, "t")
    dpo = actor("dpo")
    app.dependency_overrides[current_actor] = lambda: dpo
    answer = client.get(f"/api/subjects/{subject_id}/history")
    assert answer.status_code == 200, answer.text
    shown = answer.json()
    assert [h["record_ids"] for h in shown if h["action"] == "read"] == [[str(record_id)]]
    assert shown[-1]["record_type"] == TOMBSTONE
    assert shown[-1]["actor_organisation"] == ORG_A
    after = audit.history(session, subject_id=subject_id)
    assert (after[-1].actor_id, after[-1].outcome, after[-1].register) == (dpo.id, "allowed", "t")


def test_a_person_never_held_has_no_history_to_show(
    app: FastAPI, client: TestClient, session: Session, registry: Registry
) -> None:
    app.dependency_overrides[current_actor] = lambda: actor("dpo")
    answer = client.get(f"/api/subjects/{uuid.uuid4()}/history")
    assert answer.status_code == 403
