"""Consent statements in the ledger, citing the register's current notice."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from accord.consent.ledger import ConsentRecord, ConsentState, record_consent
from accord.gate.types import Actor
from accord.register.load import digest
from accord.register.registry import current_registry


def consent_statement(
    session: Session,
    *,
    actor: Actor,
    subject_id: uuid.UUID,
    register: str,
    purpose: str,
    state: ConsentState | str = ConsentState.GIVEN,
    controller: str | None = None,
    channel: str = "phone",
    recorded_at: datetime | None = None,
) -> ConsentRecord:
    """The person's consent (given by default) to `purpose`, recorded by `actor` for
    `controller` (default: the actor's organisation) through the ledger."""
    return record_consent(
        session,
        actor=actor,
        subject_id=subject_id,
        register=register,
        controller=controller or actor.organisation,
        purpose=purpose,
        state=state,
        channel=channel,
        notice_digest=digest(current_registry().get(register)),
        recorded_at=recorded_at,
    )
