"""Objection to processing (Art 21): recorded, processing paused while pending, decided.

An objection names purposes resting on a public task or legitimate interests (the only ones
it applies to: `applicable`). While it is pending the person's `objection_pending` flag makes
the gate refuse processing under those bases. The decision is recorded with its reason and
applied: where the organisation shows compelling legitimate grounds, processing resumes;
where it does not, the objection is upheld and the person's processing is restricted to
storage and legal claims (a restriction on the grounds of the objection), pending erasure.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.errors import Conflict, Invalid, NotFound
from accord.gate.types import Actor
from accord.people import service as people
from accord.register.registry import current_registry
from accord.register.schema import Art6
from accord.rights import restriction
from accord.rights.decision_models import Objection
from accord.rights.decisions import audit, person_for, request_for, seal_text, text
from accord.store.base import utcnow

WHAT = "rights-objection"
OBJECTABLE = (Art6.PUBLIC_TASK, Art6.LEGITIMATE_INTERESTS)


class Outcome(StrEnum):
    UPHELD = "upheld"  # no compelling grounds: processing stops
    COMPELLING_GROUNDS = "compelling-grounds"  # processing goes on


def _purposes(register_id: str, given: Iterable[str]) -> list[str]:
    register = current_registry().get(register_id)
    chosen = list(dict.fromkeys(given))
    if not chosen:
        raise Invalid("purposes", "Name at least one use of the person's data they object to.")
    known = {p.id: p for p in register.purposes}
    for purpose_id in chosen:
        purpose = known.get(purpose_id)
        if purpose is None:
            raise Invalid("purposes", f"{purpose_id!r} is not a use of data in this register.")
        if purpose.basis.art6 not in OBJECTABLE:
            raise Invalid(
                "purposes",
                f"The right to object does not apply to “{purpose.name}”: it does not rest "
                "on a public task or legitimate interests.",
            )
    return chosen


def record_objection(
    session: Session,
    *,
    actor: Actor,
    subject_id: uuid.UUID,
    purposes: Iterable[str],
    grounds: str,
    request_id: uuid.UUID | None = None,
) -> Objection:
    """Record an objection and pause the processing it concerns until it is decided."""
    reasons = text("grounds", grounds)
    subject = person_for(session, actor=actor, subject_id=subject_id, what=WHAT)
    chosen = _purposes(subject.register, purposes)
    request_id = request_for(session, subject=subject, request_id=request_id, right="objection")
    row = Objection(
        id=uuid.uuid4(),
        request_id=request_id,
        subject_id=subject.id,
        register=subject.register,
        organisation=subject.organisation,
        purposes=chosen,
        grounds=seal_text(session, subject, reasons),
        received_at=utcnow(),
        recorded_by=actor.id,
    )
    session.add(row)
    people.set_objection(session, subject_id=subject.id, pending=True)
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="object",
        register=subject.register,
        subject_ids=(subject.id,),
        record_ids=(row.id,),
        ref="objection:" + ",".join(chosen),
    )
    return row


def pending(session: Session, subject_id: uuid.UUID) -> list[Objection]:
    return list(
        session.scalars(
            select(Objection).where(Objection.subject_id == subject_id, Objection.outcome.is_(None))
        )
    )


def decide_objection(
    session: Session, *, actor: Actor, objection_id: uuid.UUID, outcome: str, reason: str
) -> Objection:
    """Record the decision and apply it (see the module's description)."""
    try:
        decided = Outcome(outcome)
    except ValueError:
        raise Invalid(
            "outcome", "Choose one of: " + ", ".join(o.value for o in Outcome) + "."
        ) from None
    why = text("reason", reason)
    row = session.get(Objection, objection_id)
    if row is None:
        raise NotFound("objection")
    subject = person_for(session, actor=actor, subject_id=row.subject_id, what=WHAT)
    if row.outcome is not None:
        raise Conflict("This objection has already been decided.")
    row.outcome = decided.value
    row.reason = seal_text(session, subject, why)
    row.decided_by = actor.id
    row.decided_at = utcnow()
    session.flush()
    if decided is Outcome.UPHELD and not any(
        r.grounds == restriction.Grounds.OBJECTION.value
        for r in restriction.active_restrictions(session, subject.id)
    ):
        restriction.place(
            session,
            actor=actor,
            subject=subject,
            grounds=restriction.Grounds.OBJECTION,
            request_id=row.request_id,
        )
    if not pending(session, subject.id):
        people.set_objection(session, subject_id=subject.id, pending=False)
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="decide",
        register=row.register,
        subject_ids=(subject.id,),
        record_ids=(row.id,),
        ref=f"objection:{decided.value}",
    )
    return row
