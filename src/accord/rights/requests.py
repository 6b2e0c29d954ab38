"""Data subject rights requests: logged from the public form, the API or by staff from a
letter, call or email; their clock's events recorded and checked; the information rights
team's queue. Every read and write passes the gate under the register's `rights-requests`
purpose and the `rights-request` record type."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.access import authorize, load_record
from accord.cases.clock import compute as retention_clock
from accord.cases.inputs import loaded_register, organisation_in
from accord.errors import Conflict, Invalid
from accord.gate import service as gate
from accord.gate.types import Action, Actor, Decision, Target
from accord.people import service as people
from accord.people.errors import SubjectShredded
from accord.referrals.matching import index_values
from accord.register.schema import OrgRole, Register, Trigger
from accord.rights import clock
from accord.rights.clock import Clock, Event, Kind, Nation
from accord.rights.models import RightsRequest, RightsRequestEvent, RightsRequestRight
from accord.rights.schemas import (
    QUEUE_ORDER,
    ClockOut,
    EventIn,
    EventOut,
    PartnerClockOut,
    QueueItem,
    QueueState,
    RequestIn,
    RequestOut,
)

PURPOSE = "rights-requests"
RECORD_TYPE = "rights-request"
TEAM = "information-rights"
IDENTITY_REMINDER_DAYS = 7  # remind the requester when identity has not arrived after this
# Each stored field's category, unless the record type's `fields:` names another.
_CONTACT_CATEGORY = {
    "given_name": "name",
    "family_name": "name",
    "date_of_birth": "date-of-birth",
    "email": "contact-details",
    "phone": "contact-details",
    "address": "contact-details",
    "postcode": "contact-details",
    "organisation": "contact-details",
    "authority": "contact-details",
    "description": "contact-history",
}


def reference(request_id: uuid.UUID) -> str:
    return str(request_id)[:8].upper()


def today() -> date:
    return datetime.now(UTC).date()


def _keeps_requests(register: Register) -> None:
    if not any(rt.id == RECORD_TYPE for rt in register.record_types):
        raise Invalid("register", f"register {register.id!r} keeps no rights requests")


def field_categories(register: Register) -> dict[str, str]:
    """{stored field: category} for this register's rights requests."""
    return _CONTACT_CATEGORY | register.record_type(RECORD_TYPE).fields


def _target(row: RightsRequest) -> Target:
    return Target(
        register=row.register,
        record_type=row.record_type,
        owner_organisation=row.organisation,
        record_id=row.id,
        service=row.service,
        subject_ids=(row.subject_id,),
        assigned_user=row.assigned_user,
        team=row.team,
    )


def _events(session: Session, request_id: uuid.UUID) -> list[RightsRequestEvent]:
    return list(
        session.scalars(
            select(RightsRequestEvent)
            .where(RightsRequestEvent.request_id == request_id)
            .order_by(RightsRequestEvent.position)
        )
    )


def _rights(session: Session, request_id: uuid.UUID) -> list[str]:
    return list(
        session.scalars(
            select(RightsRequestRight.right)
            .where(RightsRequestRight.request_id == request_id)
            .order_by(RightsRequestRight.right)
        )
    )


def clock_of(row: RightsRequest, events: Sequence[RightsRequestEvent]) -> Clock:
    return clock.compute(
        [Event(Kind(e.kind), e.occurred_on, e.reason, e.partner) for e in events],
        nation=Nation(row.nation),
        representative=row.representative_id is not None,
    )


def _partner(register: Register, org_id: str) -> tuple[str, dict[str, str] | None]:
    try:
        org = register.organisation(org_id)
    except KeyError:
        return org_id, None
    dpo = org.dpo.model_dump(exclude_none=True) if org.dpo is not None else None
    return org.name, dpo


def _clock_out(register: Register, found: Clock, on: date) -> ClockOut:
    partners = []
    for p in found.partners:
        name, dpo = _partner(register, p.partner)
        partners.append(
            PartnerClockOut(
                partner=p.partner,
                partner_name=name,
                dpo=dpo,
                forwarded_on=p.forwarded_on,
                due=p.due,
                responded_on=p.responded_on,
                overdue=p.overdue(on),
            )
        )
    return ClockOut(
        nation=found.nation.value,
        received_on=found.received_on,
        started_on=found.started_on,
        waiting_for=list(found.waiting_for),
        paused=found.paused,
        paused_days=found.paused_days,
        extension_notice_deadline=found.extension_notice_deadline,
        extended=found.extended,
        due=found.due,
        overdue=found.overdue(on),
        days_left=found.days_left(on) if found.responded_on is None else None,
        partners=partners,
        steps=found.explain(),
    )


def _unseal(session: Session, subject_id: uuid.UUID, blob: bytes | None) -> dict[str, Any] | None:
    if blob is None:
        return None
    try:
        return people.unseal(session, subject_id=subject_id, blob=blob)
    except SubjectShredded:
        return {"erased": True}


def _visible(
    values: dict[str, Any] | None, decision: Decision, fields: dict[str, str]
) -> dict[str, Any] | None:
    if values is None or values.get("erased"):
        return values
    return {k: v for k, v in values.items() if fields.get(k) in decision.categories}


def _out(session: Session, row: RightsRequest, decision: Decision | None) -> RequestOut:
    register = loaded_register(row.register)
    events = _events(session, row.id)
    found = clock_of(row, events)
    requester = representative = None
    description = None
    notes: dict[uuid.UUID, str] = {}
    if decision is not None:
        fields = field_categories(register)
        history = fields["description"] in decision.categories
        details = _unseal(session, row.subject_id, row.details) or {}
        text = details.pop("description", None)
        if history and isinstance(text, str):
            description = text
        requester = _visible(details, decision, fields)
        if row.representative_id is not None:
            representative = _visible(
                _unseal(session, row.representative_id, row.representative_details),
                decision,
                fields,
            )
        if history:
            for e in events:
                values = _unseal(session, row.subject_id, e.note)
                if values and isinstance(values.get("note"), str):
                    notes[e.id] = values["note"]
    return RequestOut(
        id=row.id,
        reference=reference(row.id),
        register_id=row.register,
        organisation=row.organisation,
        service=row.service,
        channel=row.channel,
        rights=_rights(session, row.id),
        authority=row.authority,
        status=row.status,
        outcome=row.outcome,
        received_on=row.received_on,
        retention_due=row.retention_due,
        clock=_clock_out(register, found, today()),
        events=[
            EventOut(
                id=e.id,
                kind=e.kind,
                on=e.occurred_on,
                recorded_at=e.recorded_at,
                reason=e.reason,
                partner=e.partner,
                note=notes.get(e.id),
            )
            for e in events
        ],
        requester=requester,
        representative=representative,
        description=description,
    )


def _retention(row: RightsRequest) -> None:
    row.retention_from, row.retention_due = retention_clock(
        row.register,
        row.record_type,
        {
            Trigger.CREATED: row.created_at,
            Trigger.LAST_CONTACT: row.updated_at,
            Trigger.REQUEST_CLOSED: row.closed_at,
        },
    )


def log_request(session: Session, *, actor: Actor, data: RequestIn) -> RequestOut:
    """Record a request and its receipt (and identity, when confirmed on arrival)."""
    register = loaded_register(data.register_id)
    _keeps_requests(register)
    organisation = organisation_in(register, data.organisation or actor.organisation)
    if data.service is not None and not any(s.id == data.service for s in register.services):
        raise Invalid("service", f"{data.service!r} is not a service of {register.id!r}")
    details: dict[str, Any] = data.requester.model_dump(mode="json", exclude_none=True)
    if data.description:
        details["description"] = data.description
    agent: dict[str, Any] = (
        data.representative.model_dump(mode="json", exclude_none=True)
        if data.representative is not None
        else {}
    )
    fields = field_categories(register)
    categories = {fields[k] for k in (*details, *agent)}
    target = Target(
        register=register.id,
        record_type=RECORD_TYPE,
        owner_organisation=organisation,
        service=data.service,
    )
    authorize(
        session,
        actor=actor,
        purpose=PURPOSE,
        action=Action.CREATE,
        target=target,
        categories=categories,
    )
    received = data.received_on or today()
    subject = people.create_subject(session, register=register.id, organisation=organisation)
    identity = data.requester.model_dump(exclude_none=True)
    people.index_values(session, subject_id=subject.id, values=index_values(identity))
    row = RightsRequest(
        register=register.id,
        organisation=organisation,
        record_type=RECORD_TYPE,
        service=data.service,
        channel=data.channel,
        nation=data.nation.value,
        subject_id=subject.id,
        details=people.seal(session, subject_id=subject.id, values=details),
        status="open",
        assigned_user=actor.id if actor.kind == "user" else None,
        team=TEAM,
        received_on=received,
        created_at=datetime.now(UTC),
        updated_at=datetime.now(UTC),
    )
    if data.representative is not None:
        acting = people.create_subject(session, register=register.id, organisation=organisation)
        row.representative_id = acting.id
        row.authority = data.representative.authority
        row.representative_details = people.seal(session, subject_id=acting.id, values=agent)
    _retention(row)
    session.add(row)
    session.flush()
    for right in data.rights:
        session.add(RightsRequestRight(request_id=row.id, right=right))
    _add_event(session, row, actor, Kind.RECEIVED, received)
    if data.identity_verified:
        _add_event(session, row, actor, Kind.IDENTITY_VERIFIED, received)
    session.flush()
    return _out(session, row, None)


def _add_event(
    session: Session,
    row: RightsRequest,
    actor: Actor,
    kind: Kind,
    on: date,
    *,
    reason: str | None = None,
    partner: str | None = None,
    note: str | None = None,
) -> RightsRequestEvent:
    position = len(_events(session, row.id))
    event = RightsRequestEvent(
        request_id=row.id,
        position=position,
        kind=kind.value,
        occurred_on=on,
        recorded_at=datetime.now(UTC),
        actor_id=actor.id,
        reason=reason,
        partner=partner,
        note=people.seal(session, subject_id=row.subject_id, values={"note": note})
        if note
        else None,
    )
    session.add(event)
    session.flush()
    return event


def _load(
    session: Session, *, actor: Actor, request_id: uuid.UUID, action: Action
) -> tuple[RightsRequest, Decision]:
    return load_record(
        session,
        RightsRequest,
        request_id,
        what="rights request",
        target=_target,
        actor=actor,
        purpose=PURPOSE,
        action=action,
    )


def get_request(session: Session, *, actor: Actor, request_id: uuid.UUID) -> RequestOut:
    row, decision = _load(session, actor=actor, request_id=request_id, action=Action.READ)
    return _out(session, row, decision)


@dataclass(frozen=True)
class _Check:
    """What an event needs, checked against the request and its clock so far."""

    row: RightsRequest
    register: Register
    current: Clock
    kinds: list[Kind]


def _check(check: _Check, data: EventIn, on: date) -> None:
    row, current, kinds, kind = check.row, check.current, check.kinds, data.kind
    if on < row.received_on:
        raise Invalid("on", f"is before the request arrived ({row.received_on.isoformat()})")
    if kind is Kind.RECEIVED:
        raise Invalid("kind", "the request's receipt is recorded when it is logged")
    reasons = clock.REASONS.get(kind)
    if reasons is not None:
        if data.reason not in reasons:
            raise Invalid("reason", f"give the reason: one of {', '.join(reasons)}")
    elif data.reason is not None:
        raise Invalid("reason", f"a {kind.value} event takes no reason")
    if kind in (Kind.FORWARDED, Kind.PARTNER_RESPONDED):
        if not data.partner:
            raise Invalid("partner", "name the partner organisation")
    elif data.partner is not None:
        raise Invalid("partner", f"a {kind.value} event names no partner")
    if kind is Kind.AUTHORITY_VERIFIED and row.representative_id is None:
        raise Invalid("kind", "the request was made by the person themselves: no authority")
    if kind is Kind.FEE_RECEIVED and Kind.FEE_REQUESTED not in kinds:
        raise Conflict("no fee was asked for", field="kind")
    if kind is Kind.CLARIFICATION_ASKED and current.paused:
        raise Conflict("clarification was already asked for and has not arrived", field="kind")
    if kind is Kind.CLARIFICATION_ANSWERED and not current.paused:
        raise Conflict("no clarification is awaited", field="kind")
    if kind is Kind.EXTENSION_DECIDED:
        if Kind.EXTENSION_DECIDED in kinds:
            raise Conflict("an extension was already decided", field="kind")
        if current.one_month is None:
            raise Conflict(
                "the clock has not started or is paused: decide an extension once it runs",
                field="kind",
            )
        if on > current.one_month:
            raise Invalid(
                "on",
                "an extension must be decided and told within the first month, which ended "
                f"on {current.one_month.isoformat()}",
            )
    if kind is Kind.EXTENSION_NOTIFIED:
        if Kind.EXTENSION_DECIDED not in kinds:
            raise Conflict("no extension was decided", field="kind")
        if Kind.EXTENSION_NOTIFIED in kinds:
            raise Conflict("the requester was already told of the extension", field="kind")
        deadline = current.extension_notice_deadline
        if deadline is not None and on > deadline:
            raise Invalid(
                "on",
                f"the requester had to be told by {deadline.isoformat()}; an extension told "
                "later does not count",
            )
    if kind is Kind.FORWARDED:
        _forwardable(check, data.partner or "")
    if kind is Kind.PARTNER_RESPONDED and not any(
        p.partner == data.partner and p.responded_on is None for p in current.partners
    ):
        raise Conflict(f"the request is not waiting on {data.partner!r}", field="partner")
    if kind is Kind.RESPONDED:
        if Kind.RESPONDED in kinds:
            raise Conflict("a response was already sent", field="kind")
        if Kind.REFUSED not in kinds and current.waiting_for:
            missing = {"identity": "identity", "authority": "authority", "fee": "fee"}
            raise Conflict(
                "no information may be sent before the requester's "
                + " and ".join(missing[w] for w in current.waiting_for)
                + " is confirmed; refuse the request instead if it cannot be",
                field="kind",
            )
        if current.paused:
            raise Conflict("clarification is still awaited", field="kind")
    if kind is Kind.REFUSED and Kind.REFUSED in kinds:
        raise Conflict("the request was already refused", field="kind")
    if kind is Kind.CLOSED and Kind.RESPONDED not in kinds:
        raise Conflict("send the response (or the refusal) before closing", field="kind")


def _forwardable(check: _Check, partner: str) -> None:
    try:
        org = check.register.organisation(partner)
    except KeyError:
        raise Invalid(
            "partner", f"{partner!r} is not an organisation of {check.register.id!r}"
        ) from None
    if org.id == check.row.organisation:
        raise Invalid("partner", "a request is not forwarded to the organisation answering it")
    if org.role not in (OrgRole.JOINT_CONTROLLER, OrgRole.CONTROLLER):
        raise Invalid("partner", f"{org.name} is not a controller of this register's data")
    if org.dpo is None or not (org.dpo.email or org.dpo.address):
        raise Invalid("partner", f"the register names no data protection officer for {org.name}")
    if any(p.partner == partner and p.responded_on is None for p in check.current.partners):
        raise Conflict(
            f"already forwarded to {org.name} and awaiting their answer", field="partner"
        )


def record_event(
    session: Session, *, actor: Actor, request_id: uuid.UUID, data: EventIn
) -> RequestOut:
    """Add a dated event to the request's clock, after checking it fits the ones before."""
    row, decision = _load(session, actor=actor, request_id=request_id, action=Action.UPDATE)
    if row.status == "closed":
        raise Conflict("the request is closed")
    on = data.on or today()
    events = _events(session, row.id)
    check = _Check(
        row=row,
        register=loaded_register(row.register),
        current=clock_of(row, events),
        kinds=[Kind(e.kind) for e in events],
    )
    _check(check, data, on)
    _add_event(
        session, row, actor, data.kind, on, reason=data.reason, partner=data.partner, note=data.note
    )
    row.updated_at = datetime.now(UTC)
    if data.kind is Kind.CLOSED:
        row.status = "closed"
        row.closed_at = datetime.now(UTC)
        row.outcome = "refused" if Kind.REFUSED in check.kinds else "answered"
    _retention(row)
    session.flush()
    return _out(session, row, decision)


def _state(found: Clock) -> QueueState:
    waiting_on_partner = any(p.responded_on is None for p in found.partners)
    if found.responded_on is not None and not waiting_on_partner:
        return "answered"
    if found.waiting_for:
        return "identity" if "identity" in found.waiting_for else "waiting"
    if found.paused:
        return "paused"
    if waiting_on_partner:
        return "partner"
    if found.overdue(today()):
        return "overdue"
    return "due"


def queue(
    session: Session,
    *,
    actor: Actor,
    register: str,
    state: str | None = None,
    reminder_days: int = IDENTITY_REMINDER_DAYS,
) -> list[QueueItem]:
    """Open requests the caller may list, soonest due first: overdue, due, paused for
    clarification, waiting on a partner, identity (or authority, or fee) not yet arrived."""
    reg = loaded_register(register, location="query")
    _keeps_requests(reg)
    scope = gate.visible(
        session,
        actor=actor,
        purpose=PURPOSE,
        record_type=RECORD_TYPE,
        register=register,
        columns=gate.ScopeColumns(
            owner_organisation=RightsRequest.organisation,
            assigned_user=RightsRequest.assigned_user,
            team=RightsRequest.team,
            record_id=RightsRequest.id,
        ),
    )
    rows = session.scalars(
        select(RightsRequest).where(
            RightsRequest.register == register,
            RightsRequest.status == "open",
            scope.where,
        )
    ).all()
    on = today()
    ids = [row.id for row in rows]
    events: dict[uuid.UUID, list[RightsRequestEvent]] = {i: [] for i in ids}
    rights: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
    for chunk in range(0, len(ids), 500):  # one query per 500 requests, not one per request
        part = ids[chunk : chunk + 500]
        for event in session.scalars(
            select(RightsRequestEvent)
            .where(RightsRequestEvent.request_id.in_(part))
            .order_by(RightsRequestEvent.request_id, RightsRequestEvent.position)
        ):
            events[event.request_id].append(event)
        for request_id, right in session.execute(
            select(RightsRequestRight.request_id, RightsRequestRight.right)
            .where(RightsRequestRight.request_id.in_(part))
            .order_by(RightsRequestRight.right)
        ):
            rights[request_id].append(right)
    items = []
    for row in rows:
        found = clock_of(row, events[row.id])
        kind = _state(found)
        if state is not None and kind != state:
            continue
        items.append(
            QueueItem(
                id=row.id,
                reference=reference(row.id),
                register_id=row.register,
                organisation=row.organisation,
                rights=rights[row.id],
                received_on=row.received_on,
                state=kind,
                due=found.due,
                days_left=found.days_left(on),
                waiting_for=list(found.waiting_for),
                partners=[p.partner for p in found.partners if p.responded_on is None],
                reminder="identity" in found.waiting_for
                and (on - row.received_on).days >= reminder_days,
            )
        )
    order = {s: n for n, s in enumerate(QUEUE_ORDER)}
    items.sort(key=lambda i: (order[i.state], i.due or date.max, i.received_on, i.reference))
    return items
