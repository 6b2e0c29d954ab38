"""Opening, reading, listing and closing community safety cases, and their retention clocks.

A case opens from a referral form naming its people (victims, perpetrators, children...): each
becomes a data subject with their details sealed under their own key, held only under the
categories the service's record type lists (the gate refuses any other).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from accord.cases.clock import compute
from accord.gate.acts import record_event
from accord.gate.minimise import minimise
from accord.gate.service import ScopeColumns, Visible, authorize, visible
from accord.gate.types import Action, Actor, Target
from accord.panels.access import (
    REFERENCE_PREFIX,
    PanelError,
    case_purpose,
    load_case,
    note_category,
    purpose_for,
    record_type_for,
)
from accord.panels.models import CaseAgency, CaseParty, PanelListing, PanelMeeting, SafetyCase
from accord.people import service as people
from accord.register.registry import current_registry
from accord.register.schema import RecordType, Trigger
from accord.store.base import utcnow

PARTY_ROLES = ("victim", "perpetrator", "offender", "child", "resident", "other")
RISK_LEVELS = ("standard", "medium", "high")
# Identifiers indexed for finding the same person again (the kinds accord.people supports).
_INDEXED = {"email": "email", "telephone": "phone"}


@dataclass(frozen=True)
class PartyIn:
    role: str
    details: Mapping[str, Any]  # register category id -> value
    index: Mapping[str, str] = field(default_factory=dict)  # blind index kind -> value


def _check_details(record_type: RecordType, details: Mapping[str, Any], where: str) -> None:
    for category in details:
        if category not in record_type.categories:
            raise PanelError(
                f"{where}.{category}", f"{record_type.id!r} records do not hold this category"
            )


def _check_party(record_type: RecordType, party: PartyIn, where: str) -> None:
    if party.role not in PARTY_ROLES:
        raise PanelError(f"{where}.role", f"{party.role!r} is not one of " + ", ".join(PARTY_ROLES))
    if not party.details:
        raise PanelError(f"{where}.details", "give at least the person's name")
    _check_details(record_type, party.details, f"{where}.details")


def _next_reference(session: Session, service: str, year: int) -> str:
    prefix = f"{REFERENCE_PREFIX.get(service, service.upper()[:8])}-{year}-"
    taken = session.scalar(
        select(func.count()).select_from(SafetyCase).where(SafetyCase.reference.like(prefix + "%"))
    )
    return f"{prefix}{int(taken or 0) + 1:04d}"


def retention_clock(case: SafetyCase, meeting_held: datetime | None = None) -> None:
    """Recompute the case's retention clock from its trigger times (e.g. the last action)."""
    case.retention_from, case.retention_due = compute(
        case.register,
        case.record_type,
        {
            Trigger.CREATED: case.opened_at,
            Trigger.LAST_ACTION: case.last_action_at,
            Trigger.LAST_CONTACT: case.last_action_at,
            Trigger.CASE_CLOSED: case.closed_at,
            Trigger.MEETING_HELD: meeting_held,
        },
    )


def audit_update(
    session: Session,
    *,
    actor: Actor,
    case: SafetyCase,
    ref: str,
    row_id: uuid.UUID | None = None,
    category: str | None = None,
) -> None:
    """Audit a change to the case (and the row of it that changed, holding `category`)."""
    record_event(
        session,
        actor=actor,
        action="update",
        purpose=case_purpose(case),
        register=case.register,
        record_type=case.record_type,
        subject_ids=(case.subject_id,),
        record_ids=(case.id,) if row_id is None else (case.id, row_id),
        categories=(category,) if category else (),
        ref=ref,
    )


def touch(case: SafetyCase, at: datetime | None = None) -> None:
    """Something was done on the case: the last action moves, and the retention clock with it."""
    moment = at or utcnow()
    if case.last_action_at is None or case.last_action_at < moment:
        case.last_action_at = moment
    retention_clock(case)


def _add_party(
    session: Session, case: SafetyCase, party: PartyIn, organisation: str
) -> tuple[CaseParty, uuid.UUID]:
    subject = people.create_subject(session, register=case.register, organisation=organisation)
    details = dict(party.details)
    row = CaseParty(
        case_id=case.id,
        subject_id=subject.id,
        role=party.role,
        details=people.seal(session, subject_id=subject.id, values=details),
        categories=sorted(details),
    )
    session.add(row)
    _index(session, subject.id, party)
    return row, subject.id


def _index(session: Session, subject_id: uuid.UUID, party: PartyIn) -> None:
    indexes = dict(party.index)
    for category, kind in _INDEXED.items():
        value = party.details.get(category)
        if kind not in indexes and isinstance(value, str) and value.strip():
            indexes[kind] = value
    if indexes:
        try:
            people.index_values(session, subject_id=subject_id, values=indexes)
        except ValueError as exc:
            raise PanelError("parties.index", str(exc)) from None


def open_case(
    session: Session,
    *,
    actor: Actor,
    register: str,
    service: str,
    parties: Iterable[PartyIn],
    referral: Mapping[str, Any],
    risk_level: str | None = None,
    referred_by: str | None = None,
    assigned_user: uuid.UUID | None = None,
    opened_at: datetime | None = None,
) -> SafetyCase:
    """Open a case from a referral form. The first party is the case's main subject (the
    victim, or the offender for IOM): the case and its notes are sealed under their key."""
    reg = current_registry().get(register)
    record_type = record_type_for(reg, service)
    purpose = purpose_for(record_type)
    people_in = list(parties)
    if not people_in:
        raise PanelError("parties", "a referral names at least the person it is about")
    for i, party in enumerate(people_in):
        _check_party(record_type, party, f"parties[{i}]")
    _check_details(record_type, referral, "referral")
    if risk_level is not None and risk_level not in RISK_LEVELS:
        raise PanelError("risk_level", f"{risk_level!r} is not one of " + ", ".join(RISK_LEVELS))
    if referred_by is not None:
        known = {o.id for o in reg.organisations} | {r.id for r in reg.recipients}
        if referred_by not in known:
            raise PanelError(
                "referred_by", f"{referred_by!r} is not named in register {register!r}"
            )
    organisation = reg.service(service).organisation
    requested = set(referral) | {c for p in people_in for c in p.details}
    authorize(
        session,
        actor=actor,
        purpose=purpose,
        action=Action.CREATE,
        target=Target(
            register=register,
            record_type=record_type.id,
            owner_organisation=organisation,
            service=service,
            team=service,
        ),
        categories=requested,
    )
    moment = opened_at or utcnow()
    main = people.create_subject(session, register=register, organisation=organisation)
    case = SafetyCase(
        id=uuid.uuid4(),
        register=register,
        organisation=organisation,
        service=service,
        record_type=record_type.id,
        reference=_next_reference(session, service, moment.year),
        subject_id=main.id,
        risk_level=risk_level,
        status="open",
        assigned_user=assigned_user if assigned_user is not None else actor.id,
        team=service,
        referral=people.seal(session, subject_id=main.id, values=dict(referral)),
        referred_by=referred_by,
        opened_at=moment,
        created_by=actor.id,
    )
    session.add(case)
    session.flush()
    # The main subject's own details go on their party row, sealed under the same key.
    first = people_in[0]
    session.add(
        CaseParty(
            case_id=case.id,
            subject_id=main.id,
            role=first.role,
            details=people.seal(session, subject_id=main.id, values=dict(first.details)),
            categories=sorted(first.details),
        )
    )
    _index(session, main.id, first)
    for party in people_in[1:]:
        _add_party(session, case, party, organisation)
    touch(case, moment)
    session.flush()
    return case


def add_party(session: Session, *, actor: Actor, case_id: uuid.UUID, party: PartyIn) -> uuid.UUID:
    """Add a person to a case (e.g. a child named at the panel); returns their subject id."""
    case, _ = load_case(
        session, actor=actor, case_id=case_id, action=Action.UPDATE, categories=party.details
    )
    _check_party(_record_type(case), party, "party")
    _, subject_id = _add_party(session, case, party, case.organisation)
    touch(case)
    session.flush()
    return subject_id


def _record_type(case: SafetyCase) -> RecordType:
    return current_registry().get(case.register).record_type(case.record_type)


@dataclass(frozen=True)
class PartyView:
    subject_id: uuid.UUID
    role: str
    details: dict[str, Any]


@dataclass(frozen=True)
class CaseView:
    id: uuid.UUID
    reference: str
    register: str
    service: str
    record_type: str
    status: str
    risk_level: str | None
    referred_by: str | None
    opened_at: datetime
    last_action_at: datetime | None
    closed_at: datetime | None
    retention_from: datetime | None
    retention_due: datetime | None
    referral: dict[str, Any]
    parties: list[PartyView]
    categories: frozenset[str]


def get_case(session: Session, *, actor: Actor, case_id: uuid.UUID) -> CaseView:
    """The case with its people's details, cut down to what the actor's purpose may see."""
    case, decision = load_case(session, actor=actor, case_id=case_id, action=Action.READ)
    referral = minimise(
        decision, people.unseal(session, subject_id=case.subject_id, blob=case.referral)
    )
    parties = [
        PartyView(
            subject_id=row.subject_id,
            role=row.role,
            details=minimise(
                decision, people.unseal(session, subject_id=row.subject_id, blob=row.details)
            ),
        )
        for row in session.scalars(
            select(CaseParty).where(CaseParty.case_id == case.id).order_by(CaseParty.added_at)
        )
    ]
    return CaseView(
        id=case.id,
        reference=case.reference,
        register=case.register,
        service=case.service,
        record_type=case.record_type,
        status=case.status,
        risk_level=case.risk_level,
        referred_by=case.referred_by,
        opened_at=case.opened_at,
        last_action_at=case.last_action_at,
        closed_at=case.closed_at,
        retention_from=case.retention_from,
        retention_due=case.retention_due,
        referral=referral,
        parties=parties,
        categories=decision.categories,
    )


def close_case(
    session: Session, *, actor: Actor, case_id: uuid.UUID, at: datetime | None = None
) -> SafetyCase:
    """Close the case: a `case_closed` retention rule starts its clock now."""
    case, _ = load_case(session, actor=actor, case_id=case_id, action=Action.UPDATE, categories=())
    if case.status == "closed":
        raise PanelError("status", "the case is already closed")
    moment = at or utcnow()
    case.status = "closed"
    case.closed_at = moment
    touch(case, moment)
    session.flush()
    audit_update(session, actor=actor, case=case, ref="case:closed")
    return case


def case_scope(
    session: Session, *, actor: Actor, register: str, record_type: RecordType, shared: bool = True
) -> Visible:
    """The gate's filter over the cases of one record type the actor may list; `shared`
    lists a partner agency the cases shared with it too (as reading one allows)."""
    return visible(
        session,
        actor=actor,
        purpose=purpose_for(record_type),
        record_type=record_type.id,
        register=register,
        columns=ScopeColumns(
            owner_organisation=SafetyCase.organisation,
            assigned_user=SafetyCase.assigned_user,
            team=SafetyCase.team,
            record_id=SafetyCase.id,
            subject_id=SafetyCase.subject_id,
            shared_with=_shared_with if shared else None,
        ),
        categories=(),
    )


def _shared_with(organisation: str) -> ColumnElement[bool]:
    return SafetyCase.id.in_(
        select(CaseAgency.case_id).where(CaseAgency.organisation == organisation)
    )


def list_cases(
    session: Session,
    *,
    actor: Actor,
    register: str,
    service: str,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[SafetyCase], int]:
    """The cases of one service the actor may see (page and total), newest first."""
    reg = current_registry().get(register)
    record_type = record_type_for(reg, service)
    scope = case_scope(session, actor=actor, register=register, record_type=record_type)
    query = select(SafetyCase).where(
        scope.where, SafetyCase.register == register, SafetyCase.service == service
    )
    if status is not None:
        query = query.where(SafetyCase.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(SafetyCase.opened_at.desc(), SafetyCase.id).limit(limit).offset(offset)
    )
    return list(rows), int(total)


def meetings_of_case(session: Session, case_id: uuid.UUID) -> list[PanelMeeting]:
    return list(
        session.scalars(
            select(PanelMeeting)
            .join(PanelListing, PanelListing.meeting_id == PanelMeeting.id)
            .where(PanelListing.case_id == case_id)
            .order_by(PanelMeeting.held_on)
        )
    )


__all__ = [
    "PARTY_ROLES",
    "CaseView",
    "PartyIn",
    "PartyView",
    "add_party",
    "close_case",
    "get_case",
    "list_cases",
    "note_category",
    "open_case",
    "retention_clock",
    "touch",
]
