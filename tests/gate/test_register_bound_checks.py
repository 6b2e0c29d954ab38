"""Permission checks on the gate's own records (a person's access history, the access-review
queue) take the permission only from a role in the register of the record concerned: the same
role granted in another register, naming the same organisation, does not count."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from gate_fixtures import ORG_A, ORG_B, actor, small_register
from sqlalchemy.orm import Session

from accord.gate.access import decide_review, list_reviews
from accord.gate.history import view_history
from accord.gate.models import AccessGrant
from accord.gate.types import AccessDenied, Actor, ReasonCode
from accord.people.service import create_subject
from accord.register.registry import Registry, use_registry
from accord.store.base import utcnow


@pytest.fixture(autouse=True)
def two_registers() -> Iterator[None]:
    """Register `t` and a second register `u` naming the same organisations and role ids."""
    first, second = small_register(), small_register(id="u")
    with use_registry(Registry({first.id: first, second.id: second})):
        yield


def _dpo_in(register: str) -> Actor:
    plain = actor("dpo")
    return Actor(
        id=plain.id,
        kind="user",
        organisation=plain.organisation,
        roles=plain.roles,
        permissions=plain.permissions,
        grants=frozenset({(register, "dpo")}),
    )


def test_a_persons_history_needs_the_permission_in_their_register(session: Session) -> None:
    subject = create_subject(session, register="t", organisation=ORG_A)
    with pytest.raises(AccessDenied) as refused:
        view_history(session, actor=_dpo_in("u"), subject_id=subject.id)
    assert refused.value.decision.reason is ReasonCode.NO_PERMISSION
    assert isinstance(view_history(session, actor=_dpo_in("t"), subject_id=subject.id), list)


def test_access_reviews_are_listed_and_decided_only_in_the_reviewers_register(
    session: Session,
) -> None:
    grant = AccessGrant(
        actor_id=uuid.uuid4(),
        actor_organisation=ORG_B,
        register="t",
        record_type="case",
        record_id=uuid.uuid4(),
        owner_organisation=ORG_A,
        purpose="support",
        reason="covering a colleague",
        expires_at=utcnow() + timedelta(hours=8),
    )
    session.add(grant)
    session.flush()
    elsewhere, here = _dpo_in("u"), _dpo_in("t")
    assert grant.id not in {g.id for g in list_reviews(session, actor=elsewhere)}
    assert grant.id in {g.id for g in list_reviews(session, actor=here)}
    with pytest.raises(AccessDenied) as refused:
        decide_review(session, actor=elsewhere, grant_id=grant.id, outcome="appropriate")
    assert refused.value.decision.reason is ReasonCode.NO_PERMISSION
    assert grant.review_state == "pending"
    decided = decide_review(session, actor=here, grant_id=grant.id, outcome="appropriate")
    assert decided.review_state == "appropriate"
