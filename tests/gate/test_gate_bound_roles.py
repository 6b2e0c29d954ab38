"""Roles count only in the register they were granted in; every target names its owner; an
act on a named person is bound by caseload like an act on one record."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from gate_fixtures import ORG_A, actor, small_register
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.gate.catalogue import Permission
from accord.gate.models import AuditEntry
from accord.gate.policy import holds, permissions_in, roles_for
from accord.gate.service import authorize, require
from accord.gate.types import AccessDenied, Action, Actor, ReasonCode, Target
from accord.people.models import Subject
from accord.register.registry import Registry, use_registry
from accord.register.schema import Register


@pytest.fixture
def two_registers() -> Iterator[tuple[Register, Register]]:
    """Register `t` and a second register `u` naming the same organisations and role ids."""
    first, second = small_register(), small_register(id="u")
    with use_registry(Registry({first.id: first, second.id: second})):
        yield first, second


def _bound(role: str, register: str, **more: object) -> Actor:
    plain = actor(role, **more)  # type: ignore[arg-type]
    return Actor(
        id=plain.id,
        kind="token",
        organisation=plain.organisation,
        roles=plain.roles,
        permissions=plain.permissions,
        teams=plain.teams,
        grants=frozenset({(register, role)}),
    )


def _refusal(session: Session, who: Actor, target: Target, action: Action) -> ReasonCode:
    with pytest.raises(AccessDenied) as caught:
        authorize(session, actor=who, purpose="support", action=action, target=target)
    return caught.value.decision.reason


def _last(session: Session) -> AuditEntry:
    return session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()


def _subject(session: Session) -> uuid.UUID:
    subject = Subject(register="t", organisation=ORG_A)
    session.add(subject)
    session.flush()
    return subject.id


def test_a_role_counts_only_in_the_register_it_was_granted_in(
    session: Session, two_registers: tuple[Register, Register]
) -> None:
    first, second = two_registers
    dpo_in_u = _bound("dpo", "u")
    assert [r.id for r in roles_for(dpo_in_u, second)] == ["dpo"]
    assert roles_for(dpo_in_u, first) == []
    assert permissions_in(dpo_in_u, first) == frozenset()
    assert holds(dpo_in_u, second, Permission.CASE_CASE_READ.value)
    assert not holds(dpo_in_u, first, Permission.CASE_CASE_READ.value)

    # An organisation-wide read in `u` does not open another caseworker's case in `t`.
    target = Target(
        register="t",
        record_type="case",
        owner_organisation=ORG_A,
        record_id=uuid.uuid4(),
        subject_ids=(_subject(session),),
        assigned_user=uuid.uuid4(),
    )
    assert _refusal(session, dpo_in_u, target, Action.READ) is ReasonCode.NO_PERMISSION
    assert authorize(
        session, actor=_bound("dpo", "t"), purpose="support", action=Action.READ, target=target
    ).allowed

    # The gate's own work too: the review permission must come from a role in that register.
    review = Permission.ACCESS_REVIEW_READ.value
    require(session, actor=dpo_in_u, permission=review, what="access-review", register="u")
    with pytest.raises(AccessDenied):
        require(session, actor=dpo_in_u, permission=review, what="access-review", register="t")
    assert _last(session).outcome == "refused"


def test_a_token_limited_to_some_permissions_holds_only_those(
    session: Session, two_registers: tuple[Register, Register]
) -> None:
    first, _ = two_registers
    limited = Actor(
        id=uuid.uuid4(),
        kind="token",
        organisation=ORG_A,
        roles=frozenset({"dpo"}),
        permissions=frozenset({Permission.CASE_CASE_LIST.value}),
        grants=frozenset({("t", "dpo")}),
    )
    assert permissions_in(limited, first) == {Permission.CASE_CASE_LIST.value}


@pytest.mark.usefixtures("registry")
def test_a_target_without_an_owner_is_refused_and_audited(session: Session) -> None:
    ownerless = Target(
        register="t", record_type="case", owner_organisation="", record_id=uuid.uuid4()
    )
    dpo = actor("dpo")  # organisation caseload: nothing else would stop it
    assert _refusal(session, dpo, ownerless, Action.READ) is ReasonCode.NO_OWNER
    entry = _last(session)
    assert (entry.outcome, entry.reason) == ("refused", "no-owner")


@pytest.mark.usefixtures("registry")
def test_an_act_on_a_named_person_is_bound_by_caseload(session: Session) -> None:
    person = Target(
        register="t",
        record_type="case",
        owner_organisation=ORG_A,
        subject_ids=(_subject(session),),
    )
    worker = actor("caseworker")  # own caseload: nobody's record is assigned to them
    for action in (Action.READ, Action.UPDATE):
        assert _refusal(session, worker, person, action) is ReasonCode.OUTSIDE_CASELOAD
    dpo = actor("dpo")  # organisation caseload reaches everyone the organisation holds
    assert authorize(session, actor=dpo, purpose="support", action=Action.READ, target=person)
