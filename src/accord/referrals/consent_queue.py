"""Referrals waiting for the person's consent (the Cambridgeshire hub's model).

Where support itself rests on consent (a register whose casework purpose has consent terms),
a referral the police send stays out of the service's caseload until the consent ledger holds
the person's consent: the gate hides people without it. The hub learns of such a referral only
from this queue, which shows nothing that identifies the person (the gate's listing decision
is asked for no category at all): its reference, when it came and who sent it. When the person
agrees (usually on the phone, quoting the reference the police gave them), a hub worker
records it in the consent ledger (`consent.ledger.record_consent`, through the gate) against
the person the referral names, and from then on the gate shows the referral in the intake
queue like any other.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, not_, or_, select
from sqlalchemy.orm import Session

from accord.cases import purposes
from accord.cases.models import Case
from accord.consent import ledger
from accord.errors import NotFound
from accord.gate import facts
from accord.gate import service as gate
from accord.gate.types import AccessDenied, Action, Actor
from accord.people.models import Subject
from accord.register.load import digest
from accord.register.registry import current_registry

__all__ = ["Waiting", "awaiting_consent", "record_agreement", "waiting"]

# How a person can tell the hub they agree (the ledger's channels a worker takes statements on).
CHANNELS = ("phone", "in-person", "email", "letter")


@dataclass(frozen=True)
class Waiting:
    """A referral waiting for consent, without anything that identifies the person."""

    case_id: uuid.UUID
    reference: str | None
    register: str
    received_at: datetime
    source: str
    source_organisation: str | None


def _consent_registers(actor: Actor) -> list[str]:
    """The actor's organisation's registers in which casework needs the person's consent."""
    found = []
    for register in current_registry().registers_of(actor.organisation):
        purpose = gate.purpose_of(register, purposes.CASEWORK)
        if purpose is not None and gate.needs_consent(purpose):
            found.append(register.id)
    return found


def _scope(session: Session, actor: Actor) -> ColumnElement[bool] | None:
    """The gate's listing of referrals this person may work, asked for no category (so no
    name, contact detail or crime detail), and not yet agreed to by the person."""
    clauses: list[ColumnElement[bool]] = []
    denial: AccessDenied | None = None
    for register_id in _consent_registers(actor):
        try:
            visible = gate.visible(
                session,
                actor=actor,
                purpose=purposes.CASEWORK,
                record_type=purposes.REFERRAL,
                register=register_id,
                columns=gate.ScopeColumns(
                    owner_organisation=Case.organisation,
                    assigned_user=Case.assigned_user,
                    team=Case.team,
                    record_id=Case.id,
                ),
                categories=(),
                action=Action.LIST,
            )
        except AccessDenied as exc:
            denial = denial or exc
            continue
        clauses.append(
            and_(
                Case.register == register_id,
                Case.record_type == purposes.REFERRAL,
                visible.where,
            )
        )
    if not clauses:
        if denial is not None:
            raise denial
        return None
    active = select(Subject.id).where(Subject.state == "active")
    return and_(
        or_(*clauses),
        Case.status == "referred",
        Case.subject_id.in_(active),
        not_(
            facts.consent_given(
                subject_id=Case.subject_id,
                controller=Case.organisation,
                purpose=purposes.CASEWORK,
            )
        ),
    )


def awaiting_consent(session: Session, *, actor: Actor) -> list[Waiting]:
    """Referrals to the actor's organisation waiting for the person's consent, oldest first."""
    where = _scope(session, actor)
    if where is None:
        return []
    rows = session.scalars(select(Case).where(where).order_by(Case.received_at, Case.id))
    return [
        Waiting(
            case_id=c.id,
            reference=c.reference,
            register=c.register,
            received_at=c.received_at,
            source=c.source,
            source_organisation=c.source_organisation,
        )
        for c in rows
    ]


def waiting(session: Session, *, actor: Actor, case_id: uuid.UUID) -> Waiting:
    """One referral of the queue; NotFound when it is not waiting there for this person."""
    for item in awaiting_consent(session, actor=actor):
        if item.case_id == case_id:
            return item
    raise NotFound("referral")


def record_agreement(
    session: Session, *, actor: Actor, case_id: uuid.UUID, channel: str
) -> ledger.ConsentRecord:
    """Record in the consent ledger that the person the referral names agreed to be supported
    (the ledger and the gate decide whether this person may record it)."""
    found = waiting(session, actor=actor, case_id=case_id)
    case = session.get(Case, found.case_id)
    if case is None:  # pragma: no cover - just listed
        raise NotFound("referral")
    register = current_registry().get(case.register)
    return ledger.record_consent(
        session,
        actor=actor,
        subject_id=case.subject_id,
        register=case.register,
        controller=case.organisation,
        purpose=purposes.CASEWORK,
        state=ledger.ConsentState.GIVEN,
        channel=channel,
        notice_digest=digest(register),
    )
