"""Restriction of processing (Art 18): placed on a person, told before it is lifted, lifted.

While a person is restricted the gate refuses every processing of their records but storage
and legal claims (`gate.policy.survives_restriction`): a caseworker's edit, a disclosure, a
listing. The person must be told before the restriction is lifted (Art 18(3)), so lifting
refuses until that notice is recorded.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.errors import Conflict, Invalid, NotFound
from accord.gate.types import Actor
from accord.people import service as people
from accord.people.models import Subject
from accord.rights.decision_models import Restriction
from accord.rights.decisions import audit, person_for, request_for
from accord.store.base import utcnow

WHAT = "rights-restriction"


class Grounds(StrEnum):
    ACCURACY_CONTESTED = "accuracy-contested"  # 18(1)(a), while the accuracy is checked
    UNLAWFUL_PROCESSING = "unlawful-processing"  # 18(1)(b), kept rather than erased
    LEGAL_CLAIMS = "legal-claims"  # 18(1)(c), the person needs it kept for a claim
    OBJECTION = "objection"  # 18(1)(d), while an objection is decided


class NoticeChannel(StrEnum):
    LETTER = "letter"
    EMAIL = "email"
    PHONE = "phone"
    IN_PERSON = "in-person"


def _grounds(value: str) -> Grounds:
    try:
        return Grounds(value)
    except ValueError:
        raise Invalid(
            "grounds", "Choose one of: " + ", ".join(g.value for g in Grounds) + "."
        ) from None


def active_restrictions(session: Session, subject_id: uuid.UUID) -> list[Restriction]:
    return list(
        session.scalars(
            select(Restriction)
            .where(Restriction.subject_id == subject_id, Restriction.lifted_at.is_(None))
            .order_by(Restriction.placed_at, Restriction.id)
        )
    )


def restrict(
    session: Session,
    *,
    actor: Actor,
    subject_id: uuid.UUID,
    grounds: str,
    request_id: uuid.UUID | None = None,
) -> Restriction:
    """Restrict all processing of the person's records but storage and legal claims."""
    chosen = _grounds(grounds)
    subject = person_for(session, actor=actor, subject_id=subject_id, what=WHAT)
    linked = request_for(session, subject=subject, request_id=request_id, right="restriction")
    return place(session, actor=actor, subject=subject, grounds=chosen, request_id=linked)


def place(
    session: Session,
    *,
    actor: Actor,
    subject: Subject,
    grounds: Grounds,
    request_id: uuid.UUID | None,
) -> Restriction:
    """Place a restriction on a person already found for this actor (`restrict`, or an
    upheld objection)."""
    chosen = grounds
    if any(r.grounds == chosen.value for r in active_restrictions(session, subject.id)):
        raise Conflict(
            f"Processing of this person's data is already restricted on these grounds ({chosen.value}).",
            field="grounds",
        )
    row = Restriction(
        id=uuid.uuid4(),
        request_id=request_id,
        subject_id=subject.id,
        register=subject.register,
        organisation=subject.organisation,
        grounds=chosen.value,
        placed_by=actor.id,
        placed_at=utcnow(),
    )
    session.add(row)
    people.set_restriction(session, subject_id=subject.id, restricted=True)
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="restrict",
        register=subject.register,
        subject_ids=(subject.id,),
        record_ids=(row.id,),
        ref=f"restriction:{chosen.value}",
    )
    return row


def _load(session: Session, actor: Actor, restriction_id: uuid.UUID) -> Restriction:
    row = session.get(Restriction, restriction_id)
    if row is None:
        raise NotFound("restriction")
    person_for(session, actor=actor, subject_id=row.subject_id, what=WHAT)
    if row.lifted_at is not None:
        raise Conflict("This restriction has already been lifted.")
    return row


def record_lift_notice(
    session: Session, *, actor: Actor, restriction_id: uuid.UUID, channel: str
) -> Restriction:
    """Record that the person was told the restriction is about to be lifted (Art 18(3))."""
    try:
        how = NoticeChannel(channel)
    except ValueError:
        raise Invalid(
            "channel", "Choose one of: " + ", ".join(c.value for c in NoticeChannel) + "."
        ) from None
    row = _load(session, actor, restriction_id)
    row.lift_notice_at = utcnow()
    row.lift_notice_channel = how.value
    row.lift_notice_by = actor.id
    session.flush()
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="notify",
        register=row.register,
        subject_ids=(row.subject_id,),
        record_ids=(row.id,),
        ref=f"restriction-lift-notice:{how.value}",
    )
    return row


def lift(session: Session, *, actor: Actor, restriction_id: uuid.UUID) -> Restriction:
    """Lift a restriction, once the person has been told. Processing resumes when no other
    restriction of theirs stands."""
    row = _load(session, actor, restriction_id)
    if row.lift_notice_at is None:
        raise Conflict(
            "Tell the person before lifting the restriction, and record that you told them.",
            field="lift_notice",
        )
    row.lifted_at = utcnow()
    row.lifted_by = actor.id
    session.flush()
    if not active_restrictions(session, row.subject_id):
        people.set_restriction(session, subject_id=row.subject_id, restricted=False)
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="lift",
        register=row.register,
        subject_ids=(row.subject_id,),
        record_ids=(row.id,),
        ref=f"restriction:{row.grounds}",
    )
    return row
