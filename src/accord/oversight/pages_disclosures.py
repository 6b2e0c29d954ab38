"""The DPO's disclosure log (`/disclosure-log`): every disclosure of personal data, with or
without consent, the risk of harm recorded and who approved it, to whom, filtered by date
and service.

Scoped as the audit trail is (`oversight.trail`): the services where the DPO may both read
disclosure logs and the audit trail, and there what their own organisation disclosed and
what anyone disclosed about the people it holds. The log holds ids, kinds of information
and dates, never the information itself; looking at it is audited, naming the people whose
disclosures were shown.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.disclosures.models import DisclosureEntry, DisclosureRequest
from accord.disclosures.service import recipient_name
from accord.gate.catalogue import Permission
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
from accord.web.routing import PageRoute
from accord.web.templating import organisation_name

router = APIRouter(include_in_schema=False, route_class=PageRoute)
WHAT = "disclosure-log"
CONSENT = {"": "With or without consent", "with": "With consent", "without": "Without consent"}
BASES = {
    "consent": "The person agreed",
    "risk-of-harm": "Risk of harm",
    "legal-requirement": "Required by law or a court",
    "joint-controllers": "Shared between the partners who run the service",
    "panel": "Shared at a risk panel meeting",
}
RISKS = {"standard": "Standard risk", "medium": "Medium risk", "high": "High risk"}


def oversees_disclosures(actor: Actor) -> bool:
    return bool(overseen(actor, Permission.DISCLOSURE_LOG_READ))


def _scope(actor: Actor, registers: list[str]) -> ColumnElement[bool]:
    if not registers:
        return false()
    ours = DisclosureEntry.subject_id.in_(
        select(Subject.id).where(Subject.organisation == actor.organisation)
    )
    return and_(
        DisclosureEntry.register.in_(registers),
        or_(DisclosureEntry.from_organisation == actor.organisation, ours),
    )


def _category_names(register_id: str, ids: list[str]) -> str:
    try:
        register = current_registry().get(register_id)
    except KeyError:
        return ", ".join(ids)
    names = {c.id: c.name for c in register.categories}
    return ", ".join(names.get(i, i.replace("-", " ")) for i in ids)


def disclosure_log(
    session: Session,
    *,
    actor: Actor,
    register: str,
    consent: str,
    since: date | None,
    until: date | None,
    page: int,
) -> Found:
    """One page of the log, newest first, within what the actor oversees; audited."""
    registers = [r.id for r in overseen(actor, Permission.DISCLOSURE_LOG_READ)]
    if not registers:
        refuse(session, actor=actor, what=WHAT, reason=ReasonCode.NO_PERMISSION)
    query = select(DisclosureEntry).where(_scope(actor, registers))
    if register:
        query = query.where(DisclosureEntry.register == register)
    if consent:
        query = query.where(DisclosureEntry.with_consent.is_(consent == "with"))
    entries, total = one_page(
        session,
        query,
        DisclosureEntry.disclosed_at,
        since=since,
        until=until,
        page=page,
        order=(DisclosureEntry.disclosed_at.desc(), DisclosureEntry.id),
    )
    request_ids = {e.request_id for e in entries if e.request_id}
    risks = (
        dict(
            session.execute(
                select(DisclosureRequest.id, DisclosureRequest.risk_level).where(
                    DisclosureRequest.id.in_(request_ids)
                )
            ).all()
        )
        if request_ids
        else {}
    )
    names = names_of(
        session,
        {e.approved_by for e in entries if e.approved_by}
        | {e.disclosed_by for e in entries if e.disclosed_by},
    )
    record_look(
        session, actor=actor, what=WHAT, register=register, people=(e.subject_id for e in entries)
    )
    rows = [
        {
            "id": e.id,
            "when": e.disclosed_at,
            "service": words.register_title(e.register),
            "from": organisation_name(e.from_organisation),
            "to": recipient_name(e.register, e.recipient),
            "what": _category_names(e.register, list(e.fields)),
            "consent": "With consent" if e.with_consent else "Without consent",
            "basis": BASES.get(e.basis, e.basis.replace("-", " ").capitalize()),
            "risk": RISKS.get(risks.get(e.request_id, ""), "") if e.request_id else "",
            "shared_by": who(names, e.disclosed_by, e.disclosed_by_kind),
            "approved_by": names.get(e.approved_by, "Someone no longer here")
            if e.approved_by
            else "",
            "person": e.subject_id,
        }
        for e in entries
    ]
    return Found(rows=rows, total=total)


@router.get("/disclosure-log")
def disclosure_log_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    service: str = "",
    consent: str = "",
    since: str = "",
    until: str = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    query = {"service": service, "consent": consent, "since": since, "until": until}
    filters = Filters(session, actor, Permission.DISCLOSURE_LOG_READ, WHAT, query)
    if consent not in CONSENT:
        filters.errors["consent"] = "Select with or without consent"
    found = None
    if not filters.errors:
        found = disclosure_log(
            session,
            actor=actor,
            register=service,
            consent=consent,
            since=filters.since,
            until=filters.until,
            page=page,
        )
    return filters.page(request, "oversight/disclosure_log.html", found, page, consents=CONSENT)
