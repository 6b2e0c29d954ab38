"""A person's access history for the DPO: permission-checked, and itself audited."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from accord.gate import audit
from accord.gate.catalogue import Permission
from accord.gate.service import refuse, require
from accord.gate.types import Action, Actor, ReasonCode
from accord.people.models import Subject

WHAT = "audit-history"


def view_history(
    session: Session, *, actor: Actor, subject_id: uuid.UUID
) -> list[audit.HistoryItem]:
    """Who viewed or changed this person's data, when and why (oldest first).

    A DPO sees the history of their own organisation's subjects; once a subject is erased
    only ids remain, so the history of an erased subject is shown to any DPO who asks by id.
    """
    require(
        session,
        actor=actor,
        permission=Permission.AUDIT_HISTORY_READ,
        what=WHAT,
        subject_ids=(subject_id,),
    )
    subject = session.get(Subject, subject_id)
    register = subject.register if subject is not None else ""
    if subject is not None and subject.organisation != actor.organisation:
        refuse(
            session,
            actor=actor,
            what=WHAT,
            reason=ReasonCode.NOT_SHARED_WITH_ORGANISATION,
            register=register,
            subject_ids=(subject_id,),
        )
    items = audit.history(session, subject_id=subject_id)
    audit.record(
        session,
        audit.Event(
            actor=actor,
            action=Action.READ,
            purpose=WHAT,
            register=register,
            record_type=WHAT,
            reason=ReasonCode.ALLOWED,
            outcome="allowed",
            subject_ids=(subject_id,),
        ),
    )
    return items
