"""Letting people know their information is processed, or recording why not.

When a record about someone arrives from elsewhere (a police referral, a panel referral form),
the controller tells them within a month (Art 14(3)). It may withhold that only for a reason
the law recognises, recorded with an explanation: telling them is impossible or would need
disproportionate effort (Art 14(5)(b)), would prejudice the prevention or detection of crime
(DPA 2018 Sch 2 para 2) or put someone at risk of serious harm, or they already have the
information (Art 14(5)(a)). A withheld notification is reviewed; the decision is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.errors import Invalid
from accord.gate.acts import record_event
from accord.gate.service import authorize
from accord.gate.types import Action, Actor, Target
from accord.notifications.models import FairProcessingNotice
from accord.people import service as people
from accord.register.load import digest
from accord.register.registry import current_registry
from accord.store.base import utcnow
from accord.store.views import view_of

MIN_REASON_CHARS = 20
RECORD_TYPE = "fair-processing-notice"  # how decisions are named in the audit trail


class WithholdReason(StrEnum):
    DISPROPORTIONATE = "disproportionate"  # Art 14(5)(b): impossible or disproportionate effort
    PREJUDICIAL = "prejudicial"  # DPA 2018 Sch 2 para 2: would prejudice crime prevention
    SERIOUS_HARM = "serious-harm"  # telling them would put them or someone else at risk
    ALREADY_INFORMED = "already-informed"  # Art 14(5)(a)


class NotificationChannel(StrEnum):
    LETTER = "letter"
    EMAIL = "email"
    PHONE = "phone"
    IN_PERSON = "in-person"


class NotificationError(Invalid):
    """A decision that cannot be recorded: names the field and why."""


_Choice = TypeVar("_Choice", bound=StrEnum)


@dataclass(frozen=True)
class NotificationView:
    id: uuid.UUID
    subject_id: uuid.UUID
    record_type: str
    record_id: uuid.UUID
    purpose: str
    status: str
    channel: str | None
    reason_code: str | None
    reason: str | None  # unsealed only for someone who may see the record
    review_on: datetime | None
    decided_by: uuid.UUID | None
    decided_at: datetime


def _choice(kind: type[_Choice], value: str, field: str) -> _Choice:
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(c.value for c in kind)
        raise NotificationError(field, f"{value!r} is not one of {known}") from None


def _check_subject(target: Target, purpose: str, subject_id: uuid.UUID) -> None:
    _check_purpose(target, purpose)
    if subject_id not in target.subject_ids:
        raise NotificationError("subject_id", "the person is not a subject of this record")


def _check_purpose(target: Target, purpose: str) -> None:
    register = current_registry().get(target.register)
    try:
        record_type = register.record_type(target.record_type)
    except KeyError:
        raise NotificationError(
            "record_type", f"{target.record_type!r} is not in the register"
        ) from None
    if purpose not in record_type.purposes:
        raise NotificationError(
            "purpose", f"{target.record_type!r} records are not held for {purpose!r}"
        )


def _decided(session: Session, subject_id: uuid.UUID, record_id: uuid.UUID) -> bool:
    return (
        session.scalar(
            select(FairProcessingNotice.id).where(
                FairProcessingNotice.subject_id == subject_id,
                FairProcessingNotice.record_id == record_id,
                FairProcessingNotice.status == "sent",
            )
        )
        is not None
    )


def record_sent(
    session: Session,
    *,
    actor: Actor,
    target: Target,
    subject_id: uuid.UUID,
    purpose: str,
    channel: NotificationChannel | str,
    at: datetime | None = None,
) -> FairProcessingNotice:
    """Record that the person was told (by letter, email, phone or in person), citing the
    version of the notice they were given. The gate checks the contact details may be used."""
    _check_subject(target, purpose, subject_id)
    channel = _choice(NotificationChannel, channel, "channel")
    if target.record_id is None:
        raise NotificationError("record_id", "name the record the person is told about")
    contact = {"letter": "address", "email": "email", "phone": "telephone"}.get(channel.value)
    authorize(
        session,
        actor=actor,
        purpose=purpose,
        action=Action.READ,
        target=target,
        categories=[contact] if contact else [],
    )
    return _decide(
        session,
        actor=actor,
        target=target,
        subject_id=subject_id,
        purpose=purpose,
        ref="notification:sent",
        status="sent",
        channel=channel.value,
        decided_at=at or utcnow(),
    )


def withhold(
    session: Session,
    *,
    actor: Actor,
    target: Target,
    subject_id: uuid.UUID,
    purpose: str,
    reason_code: WithholdReason | str,
    reason: str,
    review_on: datetime | None = None,
    at: datetime | None = None,
) -> FairProcessingNotice:
    """Record that the person is not told, why (a recognised ground and an explanation), and
    when to look again. Refused without a reason; the explanation is sealed, the fact audited."""
    _check_subject(target, purpose, subject_id)
    code = _choice(WithholdReason, reason_code, "reason_code")
    explanation = " ".join((reason or "").split())
    if len(explanation) < MIN_REASON_CHARS:
        raise NotificationError(
            "reason",
            f"explain in at least {MIN_REASON_CHARS} characters why the person is not told",
        )
    moment = at or utcnow()
    if review_on is not None and review_on <= moment:
        raise NotificationError("review_on", "the review date must be in the future")
    if target.record_id is None:
        raise NotificationError("record_id", "name the record the person is not told about")
    authorize(
        session, actor=actor, purpose=purpose, action=Action.UPDATE, target=target, categories=[]
    )
    return _decide(
        session,
        actor=actor,
        target=target,
        subject_id=subject_id,
        purpose=purpose,
        ref=f"notification:withheld:{code.value}",
        status="withheld",
        reason_code=code.value,
        reason=people.seal(session, subject_id=subject_id, values={"reason": explanation}),
        review_on=review_on,
        decided_at=moment,
    )


def _decide(
    session: Session,
    *,
    actor: Actor,
    target: Target,
    subject_id: uuid.UUID,
    purpose: str,
    ref: str,
    **decision: Any,
) -> FairProcessingNotice:
    """Write a decision about telling the person (once the gate has allowed it), citing the
    notice of the register in force, and audit it. Refused when they were already told:
    checked only after the gate, since whether someone was told is itself about them."""
    assert target.record_id is not None
    if _decided(session, subject_id, target.record_id):
        raise NotificationError("record_id", "this person was already told about this record")
    row = FairProcessingNotice(
        subject_id=subject_id,
        register=target.register,
        organisation=target.owner_organisation,
        purpose=purpose,
        record_type=target.record_type,
        record_id=target.record_id,
        notice_digest=digest(current_registry().get(target.register)),
        decided_by=actor.id,
        **decision,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="create",
        purpose=row.purpose,
        register=row.register,
        record_type=RECORD_TYPE,
        subject_ids=(row.subject_id,),
        record_ids=(row.id, row.record_id),
        ref=ref,
    )
    return row


def decisions_for(
    session: Session, *, actor: Actor, target: Target, purpose: str
) -> list[NotificationView]:
    """Every notification decision about a record, oldest first, through the gate."""
    authorize(
        session, actor=actor, purpose=purpose, action=Action.READ, target=target, categories=[]
    )
    rows = session.scalars(
        select(FairProcessingNotice)
        .where(FairProcessingNotice.record_id == target.record_id)
        .order_by(FairProcessingNotice.decided_at, FairProcessingNotice.id)
    )
    out = []
    for row in rows:
        reason = None
        if row.reason is not None:
            reason = str(
                people.unseal(session, subject_id=row.subject_id, blob=row.reason)["reason"]
            )
        out.append(view_of(NotificationView, row, reason=reason))
    return out


def reviews_due(session: Session, *, at: datetime | None = None) -> list[FairProcessingNotice]:
    """Withheld notifications whose review date has come (for a DPO's work queue)."""
    moment = at or utcnow()
    return list(
        session.scalars(
            select(FairProcessingNotice)
            .where(
                FairProcessingNotice.status == "withheld",
                FairProcessingNotice.review_on.is_not(None),
                FairProcessingNotice.review_on <= moment,
            )
            .order_by(FairProcessingNotice.review_on)
        )
    )
