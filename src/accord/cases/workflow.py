"""Changing a case: routing, assignment, contacts and their retention clocks, timeline entries,
referrals on with consent, and closure. Each change passes the gate and lands on the timeline."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.cases import purposes
from accord.cases.access import load_case
from accord.cases.clock import compute
from accord.cases.errors import Conflict, InvalidInput
from accord.cases.models import Case, CaseEvent, CaseShare
from accord.cases.schemas import (
    AssignmentIn,
    CloseIn,
    ContactIn,
    NotTakenUpIn,
    RoutingIn,
)
from accord.disclosures import service as disclosures
from accord.gate.catalogue import Permission
from accord.gate.types import Action, Actor
from accord.people import service as people
from accord.register.registry import current_registry
from accord.register.schema import Register, Trigger
from accord.store.base import aware

OPEN = ("referred", "contacting", "engaged")
NOT_TAKEN_UP = "not-taken-up"
PRE_ENGAGEMENT = ("referred", "contacting")


def moment(value: datetime | None) -> datetime:
    return aware(value) if value is not None else datetime.now(UTC)


def not_before_received(case: Case, at: datetime, *, field: str = "at") -> None:
    """Nothing happens to a referral before it arrived (the schemas refuse the future)."""
    if at < case.received_at:
        raise InvalidInput(
            field,
            f"{at.isoformat()} is before the referral was received "
            f"({case.received_at.isoformat()})",
        )


def add_event(
    session: Session,
    case: Case,
    actor: Actor,
    kind: str,
    at: datetime,
    *,
    details: dict[str, Any] | None = None,
    outcome: str | None = None,
    channel: str | None = None,
    service: str | None = None,
    position: int | None = None,
) -> CaseEvent:
    """Add a timeline entry; `position` only when the caller knows it (a new case)."""
    if position is None:
        last = session.scalar(
            select(func.coalesce(func.max(CaseEvent.position), 0)).where(
                CaseEvent.case_id == case.id
            )
        )
        position = (last or 0) + 1
    event = CaseEvent(
        position=position,
        case_id=case.id,
        subject_id=case.subject_id,
        kind=kind,
        occurred_at=at,
        organisation=actor.organisation,
        actor_id=actor.id,
        outcome=outcome,
        channel=channel,
        service=service,
        category=event_category(case, kind),
        detail=people.seal(session, subject_id=case.subject_id, values=details)
        if details
        else None,
    )
    session.add(event)
    return event


def refresh_clock(case: Case) -> None:
    """Recompute retention from the rule of what the row now is (referral, case, rj-case)."""
    case.retention_from, case.retention_due = compute(
        case.register,
        case.record_type,
        {
            Trigger.REFERRAL_NOT_TAKEN_UP: case.not_taken_up_at,
            Trigger.LAST_CONTACT: case.last_contact_at,
            Trigger.CASE_CLOSED: case.closed_at,
            Trigger.CREATED: case.received_at,
        },
    )


def require_state(case: Case, *, states: tuple[str, ...] = OPEN) -> None:
    if case.status not in states:
        raise Conflict(f"the case is {case.status}; this needs it to be {' or '.join(states)}")


def event_category(case: Case, kind: str) -> str | None:
    """The category a timeline entry's details hold, as the case's register names it."""
    register = current_registry().get(case.register)
    return purposes.event_categories(register, case.record_type).get(kind)


def categories_for(session: Session, case_id: uuid.UUID, kind: str) -> set[str] | None:
    """What the gate is asked for when writing a `kind` entry on the case. Only the case's
    register and record type are read here (no personal data); a missing case gives None and
    the gate's load then answers not found."""
    case = session.get(Case, case_id)
    category = event_category(case, kind) if case is not None else None
    return {category} if category else None


def confirm_routing(session: Session, *, actor: Actor, case_id: uuid.UUID, data: RoutingIn) -> Case:
    """A caseworker confirms or changes the proposed service (never the system alone). A
    service of another organisation shares the case with it, hands it to that organisation's
    intake team and logs the disclosure."""
    case, _ = load_case(
        session,
        actor=actor,
        case_id=case_id,
        purpose=purposes.CASEWORK,
        action=Action.UPDATE,
        permission=Permission.CASE_CASE_ROUTE,
    )
    require_state(case, states=PRE_ENGAGEMENT)
    register = current_registry().get(case.register)
    try:
        service = register.service(data.service)
    except KeyError:
        raise InvalidInput(
            "service", f"{data.service!r} is not a service of {case.register!r}"
        ) from None
    changed = data.service != case.proposed_service
    if changed and not data.reason:
        raise InvalidInput(
            "reason", "give a reason when choosing a service other than the one proposed"
        )
    now = datetime.now(UTC)
    holder = (
        case.organisation if case.service is None else register.service(case.service).organisation
    )
    if service.organisation != holder:
        load_case(
            session, actor=actor, case_id=case.id, purpose=purposes.ROUTING, action=Action.DISCLOSE
        )
        if (
            service.organisation != case.organisation
            and session.get(CaseShare, (case.id, service.organisation)) is None
        ):
            session.add(
                CaseShare(
                    case_id=case.id,
                    organisation=service.organisation,
                    purpose=purposes.ROUTING,
                    shared_at=now,
                )
            )
        disclosures.log_disclosure(
            session,
            actor=actor,
            subject_id=case.subject_id,
            register=case.register,
            recipient=service.organisation,
            fields=_sent_categories(register, service.organisation),
            with_consent=True,
            basis=disclosures.DisclosureBasis.CONSENT,
            purpose=purposes.ROUTING,
            from_organisation=actor.organisation,
            record_type=case.record_type,
            record_id=case.id,
            method="routing",
            disclosed_at=now,
        )
        case.team = purposes.INTAKE_TEAM  # the receiving provider's intake team picks it up
        case.assigned_user = None
    case.service = service.id
    case.routing_confirmed_at = now
    details: dict[str, Any] = {"proposed": case.proposed_service}
    if data.reason:
        details["reason"] = data.reason
    add_event(
        session,
        case,
        actor,
        "routing-confirmed",
        now,
        service=service.id,
        outcome="changed" if changed else "accepted",
        details=details,
    )
    session.flush()
    return case


def _sent_categories(register: Register, recipient: str) -> list[str]:
    """What goes to the provider: the register's categories for that recipient (or, when it
    lists none, the routing purpose's), never special category or case notes."""
    for entry in register.recipients:
        if entry.id == recipient and entry.categories:
            return list(entry.categories)
    return list(register.purpose(purposes.ROUTING).categories)


def assign(session: Session, *, actor: Actor, case_id: uuid.UUID, data: AssignmentIn) -> Case:
    case, _ = load_case(
        session, actor=actor, case_id=case_id, purpose=purposes.CASEWORK, action=Action.UPDATE
    )
    if data.user_id is None and data.team is None:
        raise InvalidInput("user_id", "name a user, a team or both")
    case.assigned_user = data.user_id
    if data.team is not None:
        case.team = data.team
    # Naming only a person keeps the case in its team, so the team manager who handed it on
    # still sees it (and can reassign it); naming a team moves it there.
    add_event(
        session,
        case,
        actor,
        "assignment",
        datetime.now(UTC),
        details={"user_id": str(data.user_id) if data.user_id else None, "team": case.team},
    )
    session.flush()
    return case


def record_contact(session: Session, *, actor: Actor, case_id: uuid.UUID, data: ContactIn) -> Case:
    """A contact attempt and its outcome. Engaging turns the referral into a case whose clock
    runs from the last contact; declining before that starts the 12-month referral clock."""
    case, _ = load_case(
        session,
        actor=actor,
        case_id=case_id,
        purpose=purposes.CASEWORK,
        action=Action.UPDATE,
        categories=categories_for(session, case_id, "contact-attempt"),
    )
    if case.status == NOT_TAKEN_UP and data.outcome == "engaged":
        # The person came back: the case reopens under the engaged rule (accord.cases.reopen).
        reopen_case(session, actor=actor, case=case, reason="re-engaged", at=moment(data.at))
    require_state(case)
    at = moment(data.at)
    not_before_received(case, at)
    add_event(
        session,
        case,
        actor,
        "contact-attempt",
        at,
        outcome=data.outcome,
        channel=data.channel,
        details={"note": data.note} if data.note else None,
    )
    if case.status in PRE_ENGAGEMENT:
        if data.outcome == "engaged":
            case.status = "engaged"
            case.record_type = purposes.RJ_CASE if _is_rj(case) else purposes.CASE
            case.last_contact_at = at
        elif data.outcome == "declined":
            case.status = "not-taken-up"
            case.not_taken_up_at = at
            add_event(session, case, actor, "not-taken-up", at, outcome="declined")
        else:
            case.status = "contacting"
    elif data.outcome != "not-reached":
        touch_contact(case, at)
    refresh_clock(case)
    session.flush()
    return case


def _is_rj(case: Case) -> bool:
    register = current_registry().get(case.register)
    if case.service is None or not any(rt.id == purposes.RJ_CASE for rt in register.record_types):
        return False
    return register.record_type(purposes.RJ_CASE).service == case.service


REOPENABLE = (NOT_TAKEN_UP, "closed")


def reopen_case(
    session: Session, *, actor: Actor, case: Case, reason: str, at: datetime | None = None
) -> Case:
    """A not-taken-up referral whose person re-engages, or a closed case, becomes an open case
    again, and its clock moves back to the engaged rule: a not-taken-up referral leaves the
    12-month rule for the last contact (their coming back is a contact); a closed case keeps
    its last contact and leaves any rule counted from closure (a restorative justice case's
    clock stops while it is open). The caller has passed the gate for updating the case
    (`accord.cases.reopen.reopen` does)."""
    if case.status not in REOPENABLE:
        raise Conflict(
            f"the case is {case.status}; only a case not taken up, or a closed one, is reopened"
        )
    when = moment(at)
    not_before_received(case, when)
    came_back = case.status == NOT_TAKEN_UP
    if case.closed_at is not None and when < aware(case.closed_at):
        raise InvalidInput("at", "a case is reopened after it was closed")
    case.status = "engaged"
    case.record_type = purposes.RJ_CASE if _is_rj(case) else purposes.CASE
    case.not_taken_up_at = None
    case.closed_at = None
    case.closure_reason = None
    if came_back:
        touch_contact(case, when)
    add_event(
        session,
        case,
        actor,
        "reopened",
        when,
        outcome="re-engaged" if came_back else "reopened",
        details={"reason": reason},
    )
    refresh_clock(case)
    session.flush()
    return case


def touch_contact(case: Case, at: datetime) -> None:
    if case.last_contact_at is None or case.last_contact_at < at:
        case.last_contact_at = at


def mark_not_taken_up(
    session: Session, *, actor: Actor, case_id: uuid.UUID, data: NotTakenUpIn
) -> Case:
    case, _ = load_case(
        session, actor=actor, case_id=case_id, purpose=purposes.CASEWORK, action=Action.UPDATE
    )
    require_state(case, states=PRE_ENGAGEMENT)
    at = moment(data.at)
    not_before_received(case, at)
    case.status = "not-taken-up"
    case.not_taken_up_at = at
    add_event(
        session,
        case,
        actor,
        "not-taken-up",
        at,
        outcome=data.reason,
        details={"note": data.note} if data.note else None,
    )
    refresh_clock(case)
    session.flush()
    return case


def close_case(session: Session, *, actor: Actor, case_id: uuid.UUID, data: CloseIn) -> Case:
    case, _ = load_case(
        session, actor=actor, case_id=case_id, purpose=purposes.CASEWORK, action=Action.UPDATE
    )
    require_state(case)
    at = moment(data.at)
    not_before_received(case, at)
    if case.status in PRE_ENGAGEMENT:
        # Never engaged: closing it is the referral not being taken up (the 12-month clock).
        case.status = "not-taken-up"
        case.not_taken_up_at = at
    else:
        case.status = "closed"
    case.closed_at = at
    case.closure_reason = data.reason
    add_event(
        session,
        case,
        actor,
        "closure",
        at,
        outcome=data.reason,
        details={"note": data.note} if data.note else None,
    )
    refresh_clock(case)
    session.flush()
    return case
