"""Objection: recorded, processing under a public task or legitimate interests paused while
it is pending, and the decision recorded and applied."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from accord.cases import workflow
from accord.cases.schemas import ContactIn
from accord.errors import Conflict, Invalid
from accord.gate.types import AccessDenied, ReasonCode
from accord.people.models import Subject
from accord.rights import objection, restriction
from accord.rights.decision_models import Objection
from accord.rights.decisions import open_text
from rights.decision_people import Person, dpo, lvws, referred

__all__ = ["lvws"]

pytestmark = pytest.mark.usefixtures("lvws")


def _contact(session: Session, person: Person) -> None:
    workflow.record_contact(
        session,
        actor=person.worker,
        case_id=person.case_id,
        data=ContactIn(outcome="engaged", channel="phone"),
    )


def _object(session: Session, person: Person) -> Objection:
    return objection.record_objection(
        session,
        actor=dpo(),
        subject_id=person.subject_id,
        purposes=["victim-support"],
        grounds="I no longer want support and do not want to be contacted.",
    )


def test_processing_pauses_while_an_objection_is_pending(session: Session) -> None:
    person = referred(session)
    made = _object(session, person)
    assert session.get(Subject, person.subject_id).objection_pending  # type: ignore[union-attr]
    with pytest.raises(AccessDenied) as paused:
        _contact(session, person)
    assert paused.value.decision.reason is ReasonCode.OBJECTION_PENDING
    assert open_text(session, person.subject_id, made.grounds) == (
        "I no longer want support and do not want to be contacted."
    )


def test_compelling_grounds_resume_processing(session: Session) -> None:
    person = referred(session)
    made = _object(session, person)
    decided = objection.decide_objection(
        session,
        actor=dpo(),
        objection_id=made.id,
        outcome="compelling-grounds",
        reason="A child in the household is at risk; support continues under safeguarding.",
    )
    assert decided.outcome == "compelling-grounds"
    assert decided.decided_at is not None
    assert not session.get(Subject, person.subject_id).objection_pending  # type: ignore[union-attr]
    _contact(session, person)
    with pytest.raises(Conflict):
        objection.decide_objection(
            session, actor=dpo(), objection_id=made.id, outcome="upheld", reason="x"
        )


def test_an_upheld_objection_stops_processing_by_restricting_it(session: Session) -> None:
    person = referred(session)
    made = _object(session, person)
    objection.decide_objection(
        session, actor=dpo(), objection_id=made.id, outcome="upheld", reason="No overriding need."
    )
    subject = session.get(Subject, person.subject_id)
    assert subject is not None
    assert not subject.objection_pending
    assert subject.restricted
    [placed] = restriction.active_restrictions(session, person.subject_id)
    assert placed.grounds == "objection"
    with pytest.raises(AccessDenied) as stopped:
        _contact(session, person)
    assert stopped.value.decision.reason is ReasonCode.RESTRICTED


def test_an_objection_only_to_purposes_it_applies_to(session: Session) -> None:
    person = referred(session)
    for purposes in (["referral-on"], ["no-such-purpose"], []):
        with pytest.raises(Invalid) as refused:
            objection.record_objection(
                session,
                actor=dpo(),
                subject_id=person.subject_id,
                purposes=purposes,
                grounds="x",
            )
        assert refused.value.field == "purposes"
    with pytest.raises(Invalid) as empty:
        objection.record_objection(
            session, actor=dpo(), subject_id=person.subject_id, purposes=["complaints"], grounds=" "
        )
    assert empty.value.field == "grounds"
    assert not session.get(Subject, person.subject_id).objection_pending  # type: ignore[union-attr]
