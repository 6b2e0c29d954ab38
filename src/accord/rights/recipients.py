"""Telling recipients of a correction or an erasure (Art 19), and recording that they were.

Each recipient in the disclosure log who received data a correction or erasure concerns gets
one notice row, pending until the rights team records it as sent, or as impossible or
disproportionate with a note on why (about the recipient, never the person). The rows hold
ids and category ids only, so an erasure's notices outlive the person.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.errors import Conflict, Invalid, NotFound
from accord.gate.catalogue import Permission
from accord.gate.service import require
from accord.gate.types import Actor
from accord.rights.decision_models import RecipientNotice
from accord.rights.decisions import audit
from accord.store.base import utcnow

WHAT = "rights-recipient-notice"


class NoticeState(StrEnum):
    PENDING = "pending"
    NOTIFIED = "notified"
    IMPOSSIBLE = "impossible"
    DISPROPORTIONATE = "disproportionate"


def add_notices(
    session: Session,
    *,
    kind: str,
    decision_id: uuid.UUID,
    subject_id: uuid.UUID,
    register: str,
    organisation: str,
    request_id: uuid.UUID | None,
    received: Mapping[str, set[str]],
) -> int:
    """A pending notice for each recipient (-> the categories concerned it received)."""
    for recipient, fields in sorted(received.items()):
        session.add(
            RecipientNotice(
                id=uuid.uuid4(),
                request_id=request_id,
                subject_id=subject_id,
                kind=kind,
                decision_id=decision_id,
                register=register,
                organisation=organisation,
                recipient=recipient,
                fields=sorted(fields),
                state=NoticeState.PENDING.value,
                created_at=utcnow(),
            )
        )
    return len(received)


def notices_for(session: Session, decision_id: uuid.UUID) -> list[RecipientNotice]:
    return list(
        session.scalars(
            select(RecipientNotice)
            .where(RecipientNotice.decision_id == decision_id)
            .order_by(RecipientNotice.recipient)
        )
    )


def list_notices(
    session: Session,
    *,
    actor: Actor,
    register: str,
    decision_id: uuid.UUID | None = None,
    state: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[RecipientNotice], int]:
    """The organisation's notices in `register` (of one correction or erasure, in one state),
    oldest first, and how many match: the queue of recipients still to tell."""
    require(
        session,
        actor=actor,
        permission=Permission.RIGHTS_REQUEST_MANAGE.value,
        what=WHAT,
        register=register,
    )
    if state is not None and state not in {s.value for s in NoticeState}:
        raise Invalid(
            "state",
            "Choose one of: " + ", ".join(s.value for s in NoticeState) + ".",
            location="query",
        )
    query = select(RecipientNotice).where(
        RecipientNotice.organisation == actor.organisation, RecipientNotice.register == register
    )
    if decision_id is not None:
        query = query.where(RecipientNotice.decision_id == decision_id)
    if state is not None:
        query = query.where(RecipientNotice.state == state)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(RecipientNotice.created_at, RecipientNotice.recipient, RecipientNotice.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def record_notice(
    session: Session, *, actor: Actor, notice_id: uuid.UUID, state: str, note: str | None = None
) -> RecipientNotice:
    """Record that the recipient was told, or why telling them is impossible or
    disproportionate (a note is then required)."""
    try:
        chosen = NoticeState(state)
    except ValueError:
        chosen = None
    if chosen is None or chosen is NoticeState.PENDING:
        raise Invalid("state", "Choose one of: notified, impossible, disproportionate.")
    cleaned = (note or "").strip()
    if chosen is not NoticeState.NOTIFIED and not cleaned:
        raise Invalid("note", "Say why the recipient cannot be told.")
    if len(cleaned) > 500:
        raise Invalid("note", "This must be 500 characters or fewer.")
    row = session.get(RecipientNotice, notice_id)
    if row is None:
        raise NotFound("notice")
    require(
        session,
        actor=actor,
        permission=Permission.RIGHTS_REQUEST_MANAGE.value,
        what=WHAT,
        register=row.register,
    )
    if row.organisation != actor.organisation:
        raise NotFound("notice")
    if row.state != NoticeState.PENDING.value:
        raise Conflict("This notice has already been recorded.", field="state")
    row.state = chosen.value
    row.note = cleaned or None
    row.recorded_by = actor.id
    row.recorded_at = utcnow()
    session.flush()
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="notify",
        register=row.register,
        subject_ids=(row.subject_id,),
        record_ids=(row.id, row.decision_id),
        categories=row.fields,
        ref=f"{row.kind}-notice:{chosen.value}:{row.recipient}",
    )
    return row
