"""The consent ledger's facts for the gate: a person's current consent, the same rule as SQL
for listings, and the statements held about a person (found by `accord.gate.facts`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_
from sqlalchemy.orm import Session, aliased

from accord.consent.ledger import current_state
from accord.consent.models import ConsentEvent
from accord.gate.facts import HeldRecord, rows_about
from accord.store.base import utcnow


class LedgerConsent:
    def state(
        self, session: Session, *, subject_id: uuid.UUID, purpose: str, controller: str | None
    ) -> str | None:
        found = current_state(
            session, subject_id=subject_id, purpose=purpose, controller=controller
        )
        return None if found is None else found.value

    def given(self, *, subject_id: Any, controller: Any, purpose: str) -> ColumnElement[bool]:
        """The person's latest statement to the controller for this purpose is a consent
        given and not expired (as `current_state` reads it)."""
        event, later = aliased(ConsentEvent), aliased(ConsentEvent)
        superseded = exists().where(
            later.subject_id == event.subject_id,
            later.purpose == event.purpose,
            later.controller == event.controller,
            or_(
                later.recorded_at > event.recorded_at,
                and_(later.recorded_at == event.recorded_at, later.id > event.id),
            ),
        )
        given: ColumnElement[bool] = exists().where(
            event.subject_id == subject_id,
            event.controller == controller,
            event.purpose == purpose,
            event.state == "given",
            or_(event.expires_at.is_(None), event.expires_at > utcnow()),
            ~superseded,
        )
        return given


CONSENT = LedgerConsent()


def subject_records(session: Session, *, subject_ids: Sequence[uuid.UUID]) -> list[HeldRecord]:
    """Each consent statement these people made (the ledger's rows, ids only)."""
    return rows_about(
        session,
        subject_ids,
        "consent",
        id=ConsentEvent.id,
        subject_id=ConsentEvent.subject_id,
        register=ConsentEvent.register,
        owner=ConsentEvent.controller,
        at=ConsentEvent.recorded_at,
    )


SUBJECT_RECORDS = subject_records
