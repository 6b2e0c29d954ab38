"""Who still has to be told: people in community safety cases with no notification decision.

Art 14(3) gives a month from receiving someone's data (from a referral form, not from them)
to tell them, unless a reason to withhold is recorded. The queue lists, oldest first, every
person in the cases the actor may see (the gate scopes the listing per service) who has
neither been told nor had the notice withheld, with the date it falls due.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from accord.gate.policy import roles_for
from accord.gate.types import AccessDenied, Actor
from accord.notifications.models import FairProcessingNotice
from accord.paging import Page
from accord.panels.access import REFERENCE_PREFIX, purpose_for, record_type_for
from accord.panels.cases import case_scope
from accord.panels.models import CaseParty, SafetyCase
from accord.register.registry import current_registry
from accord.store.base import utcnow

TELL_WITHIN = relativedelta(months=1)


@dataclass(frozen=True)
class Pending:
    case_id: uuid.UUID
    reference: str
    service: str
    subject_id: uuid.UUID
    role: str
    received_at: datetime
    due_by: datetime
    overdue: bool


def pending_notifications(
    session: Session, *, actor: Actor, register: str, limit: int = 100, offset: int = 0
) -> Page[Pending]:
    """People not yet told (and not withheld from), in the services the actor may list,
    oldest first: one page of them and how many there are."""
    reg = current_registry().get(register)
    now = utcnow()
    decided = exists().where(
        FairProcessingNotice.record_id == CaseParty.case_id,
        FairProcessingNotice.subject_id == CaseParty.subject_id,
    )
    out: list[Pending] = []
    total = 0
    for service in reg.services:
        if service.id not in REFERENCE_PREFIX:
            continue  # not a community safety casework service (e.g. crime analysis)
        record_type = record_type_for(reg, service.id)
        if not roles_for(actor, reg, purpose_for(record_type)):
            continue  # not this actor's service: nothing to ask the gate
        try:
            # the service's own cases, not those shared with the actor's agency
            scope = case_scope(
                session, actor=actor, register=register, record_type=record_type, shared=False
            )
        except AccessDenied:
            continue  # refused (and audited) by the gate
        waiting = (
            select(SafetyCase, CaseParty)
            .join(CaseParty, CaseParty.case_id == SafetyCase.id)
            .where(scope.where, SafetyCase.service == service.id, ~decided)
        )
        total += session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
        # the page's rows are among each service's first offset + limit
        rows = session.execute(waiting.order_by(CaseParty.added_at).limit(offset + limit)).all()
        for case, party in rows:
            received = party.added_at
            due = received + TELL_WITHIN
            out.append(
                Pending(
                    case_id=case.id,
                    reference=case.reference,
                    service=case.service,
                    subject_id=party.subject_id,
                    role=party.role,
                    received_at=received,
                    due_by=due,
                    overdue=due < now,
                )
            )
    out.sort(key=lambda p: p.received_at)
    return Page[Pending](
        items=out[offset : offset + limit], total=total, limit=limit, offset=offset
    )
