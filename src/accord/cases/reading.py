"""Reading cases: one case (minimised), caseload lists with filters, and the timeline."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from accord.cases import purposes, references
from accord.cases.access import load_case, shares_of
from accord.cases.inputs import loaded_register, one_of
from accord.cases.models import Case, CaseEvent, CaseShare
from accord.cases.schemas import CaseOut, CaseSummary, Page, TimelineEntry
from accord.errors import Invalid
from accord.gate import service as gate
from accord.gate.types import AccessDenied, Action, Actor, Decision
from accord.paging import MAX_LIMIT
from accord.people import service as people
from accord.register.registry import current_registry

CASE_TYPES = (purposes.REFERRAL, purposes.CASE, purposes.RJ_CASE)


def summary(case: Case) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        reference=case.reference,
        register_id=case.register,
        organisation=case.organisation,
        service=case.service,
        proposed_service=case.proposed_service,
        record_type=case.record_type,
        status=case.status,
        source=case.source,
        crime_type=case.crime_type,
        age=case.age,
        vulnerable=case.vulnerable,
        received_at=case.received_at,
        last_contact_at=case.last_contact_at,
        retention_due=case.retention_due,
    )


def person_fields(session: Session, case: Case, decision: Decision) -> dict[str, Any]:
    """The sealed identity fields whose category the decision allows; equality data never."""
    values = people.unseal(session, subject_id=case.subject_id, blob=case.identity)
    register = current_registry().get(case.register)
    categories = purposes.field_categories(register, case.record_type)
    return {
        field: value
        for field, value in values.items()
        if field in purposes.IDENTITY_FIELDS and categories.get(field) in decision.categories
    }


def get_case(session: Session, *, actor: Actor, case_id: uuid.UUID) -> CaseOut:
    case, decision = load_case(
        session, actor=actor, case_id=case_id, purpose=purposes.CASEWORK, action=Action.READ
    )
    return case_out(session, case, decision)


def case_out(session: Session, case: Case, decision: Decision) -> CaseOut:
    base = summary(case).model_dump()
    return CaseOut(
        **base,
        subject_id=case.subject_id,
        person_role=case.person_role,
        shared_with=sorted(shares_of(session, case.id)),
        assigned_user=case.assigned_user,
        team=case.team,
        domestic_abuse=case.domestic_abuse,
        requested_service=case.requested_service,
        proposed_rule=case.proposed_rule,
        routing_confirmed_at=case.routing_confirmed_at,
        not_taken_up_at=case.not_taken_up_at,
        closed_at=case.closed_at,
        closure_reason=case.closure_reason,
        retention_from=case.retention_from,
        consent_captured_by=case.consent_captured_by,
        consent_captured_at=case.consent_captured_at,
        consent_channel=case.consent_channel,
        person=person_fields(session, case, decision),
        categories=sorted(decision.categories),
    )


def scope_columns() -> gate.ScopeColumns:
    return gate.ScopeColumns(
        owner_organisation=Case.organisation,
        assigned_user=Case.assigned_user,
        team=Case.team,
        record_id=Case.id,
        shared_with=lambda org: Case.id.in_(
            select(CaseShare.case_id).where(CaseShare.organisation == org)
        ),
        subject_id=Case.subject_id,
    )


def list_cases(
    session: Session,
    *,
    actor: Actor,
    register: str | None = None,
    status: str | None = None,
    service: str | None = None,
    received_from: datetime | None = None,
    received_to: datetime | None = None,
    reference: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[CaseSummary]:
    """A page of the caller's caseload, newest first, with the total matching the filters.

    Each record type (referral, case, rj-case) of each register is scoped by the gate; the
    types the caller may not list are left out, and if it may list none the refusal stands.
    """
    registry = current_registry()
    register_ids = (
        [register] if register else [r.id for r in registry.registers_of(actor.organisation)]
    )
    registers = [loaded_register(r, location="query") for r in register_ids]
    one_of("service", service, (s.id for reg in registers for s in reg.services))
    clauses: list[ColumnElement[bool]] = []
    denial: AccessDenied | None = None
    for reg in registers:
        register_id = reg.id
        for record_type in CASE_TYPES:
            if not any(rt.id == record_type for rt in reg.record_types):
                continue
            try:
                scope = gate.visible(
                    session,
                    actor=actor,
                    purpose=purposes.CASEWORK,
                    record_type=record_type,
                    register=register_id,
                    columns=scope_columns(),
                )
            except AccessDenied as exc:
                denial = denial or exc
                continue
            clauses.append(
                and_(Case.register == register_id, Case.record_type == record_type, scope.where)
            )
    if not clauses:
        if denial is not None:
            raise denial
        return Page(items=[], total=0, limit=limit, offset=offset)
    query = select(Case).where(or_(*clauses))
    if status:
        query = query.where(Case.status == status)
    if service:
        query = query.where(
            or_(
                Case.service == service,
                and_(Case.service.is_(None), Case.proposed_service == service),
            )
        )
    if received_from:
        query = query.where(Case.received_at >= received_from)
    if received_to:
        query = query.where(Case.received_at < received_to)
    if reference:
        normal = references.normalise(reference)
        if normal is None:
            raise Invalid("reference", "a case reference like LVWS-2026-000123", location="query")
        query = query.where(Case.reference == normal)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Case.received_at.desc(), Case.id).limit(min(limit, MAX_LIMIT)).offset(offset)
    )
    return Page(items=[summary(c) for c in rows], total=total, limit=limit, offset=offset)


def timeline(session: Session, *, actor: Actor, case_id: uuid.UUID) -> list[TimelineEntry]:
    """Everything recorded on the case in the order it happened; details minimised."""
    case, decision = load_case(
        session, actor=actor, case_id=case_id, purpose=purposes.CASEWORK, action=Action.READ
    )
    events = session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.occurred_at, CaseEvent.position)
    )
    entries = []
    for event in events:
        details = None
        if event.detail is not None and (
            event.category is None or event.category in decision.categories
        ):
            details = people.unseal(session, subject_id=case.subject_id, blob=event.detail)
        entries.append(
            TimelineEntry(
                id=event.id,
                kind=event.kind,
                occurred_at=event.occurred_at,
                recorded_at=event.recorded_at,
                organisation=event.organisation,
                actor_id=event.actor_id,
                outcome=event.outcome,
                channel=event.channel,
                service=event.service,
                details=details,
            )
        )
    return entries
