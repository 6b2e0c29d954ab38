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

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from accord.accounts.deps import CurrentActor
from accord.accounts.models import User
from accord.deps import DbSession
from accord.disclosures.models import DisclosureEntry, DisclosureRequest
from accord.disclosures.service import recipient_name
from accord.gate import audit
from accord.gate.catalogue import Permission
from accord.gate.service import holds_permission, refuse
from accord.gate.types import Actor, ReasonCode
from accord.oversight import words
from accord.people.models import Subject
from accord.register.registry import current_registry
from accord.register.schema import Register
from accord.web.routing import PageRoute
from accord.web.templating import organisation_name, templates

router = APIRouter(include_in_schema=False, route_class=PageRoute)
PAGE_SIZE = 50
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


def overseen(actor: Actor, permission: Permission) -> list[Register]:
    """The registers where the actor oversees `permission`'s records: they hold it and the
    audit trail's read permission there, as their organisation's DPO does."""
    return [
        register
        for register in current_registry().registers_of(actor.organisation)
        if holds_permission(actor, permission, register.id)
        and holds_permission(actor, Permission.AUDIT_TRAIL_READ, register.id)
    ]


def oversees_disclosures(actor: Actor) -> bool:
    return bool(overseen(actor, Permission.DISCLOSURE_LOG_READ))


def day_range(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """The first moment of `since` and the first moment after `until`, in UTC."""
    start = datetime.combine(since, time(0, 0), tzinfo=UTC) if since else None
    end = datetime.combine(until + timedelta(days=1), time(0, 0), tzinfo=UTC) if until else None
    return start, end


def parse_day(value: str, field: str, errors: dict[str, str]) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[field] = "Enter a real date, for example 2026-11-30"
        return None


def check_dates(query: dict[str, str], errors: dict[str, str]) -> tuple[date | None, date | None]:
    since = parse_day(query["since"], "since", errors)
    until = parse_day(query["until"], "until", errors)
    if since and until and since > until:
        errors["until"] = "The end date must be the same as or after the start date"
    return since, until


def names_of(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    return {u.id: u.name for u in session.scalars(select(User).where(User.id.in_(ids)))}


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


@dataclass(frozen=True)
class LogPage:
    rows: list[dict[str, Any]]
    total: int


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
) -> LogPage:
    """One page of the log, newest first, within what the actor oversees; audited."""
    registers = [r.id for r in overseen(actor, Permission.DISCLOSURE_LOG_READ)]
    if not registers:
        refuse(session, actor=actor, what=WHAT, reason=ReasonCode.NO_PERMISSION)
    query = select(DisclosureEntry).where(_scope(actor, registers))
    if register:
        query = query.where(DisclosureEntry.register == register)
    if consent:
        query = query.where(DisclosureEntry.with_consent.is_(consent == "with"))
    start, end = day_range(since, until)
    if start:
        query = query.where(DisclosureEntry.disclosed_at >= start)
    if end:
        query = query.where(DisclosureEntry.disclosed_at < end)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    entries = list(
        session.scalars(
            query.order_by(DisclosureEntry.disclosed_at.desc(), DisclosureEntry.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
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
    audit.record(
        session,
        audit.Event(
            actor=actor,
            action="list",
            purpose=WHAT,
            register=register,
            record_type=WHAT,
            reason="allowed",
            outcome="allowed",
            subject_ids=tuple(sorted({e.subject_id for e in entries}, key=str)),
        ),
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
            "shared_by": _who(names, e.disclosed_by, e.disclosed_by_kind),
            "approved_by": names.get(e.approved_by, "Someone no longer here")
            if e.approved_by
            else "",
            "person": e.subject_id,
        }
        for e in entries
    ]
    return LogPage(rows=rows, total=total)


def _who(names: dict[uuid.UUID, str], user: uuid.UUID | None, kind: str) -> str:
    if user is not None and kind == "user":
        return names.get(user, "Someone no longer here")
    return "A partner's system" if kind == "token" else "accord, automatically"


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
    services = {r.id: r.title for r in overseen(actor, Permission.DISCLOSURE_LOG_READ)}
    if not services:
        refuse(session, actor=actor, what=WHAT, reason=ReasonCode.NO_PERMISSION)
    query = {"service": service, "consent": consent, "since": since, "until": until}
    errors: dict[str, str] = {}
    if service and service not in services:
        errors["service"] = "Select a service you oversee"
    if consent not in CONSENT:
        errors["consent"] = "Select with or without consent"
    day_from, day_to = check_dates(query, errors)
    found = None
    if not errors:
        found = disclosure_log(
            session,
            actor=actor,
            register=service,
            consent=consent,
            since=day_from,
            until=day_to,
            page=page,
        )
    return templates.TemplateResponse(
        request,
        "oversight/disclosure_log.html",
        {
            "query": query,
            "services": services,
            "consents": CONSENT,
            "found": found,
            "page": page,
            "pages": max(1, -(-found.total // PAGE_SIZE)) if found else 1,
            "errors": errors,
        },
        status_code=400 if errors else 200,
    )
