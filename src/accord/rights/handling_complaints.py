"""Complaints about how a rights request was handled: recorded, answered, and the person
given the Information Commissioner's Office's contact details with the answer, in the
register's words (`statements.complaints`), whatever the answer says."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from accord.errors import Conflict, NotFound
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.rights.decision_models import HandlingComplaint
from accord.rights.decisions import audit, person_for, request_for, seal_text, text
from accord.store.base import utcnow

WHAT = "rights-handling-complaint"


def ico_contact(register_id: str) -> str:
    """How to complain to the ICO, as the register's notice says it."""
    return " ".join(current_registry().get(register_id).statements.complaints.split())


def record_complaint(
    session: Session,
    *,
    actor: Actor,
    subject_id: uuid.UUID,
    content: str,
    request_id: uuid.UUID | None = None,
) -> HandlingComplaint:
    what_happened = text("content", content)
    subject = person_for(session, actor=actor, subject_id=subject_id, what=WHAT)
    request_id = request_for(session, subject=subject, request_id=request_id, right="complaint")
    row = HandlingComplaint(
        id=uuid.uuid4(),
        request_id=request_id,
        subject_id=subject.id,
        register=subject.register,
        organisation=subject.organisation,
        content=seal_text(session, subject, what_happened),
        received_at=utcnow(),
        recorded_by=actor.id,
    )
    session.add(row)
    session.flush()
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="create",
        register=subject.register,
        subject_ids=(subject.id,),
        record_ids=(row.id,),
        ref="handling-complaint",
    )
    return row


def answer_complaint(
    session: Session, *, actor: Actor, complaint_id: uuid.UUID, answer: str
) -> tuple[HandlingComplaint, str]:
    """Record the answer; returns the complaint and the ICO's contact details to give with it."""
    reply = text("answer", answer)
    row = session.get(HandlingComplaint, complaint_id)
    if row is None:
        raise NotFound("complaint")
    subject = person_for(session, actor=actor, subject_id=row.subject_id, what=WHAT)
    if row.answered_at is not None:
        raise Conflict("This complaint has already been answered.")
    row.answer = seal_text(session, subject, reply)
    row.answered_by = actor.id
    row.answered_at = utcnow()
    session.flush()
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="update",
        register=row.register,
        subject_ids=(subject.id,),
        record_ids=(row.id,),
        ref="handling-complaint-answered",
    )
    return row, ico_contact(row.register)
