"""Enquiries by phone, email, live chat and web form: each channel is its own record type
(`phone-enquiry`, `email-enquiry`, `live-chat`, `web-enquiry`) with its own retention rule."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from accord.cases import purposes
from accord.cases.access import authorize, load_record
from accord.cases.clock import compute
from accord.cases.errors import Conflict, InvalidInput
from accord.cases.inputs import index_contact, loaded_register, organisation_in
from accord.cases.schemas import Page
from accord.consent import ledger
from accord.enquiries.models import Enquiry
from accord.enquiries.schemas import EnquiryIn, EnquiryOut
from accord.gate import service as gate
from accord.gate.types import AccessDenied, Action, Actor, Decision, Target
from accord.people import service as people
from accord.register.load import digest
from accord.register.schema import Trigger

UPDATES = "updates"  # the consent purpose for further updates
_LEDGER_CHANNEL = {"phone": "phone", "email": "email", "live-chat": "live-chat", "web": "web-form"}


def _field_categories(record_type: str) -> dict[str, str]:
    message = "chat-transcript" if record_type == "live-chat" else "enquiry-details"
    return {
        "name": "name",
        "email": "contact-details",
        "phone": "contact-details",
        "message": message,
    }


def _target(row: Enquiry) -> Target:
    return Target(
        register=row.register,
        record_type=row.record_type,
        owner_organisation=row.organisation,
        record_id=row.id,
        subject_ids=(row.subject_id,),
        assigned_user=row.assigned_user,
        team=row.team,
    )


def _out(session: Session, row: Enquiry, decision: Decision | None) -> EnquiryOut:
    content = None
    if decision is not None:
        fields = _field_categories(row.record_type)
        values = people.unseal(session, subject_id=row.subject_id, blob=row.content)
        content = {k: v for k, v in values.items() if fields.get(k) in decision.categories}
    return EnquiryOut(
        id=row.id,
        register_id=row.register,
        organisation=row.organisation,
        record_type=row.record_type,
        channel=row.channel,
        status=row.status,
        wants_updates=row.wants_updates,
        received_at=row.received_at,
        retention_due=row.retention_due,
        content=content,
    )


def _clock(row: Enquiry) -> None:
    row.retention_from, row.retention_due = compute(
        row.register,
        row.record_type,
        {
            Trigger.CREATED: row.received_at,
            Trigger.LAST_CONTACT: row.last_contact_at,
            Trigger.REQUEST_CLOSED: row.closed_at,
        },
    )


def record_enquiry(session: Session, *, actor: Actor, data: EnquiryIn) -> EnquiryOut:
    register = loaded_register(data.register_id)
    record_type = purposes.ENQUIRY_TYPES[data.channel]
    if not any(rt.id == record_type for rt in register.record_types):
        raise InvalidInput("channel", f"register {register.id!r} keeps no {record_type!r} records")
    organisation = organisation_in(register, data.organisation or actor.organisation)
    values: dict[str, str] = {"name": data.name, "message": data.message}
    if data.email:
        values["email"] = str(data.email)
    if data.phone:
        values["phone"] = data.phone
    fields = _field_categories(record_type)
    target = Target(register=register.id, record_type=record_type, owner_organisation=organisation)
    authorize(
        session,
        actor=actor,
        purpose=purposes.ENQUIRIES,
        action=Action.CREATE,
        target=target,
        categories={fields[k] for k in values},
    )
    subject = people.create_subject(session, register=register.id, organisation=organisation)
    index_contact(session, subject.id, values)
    at = data.received_at or datetime.now(UTC)
    row = Enquiry(
        register=register.id,
        organisation=organisation,
        record_type=record_type,
        channel=data.channel,
        subject_id=subject.id,
        status="open",
        wants_updates=data.wants_updates,
        content=people.seal(session, subject_id=subject.id, values=values),
        assigned_user=actor.id if actor.kind == "user" else None,
        team=purposes.INTAKE_TEAM,
        received_at=at,
        last_contact_at=at,
    )
    _clock(row)
    session.add(row)
    session.flush()
    if data.wants_updates and any(p.id == UPDATES and p.consent for p in register.purposes):
        ledger.record_consent(
            session,
            actor=actor,
            subject_id=subject.id,
            register=register.id,
            controller=organisation,
            purpose=UPDATES,
            state=ledger.ConsentState.GIVEN,
            channel=_LEDGER_CHANNEL[data.channel],
            notice_digest=digest(register),
            recorded_at=at,
        )
    return _out(session, row, None)


def _load(
    session: Session, *, actor: Actor, enquiry_id: uuid.UUID, action: Action
) -> tuple[Enquiry, Decision]:
    return load_record(
        session,
        Enquiry,
        enquiry_id,
        what="enquiry",
        target=_target,
        actor=actor,
        purpose=purposes.ENQUIRIES,
        action=action,
    )


def get_enquiry(session: Session, *, actor: Actor, enquiry_id: uuid.UUID) -> EnquiryOut:
    row, decision = _load(session, actor=actor, enquiry_id=enquiry_id, action=Action.READ)
    return _out(session, row, decision)


def close_enquiry(session: Session, *, actor: Actor, enquiry_id: uuid.UUID) -> EnquiryOut:
    row, decision = _load(session, actor=actor, enquiry_id=enquiry_id, action=Action.UPDATE)
    if row.status == "closed":
        raise Conflict("the enquiry is already closed")
    row.status = "closed"
    row.closed_at = datetime.now(UTC)
    _clock(row)
    session.flush()
    return _out(session, row, decision)


def list_enquiries(
    session: Session,
    *,
    actor: Actor,
    register: str,
    channel: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[EnquiryOut]:
    """Enquiries of every channel the caller may list, newest first, with the total."""
    reg = loaded_register(register, location="query")
    types = [purposes.ENQUIRY_TYPES[channel]] if channel else list(purposes.ENQUIRY_TYPES.values())
    clauses = []
    denial: AccessDenied | None = None
    for record_type in types:
        if not any(rt.id == record_type for rt in reg.record_types):
            continue
        try:
            scope = gate.visible(
                session,
                actor=actor,
                purpose=purposes.ENQUIRIES,
                record_type=record_type,
                register=register,
                columns=gate.ScopeColumns(
                    owner_organisation=Enquiry.organisation,
                    assigned_user=Enquiry.assigned_user,
                    team=Enquiry.team,
                    record_id=Enquiry.id,
                    subject_id=Enquiry.subject_id,
                ),
            )
        except AccessDenied as exc:
            denial = denial or exc
            continue
        clauses.append((Enquiry.record_type == record_type) & scope.where)
    if not clauses:
        if denial is not None:
            raise denial
        return Page(items=[], total=0, limit=limit, offset=offset)

    query = select(Enquiry).where(Enquiry.register == register, or_(*clauses))
    if status:
        query = query.where(Enquiry.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Enquiry.received_at.desc(), Enquiry.id).limit(limit).offset(offset)
    )
    return Page(
        items=[_out(session, r, None) for r in rows], total=total, limit=limit, offset=offset
    )
