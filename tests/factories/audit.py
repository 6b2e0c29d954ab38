"""What the gate wrote to the audit trail about one actor (for assertions)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.gate import audit
from accord.gate.audit import HistoryItem
from accord.gate.models import AuditEntry
from accord.gate.types import Actor


def entries(session: Session, actor: Actor, outcome: str | None = None) -> list[AuditEntry]:
    """The actor's audit entries, oldest first, optionally only those with `outcome`
    ("allowed" or "refused")."""
    query = select(AuditEntry).where(AuditEntry.actor_id == actor.id)
    if outcome is not None:
        query = query.where(AuditEntry.outcome == outcome)
    return list(session.scalars(query.order_by(AuditEntry.seq)))


def refusals(session: Session, actor: Actor) -> list[tuple[str, str, str]]:
    """(action, record type, reason) of each refusal the gate audited for the actor."""
    return [(e.action, e.record_type, e.reason) for e in entries(session, actor, "refused")]


def allowed_reads(session: Session, actor: Actor, subject_id: uuid.UUID) -> list[HistoryItem]:
    """The reads of a person's records the gate allowed the actor (from their history)."""
    return [
        item
        for item in audit.history(session, subject_id=subject_id)
        if item.actor_id == actor.id and item.action == "read" and item.outcome == "allowed"
    ]
