"""Complaints about the service (`complaint`: kept 6 years after the last contact)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.cases import purposes
from accord.cases.access import authorize, load_case, load_record
from accord.cases.clock import compute
from accord.cases.errors import Conflict, InvalidInput
from accord.cases.inputs import index_contact, loaded_register, organisation_in
from accord.cases.models import Complaint
from accord.cases.schemas import ComplaintIn, ComplaintOut, ComplaintUpdateIn, Page
from accord.gate import service as gate
from accord.gate.types import Action, Actor, Decision, Target
from accord.people import service as people
from accord.register.schema import Trigger
from accord.store.base import aware

TEAM = "complaints"  # the team that handles complaints in each organisation
CATEGORIES = {"name", "contact-details", "complaint-details"}
FIELD_CATEGORY = {
    "name": "name",
    "email": "contact-details",
    "phone": "contact-details",
    "details": "complaint-details",
}


def _target(row: Complaint) -> Target:
    return Target(
        register=row.register,
        record_type=row.record_type,
        owner_organisation=row.organisation,
        record_id=row.id,
        subject_ids=(row.subject_id,),
        assigned_user=row.assigned_user,
        team=row.team,
    )


def _out(session: Session, row: Complaint, decision: Decision | None) -> ComplaintOut:
    content = None
    if decision is not None:
        values = people.unseal(session, subject_id=row.subject_id, blob=row.content)
        content = {k: v for k, v in values.items() if FIELD_CATEGORY.get(k) in decision.categories}
    return ComplaintOut(
        id=row.id,
        register_id=row.register,
        organisation=row.organisation,
        case_id=row.case_id,
        channel=row.channel,
        status=row.status,
        outcome=row.outcome,
        received_at=row.received_at,
        last_contact_at=row.last_contact_at,
        closed_at=row.closed_at,
        retention_from=row.retention_from,
        retention_due=row.retention_due,
        content=content,
    )


def _clock(row: Complaint) -> None:
    row.retention_from, row.retention_due = compute(
        row.register,
        row.record_type,
        {
            Trigger.LAST_CONTACT: row.last_contact_at,
            Trigger.CREATED: row.received_at,
            Trigger.CASE_CLOSED: row.closed_at,
        },
    )


def create_complaint(session: Session, *, actor: Actor, data: ComplaintIn) -> ComplaintOut:
    register = loaded_register(data.register_id)
    organisation = organisation_in(register, data.organisation or actor.organisation)
    subject_id = None
    if data.case_id is not None:
        case, _ = load_case(
            session,
            actor=actor,
            case_id=data.case_id,
            purpose=purposes.CASEWORK,
            action=Action.READ,
        )
        subject_id = case.subject_id  # the same person: erasing them erases the complaint
    values = {"name": data.name, "details": data.details}
    values |= {k: v for k, v in (("email", data.email), ("phone", data.phone)) if v}
    target = Target(
        register=register.id, record_type=purposes.COMPLAINT, owner_organisation=organisation
    )
    authorize(
        session,
        actor=actor,
        purpose=purposes.COMPLAINTS,
        action=Action.CREATE,
        target=target,
        categories={FIELD_CATEGORY[k] for k in values},
    )
    if subject_id is None:
        subject_id = people.create_subject(
            session, register=register.id, organisation=organisation
        ).id
        index_contact(session, subject_id, values)
    at = aware(data.received_at) if data.received_at else datetime.now(UTC)
    row = Complaint(
        register=register.id,
        organisation=organisation,
        record_type=purposes.COMPLAINT,
        subject_id=subject_id,
        case_id=data.case_id,
        channel=data.channel,
        status="open",
        content=people.seal(session, subject_id=subject_id, values=values),
        received_at=at,
        last_contact_at=at,
        team=TEAM,
    )
    _clock(row)
    session.add(row)
    session.flush()
    return _out(session, row, None)


def _load(
    session: Session, *, actor: Actor, complaint_id: uuid.UUID, action: Action
) -> tuple[Complaint, Decision]:
    return load_record(
        session,
        Complaint,
        complaint_id,
        what="complaint",
        target=_target,
        actor=actor,
        purpose=purposes.COMPLAINTS,
        action=action,
    )


def get_complaint(session: Session, *, actor: Actor, complaint_id: uuid.UUID) -> ComplaintOut:
    row, decision = _load(session, actor=actor, complaint_id=complaint_id, action=Action.READ)
    return _out(session, row, decision)


def update_complaint(
    session: Session, *, actor: Actor, complaint_id: uuid.UUID, data: ComplaintUpdateIn
) -> ComplaintOut:
    """A contact or response moves the 6-year clock; closing needs an outcome."""
    row, decision = _load(session, actor=actor, complaint_id=complaint_id, action=Action.UPDATE)
    if row.status == "closed":
        raise Conflict("the complaint is closed")
    at = aware(data.at) if data.at else datetime.now(UTC)
    if at < row.received_at:
        raise InvalidInput("at", "is before the complaint was received")
    if data.kind == "closure":
        if data.outcome is None:
            raise InvalidInput("outcome", "give the outcome when closing a complaint")
        row.status = "closed"
        row.outcome = data.outcome
        row.closed_at = at
    elif data.kind == "response":
        row.status = "responded"
    if at > row.last_contact_at:
        row.last_contact_at = at
    _clock(row)
    session.flush()
    return _out(session, row, decision)


def list_complaints(
    session: Session,
    *,
    actor: Actor,
    register: str,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[ComplaintOut]:
    loaded_register(register, location="query")
    scope = gate.visible(
        session,
        actor=actor,
        purpose=purposes.COMPLAINTS,
        record_type=purposes.COMPLAINT,
        register=register,
        columns=gate.ScopeColumns(
            owner_organisation=Complaint.organisation,
            assigned_user=Complaint.assigned_user,
            team=Complaint.team,
            record_id=Complaint.id,
            subject_id=Complaint.subject_id,
        ),
    )
    query = select(Complaint).where(Complaint.register == register, scope.where)
    if status:
        query = query.where(Complaint.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Complaint.received_at.desc(), Complaint.id).limit(limit).offset(offset)
    )
    return Page(
        items=[_out(session, r, None) for r in rows], total=total, limit=limit, offset=offset
    )
