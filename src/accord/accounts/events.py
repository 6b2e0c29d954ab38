"""Account events in the audit trail: who changed access, and who signed in.

Entries hold ids only (the person's or token's id, never an email address or name), written
in the same transaction as the change they record.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from sqlalchemy.orm import Session

from accord.gate import audit
from accord.gate.types import Actor, ReasonCode

PURPOSE = "accounts"


def system(organisation: str = "", name: str = "command line") -> Actor:
    """The actor for changes made by accord itself: the command line, single sign-on."""
    return Actor(
        id=None,
        kind="system",
        organisation=organisation,
        roles=frozenset(),
        permissions=frozenset(),
        name=name,
    )


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    record_type: str,
    record_id: uuid.UUID,
    organisation: str,
    register: str = "",
    ref: str | None = None,
    outcome: str = "recorded",
    reason: str = ReasonCode.ALLOWED.value,
) -> None:
    audit.record(
        session,
        audit.Event(
            actor=actor or system(organisation),
            action=action,
            purpose=PURPOSE,
            register=register,
            record_type=record_type,
            reason=reason,
            outcome=outcome,
            record_ids=(record_id,),
            ref=ref,
        ),
    )


class _Account(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def organisation(self) -> str: ...


def about(
    session: Session,
    account: _Account,
    *,
    actor: Actor | None,
    action: str,
    record_type: str = "user",
    **details: Any,
) -> None:
    """`record` an event about a person's or token's account, in its organisation."""
    record(
        session,
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=account.id,
        organisation=account.organisation,
        **details,
    )
