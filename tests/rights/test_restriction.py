"""Restriction of processing: the gate refuses a restricted person's processing but storage
and legal claims, and the person is told before a restriction is lifted."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases import workflow
from accord.cases.access import case_target
from accord.cases.models import Case
from accord.cases.schemas import ContactIn
from accord.errors import Conflict, Invalid, NotFound
from accord.gate.models import AuditEntry
from accord.gate.policy import survives_restriction
from accord.gate.service import authorize
from accord.gate.types import AccessDenied, Action, ReasonCode
from accord.people.models import Subject
from accord.register.schema import LawfulBasis, Purpose
from accord.rights import restriction
from factories.registers import register, shipped, using
from rights.decision_people import dpo, lvws, referred

__all__ = ["lvws"]

pytestmark = pytest.mark.usefixtures("lvws")


def _contact(session: Session, person: object) -> None:
    workflow.record_contact(
        session,
        actor=person.worker,  # type: ignore[attr-defined]
        case_id=person.case_id,  # type: ignore[attr-defined]
        data=ContactIn(outcome="engaged", channel="phone"),
    )


def test_a_restriction_refuses_the_caseworkers_edit_until_lifted_after_telling_the_person(
    session: Session,
) -> None:
    person = referred(session)
    officer = dpo()
    placed = restriction.restrict(
        session, actor=officer, subject_id=person.subject_id, grounds="accuracy-contested"
    )
    assert session.get(Subject, person.subject_id).restricted  # type: ignore[union-attr]

    with pytest.raises(AccessDenied) as refused:
        _contact(session, person)
    assert refused.value.decision.reason is ReasonCode.RESTRICTED

    with pytest.raises(Conflict) as early:
        restriction.lift(session, actor=officer, restriction_id=placed.id)
    assert early.value.field == "lift_notice"
    assert session.get(Subject, person.subject_id).restricted  # type: ignore[union-attr]

    restriction.record_lift_notice(
        session, actor=officer, restriction_id=placed.id, channel="letter"
    )
    lifted = restriction.lift(session, actor=officer, restriction_id=placed.id)
    assert lifted.lifted_at is not None
    assert lifted.lift_notice_at is not None
    assert lifted.lift_notice_at <= lifted.lifted_at
    assert not session.get(Subject, person.subject_id).restricted  # type: ignore[union-attr]
    _contact(session, person)  # processing resumes


def test_processing_stays_restricted_while_another_restriction_stands(session: Session) -> None:
    person = referred(session)
    officer = dpo()
    first = restriction.restrict(
        session, actor=officer, subject_id=person.subject_id, grounds="accuracy-contested"
    )
    restriction.restrict(
        session, actor=officer, subject_id=person.subject_id, grounds="legal-claims"
    )
    restriction.record_lift_notice(session, actor=officer, restriction_id=first.id, channel="email")
    restriction.lift(session, actor=officer, restriction_id=first.id)
    with pytest.raises(AccessDenied):
        _contact(session, person)


def test_the_same_grounds_twice_is_a_conflict_and_unknown_grounds_are_named(
    session: Session,
) -> None:
    person = referred(session)
    restriction.restrict(
        session, actor=dpo(), subject_id=person.subject_id, grounds="unlawful-processing"
    )
    with pytest.raises(Conflict):
        restriction.restrict(
            session, actor=dpo(), subject_id=person.subject_id, grounds="unlawful-processing"
        )
    with pytest.raises(Invalid) as bad:
        restriction.restrict(session, actor=dpo(), subject_id=person.subject_id, grounds="because")
    assert bad.value.field == "grounds"
    placed = restriction.active_restrictions(session, person.subject_id)[0]
    with pytest.raises(Invalid) as channel:
        restriction.record_lift_notice(
            session, actor=dpo(), restriction_id=placed.id, channel="pigeon"
        )
    assert channel.value.field == "channel"


def test_only_the_rights_team_of_the_owning_organisation_restricts(session: Session) -> None:
    person = referred(session)
    with pytest.raises(AccessDenied):
        restriction.restrict(
            session, actor=person.worker, subject_id=person.subject_id, grounds="legal-claims"
        )
    with pytest.raises(NotFound):
        restriction.restrict(
            session, actor=dpo("catch22"), subject_id=person.subject_id, grounds="legal-claims"
        )
    with pytest.raises(NotFound):
        restriction.restrict(session, actor=dpo(), subject_id=uuid.uuid4(), grounds="legal-claims")
    assert not session.get(Subject, person.subject_id).restricted  # type: ignore[union-attr]


def test_placing_and_lifting_are_audited_by_id(session: Session) -> None:
    person = referred(session)
    placed = restriction.restrict(
        session, actor=dpo(), subject_id=person.subject_id, grounds="objection"
    )
    refs = set(
        session.scalars(select(AuditEntry.ref).where(AuditEntry.record_type == restriction.WHAT))
    )
    assert "restriction:objection" in refs
    assert placed.register == "lvws"
    assert placed.organisation == "victim-support"


def _purpose(**basis: str) -> Purpose:
    return Purpose(
        id="p",
        name="P",
        description="P",
        basis=LawfulBasis.model_validate(basis),
        categories=[],
    )


def test_storage_and_legal_claims_survive_a_restriction_and_nothing_else_does() -> None:
    assert survives_restriction(_purpose(art6="public_task", art9="legal_claims"))
    assert survives_restriction(
        Purpose(
            id="storage",
            name="Storage",
            description="Keeping the record",
            basis=LawfulBasis(art6="legal_obligation"),
            categories=[],
            survives_restriction=True,
        )
    )
    for art6 in ("consent", "contract", "legal_obligation", "public_task", "legitimate_interests"):
        assert not survives_restriction(_purpose(art6=art6))


def test_the_gate_lets_a_legal_claims_purpose_read_a_restricted_case_and_nothing_else(
    session: Session,
) -> None:
    lvws = shipped("lvws")
    claims = {
        "name": "Defending legal claims",
        "description": "Establishing, exercising or defending legal claims about our support.",
        "basis": {"art6": "legitimate_interests", "art9": "legal_claims"},
        "categories": ["name", "contact-details"],
    }
    dpo_role = lvws.role("dpo")
    case_type = lvws.record_type("case")
    with using(
        register(
            "lvws",
            purposes={"legal-claims": claims},
            record_types={"case": {"purposes": [*case_type.purposes, "legal-claims"]}},
            roles={"dpo": {"purposes": [*dpo_role.purposes, "legal-claims"]}},
        )
    ):
        person = referred(session)
        workflow.record_contact(
            session,
            actor=person.worker,
            case_id=person.case_id,
            data=ContactIn(outcome="engaged", channel="phone"),
        )
        officer = dpo()
        restriction.restrict(
            session, actor=officer, subject_id=person.subject_id, grounds="legal-claims"
        )
        case = session.get(Case, person.case_id)
        assert case is not None
        target = case_target(case)
        allowed = authorize(
            session, actor=officer, purpose="legal-claims", action=Action.READ, target=target
        )
        assert allowed.allowed
        with pytest.raises(AccessDenied) as refused:
            authorize(
                session, actor=officer, purpose="victim-support", action=Action.READ, target=target
            )
        assert refused.value.decision.reason is ReasonCode.RESTRICTED
