"""Permission checks and audit entries for acts that are not reads of a record type.

Recording a consent statement, logging a disclosure, approving one or withholding a
notification are acts of their own: the actor needs the catalogue permission for the act,
whatever the state of the subject's consent (a withdrawal must always be recordable). Each is
written to the audit trail (ids, category ids and a short reference; never values). Reads and
writes of the personal data itself still go through `accord.gate.service.authorize`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from accord.gate import audit, outbox
from accord.gate.catalogue import Permission
from accord.gate.service import holds_permission
from accord.gate.types import AccessDenied, Actor, Decision, ReasonCode
from accord.store.base import utcnow


def record_event(
    session: Session,
    *,
    actor: Actor,
    action: str,
    purpose: str,
    register: str,
    record_type: str,
    subject_ids: Iterable[uuid.UUID] = (),
    record_ids: Iterable[uuid.UUID] = (),
    categories: Iterable[str] = (),
    ref: str | None = None,
    outcome: str = "recorded",
    reason: str = ReasonCode.ALLOWED.value,
) -> None:
    """Append one audit entry for an act this package performed. A refusal is also kept in
    the gate's outbox, so it outlives the rollback that usually follows it."""
    event = audit.Event(
        actor=actor,
        action=action,
        purpose=purpose,
        register=register,
        record_type=record_type,
        reason=reason,
        outcome=outcome,
        record_ids=tuple(record_ids),
        subject_ids=tuple(subject_ids),
        categories=frozenset(categories),
        ref=ref,
    )
    at = utcnow()
    audit.record(session, event, at=at)
    if outcome == "refused":
        outbox.remember(session, event, at)


def require(
    actor: Actor,
    permission: Permission,
    *,
    session: Session | None = None,
    purpose: str = "",
    register: str = "",
    record_type: str = "",
    subject_ids: Iterable[uuid.UUID] = (),
) -> None:
    """Raise AccessDenied (no-permission) unless the actor holds `permission` (from one of its
    roles in `register`, when a register is named); the refusal is audited first when a
    session is given."""
    if actor.kind == "system" or holds_permission(actor, permission.value, register):
        return
    decision = Decision(allowed=False, reason=ReasonCode.NO_PERMISSION, purpose=purpose)
    if session is not None:
        record_event(
            session,
            actor=actor,
            action=permission.value.rsplit(":", 1)[-1],
            purpose=purpose,
            register=register,
            record_type=record_type,
            subject_ids=subject_ids,
            ref=permission.value,
            outcome="refused",
            reason=ReasonCode.NO_PERMISSION.value,
        )
    raise AccessDenied(decision, f"{permission.value} is needed")
