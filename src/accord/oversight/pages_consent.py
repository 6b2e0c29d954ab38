"""The DPO's consent withdrawals (`/consent-withdrawals`): who recorded which withdrawal of
consent, for what, when, and the effect the register gives it, checked where it can be
(a person whose records a withdrawal deletes is no longer held).

Read from the audit trail's entries of withdrawals, which outlive the person when the
withdrawal erased them; scoped as the trail is (`oversight.trail`): the services where the
DPO may read both consent records and the audit trail, and there their own organisation's
acts and acts about the people it holds (or held, by the erasure's tombstone). Looking is
audited.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from accord.accounts.deps import CurrentActor
from accord.consent.ledger import RECORD_TYPE
from accord.consent.models import ConsentEvent
from accord.deps import DbSession
from accord.gate.catalogue import Permission
from accord.gate.history import TOMBSTONE
from accord.gate.models import AuditEntry, AuditEntrySubject
from accord.gate.service import refuse
from accord.gate.types import Actor, ReasonCode
from accord.oversight import words
from accord.oversight.pages_filters import (
    Filters,
    Found,
    names_of,
    one_page,
    overseen,
    record_look,
    who,
)
from accord.people.models import Subject
from accord.register.registry import current_registry
from accord.register.schema import WithdrawalEffect
from accord.web.routing import PageRoute

router = APIRouter(include_in_schema=False, route_class=PageRoute)
WHAT = "consent-withdrawals"
WITHDRAWN = "consent:withdrawn"
CHANNELS = {
    "phone": "By phone",
    "web-form": "Online form",
    "email": "By email",
    "letter": "By letter",
    "in-person": "In person",
    "live-chat": "Live chat",
    "police-referral": "Told the police",
    "unsubscribe-link": "Unsubscribe link",
}
EFFECTS = {
    WithdrawalEffect.STOP_PROCESSING: "Work for this purpose stopped",
    WithdrawalEffect.STOP_AND_EXCLUDE: "Left out of every later extract for this purpose",
    WithdrawalEffect.OPT_OUT_LIST: "Contact details put on the list never to contact",
    WithdrawalEffect.DELETE_RECORD: "Every record of the person deleted at once",
}


def oversees_consent(actor: Actor) -> bool:
    return bool(overseen(actor, Permission.CONSENT_RECORD_READ))


def _scope(actor: Actor, registers: list[str]) -> ColumnElement[bool]:
    if not registers:
        return false()
    erased_ours = (
        select(AuditEntrySubject.subject_id)
        .join(AuditEntry, AuditEntry.seq == AuditEntrySubject.entry_seq)
        .where(
            AuditEntry.record_type == TOMBSTONE, AuditEntry.actor_organisation == actor.organisation
        )
    )
    about_ours = AuditEntry.seq.in_(
        select(AuditEntrySubject.entry_seq).where(
            or_(
                AuditEntrySubject.subject_id.in_(
                    select(Subject.id).where(Subject.organisation == actor.organisation)
                ),
                AuditEntrySubject.subject_id.in_(erased_ours),
            )
        )
    )
    return and_(
        AuditEntry.register.in_(registers),
        or_(AuditEntry.actor_organisation == actor.organisation, about_ours),
    )


def _effect(register_id: str, purpose_id: str) -> WithdrawalEffect | None:
    try:
        terms = current_registry().get(register_id).purpose(purpose_id).consent
    except KeyError:
        return None
    return terms.effect if terms is not None else None


def _purpose_name(register_id: str, purpose_id: str) -> str:
    try:
        return current_registry().get(register_id).purpose(purpose_id).name
    except KeyError:
        return purpose_id.replace("-", " ")


def withdrawals(
    session: Session,
    *,
    actor: Actor,
    register: str,
    since: date | None,
    until: date | None,
    page: int,
) -> Found:
    """One page of withdrawals, newest first, within what the actor oversees; audited."""
    registers = [r.id for r in overseen(actor, Permission.CONSENT_RECORD_READ)]
    if not registers:
        refuse(session, actor=actor, what=WHAT, reason=ReasonCode.NO_PERMISSION)
    query = select(AuditEntry).where(
        AuditEntry.record_type == RECORD_TYPE,
        AuditEntry.ref == WITHDRAWN,
        AuditEntry.outcome == "recorded",
        _scope(actor, registers),
    )
    if register:
        query = query.where(AuditEntry.register == register)
    entries, total = one_page(
        session,
        query,
        AuditEntry.at,
        since=since,
        until=until,
        page=page,
        order=(AuditEntry.seq.desc(),),
    )
    people = dict(
        session.execute(
            select(AuditEntrySubject.entry_seq, AuditEntrySubject.subject_id).where(
                AuditEntrySubject.entry_seq.in_([e.seq for e in entries])
            )
        ).all()
    )
    held = set(session.scalars(select(Subject.id).where(Subject.id.in_(set(people.values())))))
    event_ids = [uuid.UUID(str(e.record_ids[0])) for e in entries if e.record_ids]
    channels = dict(
        session.execute(
            select(ConsentEvent.id, ConsentEvent.channel).where(ConsentEvent.id.in_(event_ids))
        ).all()
    )
    names = names_of(session, {e.actor_id for e in entries if e.actor_id})
    record_look(session, actor=actor, what=WHAT, register=register, people=people.values())
    rows = []
    for entry in entries:
        person = people.get(entry.seq)
        effect = _effect(entry.register, entry.purpose)
        pending = effect is WithdrawalEffect.DELETE_RECORD and person in held
        channel = channels.get(uuid.UUID(str(entry.record_ids[0]))) if entry.record_ids else None
        rows.append(
            {
                "seq": entry.seq,
                "when": entry.at,
                "service": words.register_title(entry.register),
                "purpose": _purpose_name(entry.register, entry.purpose),
                "how": CHANNELS.get(channel or "", ""),
                "recorded_by": who(names, entry.actor_id, entry.actor_kind),
                "effect": EFFECTS.get(effect, "") if effect else "",
                "pending": pending,
                "erased": effect is WithdrawalEffect.DELETE_RECORD
                and person is not None
                and person not in held,
                "person": person,
            }
        )
    return Found(rows=rows, total=total)


@router.get("/consent-withdrawals")
def consent_withdrawals(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    service: str = "",
    since: str = "",
    until: str = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    query = {"service": service, "since": since, "until": until}
    filters = Filters(session, actor, Permission.CONSENT_RECORD_READ, WHAT, query)
    found = None
    if not filters.errors:
        found = withdrawals(
            session,
            actor=actor,
            register=service,
            since=filters.since,
            until=filters.until,
            page=page,
        )
    return filters.page(request, "oversight/consent_withdrawals.html", found, page)
