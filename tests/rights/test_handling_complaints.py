"""Complaints about the handling of a rights request: recorded, answered once, and the ICO's
contact details given with the answer."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from accord.errors import Conflict, Invalid
from accord.gate.types import AccessDenied
from accord.rights import handling_complaints
from accord.rights.decisions import open_text
from rights.decision_people import dpo, lvws, referred

__all__ = ["lvws"]

pytestmark = pytest.mark.usefixtures("lvws")


def test_a_complaint_is_recorded_answered_and_the_ico_named(session: Session) -> None:
    person = referred(session)
    made = handling_complaints.record_complaint(
        session,
        actor=dpo(),
        subject_id=person.subject_id,
        content="My access request took three months and nobody told me why.",
    )
    answered, ico = handling_complaints.answer_complaint(
        session,
        actor=dpo(),
        complaint_id=made.id,
        answer="We are sorry: the extension was not notified.",
    )
    assert "Information Commissioner" in ico
    assert "0303 123 1113" in ico
    assert open_text(session, person.subject_id, answered.answer) == (
        "We are sorry: the extension was not notified."
    )
    with pytest.raises(Conflict):
        handling_complaints.answer_complaint(
            session, actor=dpo(), complaint_id=made.id, answer="Again."
        )


def test_an_empty_complaint_is_refused_and_a_caseworker_cannot_record_one(
    session: Session,
) -> None:
    person = referred(session)
    with pytest.raises(Invalid) as empty:
        handling_complaints.record_complaint(
            session, actor=dpo(), subject_id=person.subject_id, content="   "
        )
    assert empty.value.field == "content"
    with pytest.raises(AccessDenied):
        handling_complaints.record_complaint(
            session, actor=person.worker, subject_id=person.subject_id, content="x"
        )
