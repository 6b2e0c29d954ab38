"""What the gate wrote to the audit trail about one actor (for assertions)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

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
