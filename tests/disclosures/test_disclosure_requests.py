"""Sharing without consent: a pending request is not a disclosure; a named, different approver
is needed; only the approved fields are released and logged."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.disclosures.models import DisclosureRequest
from accord.disclosures.requests import (
    DisclosureNotApproved,
    RequestState,
    decide,
    get_request,
    pending_requests,
    release,
    request_disclosure,
)
from accord.disclosures.service import DisclosureError, disclosures_for_subject
from accord.gate.types import AccessDenied, Actor, Target
from accord.people.service import create_subject
from accord.register.schema import Register

RISK = "Partner has threatened to kill her this week and has access to a knife."
NECESSITY = "Police need the address to carry out a welfare check today; nothing else."
RECORD = {"name": "Jo Bloggs", "address": "1 High St", "phone": "07700900000", "needs": "x"}


def _target(subject_id: uuid.UUID, owner: Actor | None = None) -> Target:
    return Target(
        assigned_user=owner.id if owner else None,
        register="disclosure-test",
        record_type="case",
        owner_organisation="hub",
        record_id=uuid.uuid5(uuid.NAMESPACE_OID, str(subject_id)),
        subject_ids=(subject_id,),
    )


def _request(session: Session, actor: Actor, subject_id: uuid.UUID, **kw):  # type: ignore[no-untyped-def]
    args = {
        "recipient": "police-safeguarding",
        "fields": ["name", "address"],
        "risk": RISK,
        "risk_level": "high",
        "necessity": NECESSITY,
    } | kw
    return request_disclosure(
        session, actor=actor, target=_target(subject_id, actor), subject_id=subject_id, **args
    )


def test_pending_is_not_a_disclosure_and_self_approval_is_refused(
    session: Session, register: Register, manager: Actor, other_manager: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    pending = _request(session, manager, subject.id)
    assert pending.state is RequestState.PENDING
    with pytest.raises(DisclosureNotApproved):
        release(
            session, actor=manager, request_id=pending.id, target=_target(subject.id), values=RECORD
        )
    with pytest.raises(DisclosureError, match=r"^approver: you cannot approve"):
        decide(session, actor=manager, request_id=pending.id, approve=True)
    assert disclosures_for_subject(session, subject_id=subject.id) == []
    assert [r.id for r in pending_requests(session, actor=other_manager)] == [pending.id]


def test_approved_request_releases_only_the_approved_fields(
    session: Session, register: Register, caseworker: Actor, manager: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    pending = _request(session, caseworker, subject.id)
    # The free text is sealed, never stored as plain text.
    stored = session.scalar(select(DisclosureRequest).where(DisclosureRequest.id == pending.id))
    assert stored is not None
    assert b"knife" not in stored.sealed_reasons
    seen = get_request(session, actor=manager, request_id=pending.id)
    assert seen.risk == RISK
    assert seen.necessity == NECESSITY

    approved = decide(session, actor=manager, request_id=pending.id, approve=True)
    assert approved.state is RequestState.APPROVED
    assert approved.decided_by == manager.id

    out = release(
        session, actor=manager, request_id=pending.id, target=_target(subject.id), values=RECORD
    )
    assert out.values == {"name": "Jo Bloggs", "address": "1 High St"}
    logged = disclosures_for_subject(session, subject_id=subject.id)
    assert len(logged) == 1
    entry = logged[0]
    assert entry.fields == ("name", "address")
    assert not entry.with_consent
    assert entry.basis == "risk-of-harm"
    assert entry.approved_by == manager.id
    assert entry.request_id == pending.id
    assert entry.recipient == "police-safeguarding"


def test_caseworker_cannot_approve(
    session: Session, register: Register, caseworker: Actor, manager: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    pending = _request(session, manager, subject.id)
    with pytest.raises(AccessDenied):
        decide(session, actor=caseworker, request_id=pending.id, approve=True)


def test_refused_request_is_never_released(
    session: Session, register: Register, caseworker: Actor, manager: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    pending = _request(session, caseworker, subject.id)
    decide(session, actor=manager, request_id=pending.id, approve=False)
    with pytest.raises(DisclosureNotApproved, match="refused"):
        release(
            session,
            actor=caseworker,
            request_id=pending.id,
            target=_target(subject.id, caseworker),
            values=RECORD,
        )
    with pytest.raises(DisclosureError, match="already refused"):
        decide(session, actor=manager, request_id=pending.id, approve=True)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recipient": "idva"}, "recipient"),  # not a recipient of the risk-of-harm rule
        ({"fields": ["shoe-size"]}, "fields"),
        ({"risk": "risk"}, "risk"),
        ({"necessity": ""}, "necessity"),
        ({"risk_level": "extreme"}, "risk_level"),
    ],
)
def test_bad_requests_are_refused_naming_the_field(
    session: Session, register: Register, caseworker: Actor, change: dict[str, object], field: str
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    with pytest.raises(DisclosureError, match=rf"^{field}:"):
        _request(session, caseworker, subject.id, **change)
    assert session.scalars(select(DisclosureRequest)).all() == []


def test_release_against_another_record_is_refused(
    session: Session, register: Register, caseworker: Actor, manager: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    other = create_subject(session, register=register.id, organisation="hub")
    pending = _request(session, caseworker, subject.id)
    decide(session, actor=manager, request_id=pending.id, approve=True)
    with pytest.raises(DisclosureError, match=r"^target:"):
        release(
            session,
            actor=caseworker,
            request_id=pending.id,
            target=_target(other.id),
            values=RECORD,
        )
    with pytest.raises(DisclosureError, match=r"^values:"):
        release(
            session,
            actor=caseworker,
            request_id=pending.id,
            target=_target(subject.id, caseworker),
            values={"name": "Jo"},
        )
