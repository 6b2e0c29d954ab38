"""A person's access history for the DPO: permission-checked, and itself audited.

The history outlives the person (the trail holds ids only), so whose person it was must
outlive them too: an erasure leaves a tombstone entry in the trail naming the owning
organisation and register, and the history of an erased person is shown to that
organisation's DPO only.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.gate import audit
from accord.gate.catalogue import Permission
from accord.gate.models import AuditEntry, AuditEntrySubject
from accord.gate.service import refuse, require
from accord.gate.types import Action, Actor, ReasonCode
from accord.people.models import Subject

WHAT = "audit-history"
TOMBSTONE = "subject-erasure"  # record type of the entry an erasure leaves


def record_erasure(session: Session, subject: Subject) -> None:
    """Leave the tombstone of a person about to be erased: their owner and register, so their
    history stays scoped to that organisation once the subject row is gone."""
    owner = Actor(
        id=None,
        kind="system",
        organisation=subject.organisation,
        roles=frozenset(),
        permissions=frozenset(),
        name="erasure",
    )
    audit.record(
        session,
        audit.Event(
            actor=owner,
            action=Action.DELETE,
            purpose="erasure",
            register=subject.register,
            record_type=TOMBSTONE,
            reason=ReasonCode.ALLOWED,
            outcome="recorded",
            subject_ids=(subject.id,),
        ),
    )


def erased_owner(session: Session, subject_id: uuid.UUID) -> tuple[str, str] | None:
    """(organisation, register) an erased person belonged to, from their tombstone."""
    row = session.execute(
        select(AuditEntry.actor_organisation, AuditEntry.register)
        .join(AuditEntrySubject, AuditEntrySubject.entry_seq == AuditEntry.seq)
        .where(AuditEntrySubject.subject_id == subject_id, AuditEntry.record_type == TOMBSTONE)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def view_history(
    session: Session, *, actor: Actor, subject_id: uuid.UUID
) -> list[audit.HistoryItem]:
    """Who viewed or changed this person's data, when and why (oldest first).

    A DPO sees the history of their own organisation's people, erased ones included (scoped
    by the erasure's tombstone). A person the case database has no trace of, or erased
    without a tombstone, cannot be scoped, so their history is refused.
    """
    subject = session.get(Subject, subject_id)
    owner = (subject.organisation, subject.register) if subject is not None else None
    owner = owner or erased_owner(session, subject_id)
    register = owner[1] if owner is not None else ""
    # The permission must come from a role in the person's register, not any register.
    require(
        session,
        actor=actor,
        permission=Permission.AUDIT_HISTORY_READ,
        what=WHAT,
        register=register,
        subject_ids=(subject_id,),
    )
    if owner is None or owner[0] != actor.organisation:
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
