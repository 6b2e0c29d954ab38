"""Sharing without consent where there is a risk of harm: request, approve or refuse, release.

A request records the risk (description and level), the recipient, the exact categories to
disclose and a necessity and proportionality note. It is not a disclosure: nothing leaves
until a different user holding the approve permission approves it, and then only the approved
categories are released (and logged), once. The free text is sealed under the subject's data
key, and every read of a request passes the gate on the record it concerns.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accord.disclosures.models import DisclosureRequest
from accord.disclosures.records import record_target
from accord.disclosures.service import (
    DisclosureBasis,
    DisclosureError,
    LoggedDisclosure,
    check_fields,
    check_recipient,
    log_disclosure,
)
from accord.errors import Conflict, NotFound
from accord.gate.acts import record_event, require
from accord.gate.catalogue import Permission
from accord.gate.minimise import minimise
from accord.gate.policy import organisation_access
from accord.gate.service import authorize
from accord.gate.types import AccessDenied, Action, Actor, ReasonCode, Target
from accord.people import service as people
from accord.register.registry import current_registry
from accord.register.schema import SharingKind
from accord.store.base import utcnow
from accord.store.views import view_of

MIN_REASON_CHARS = 20  # a reason a reviewer can weigh, not "risk" or "n/a"


class RiskLevel(StrEnum):
    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"


class RequestState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    RELEASED = "released"  # approved and disclosed: never released again


class DisclosureNotApproved(DisclosureError):  # noqa: N818 (reads as the refusal)
    """Raised when a pending or refused request is released: it is not a disclosure."""


class AlreadyReleased(Conflict):
    """Raised when a request that was already released is released again (a conflict, not
    bad input: the disclosure happened once and is logged once)."""

    def __init__(self) -> None:
        super().__init__(
            "the request was already released; an approved request is disclosed once",
            field="request_id",
        )


@dataclass(frozen=True)
class RequestView:
    id: uuid.UUID
    subject_id: uuid.UUID
    register: str
    from_organisation: str
    recipient: str
    purpose: str
    fields: tuple[str, ...]
    risk_level: RiskLevel
    state: RequestState
    requested_by: uuid.UUID | None
    requested_at: datetime
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    risk: str | None = None  # unsealed only for someone allowed to decide or who asked
    necessity: str | None = None

    @classmethod
    def of(cls, row: DisclosureRequest, reasons: Mapping[str, Any] | None = None) -> RequestView:
        return view_of(
            cls,
            row,
            fields=tuple(row.fields),
            risk_level=RiskLevel(row.risk_level),
            state=RequestState(row.state),
            risk=str(reasons["risk"]) if reasons else None,
            necessity=str(reasons["necessity"]) if reasons else None,
        )


@dataclass(frozen=True)
class Release:
    """What may be sent: only the approved categories, and the log entry that records it."""

    disclosure: LoggedDisclosure
    values: dict[str, Any]


def _risk_purpose(register_id: str, recipient: str, record_type: str) -> str:
    """The purpose of the register's risk-of-harm sharing rule naming this recipient, among
    the purposes the record is held for."""
    register = current_registry().get(register_id)
    check_recipient(register, recipient)
    rules = [r for r in register.sharing if r.kind is SharingKind.DISCLOSURE_RISK_OF_HARM]
    if not rules:
        raise DisclosureError(
            "register",
            f"{register_id!r} has no risk-of-harm sharing rule, so nothing may be "
            "disclosed without consent",
        )
    try:
        held_for = set(register.record_type(record_type).purposes)
    except KeyError:
        raise DisclosureError(
            "target", f"{record_type!r} is not a record type of the register"
        ) from None
    for rule in rules:
        if recipient in rule.recipients:
            for purpose in rule.purposes or ["risk-of-harm-disclosure"]:
                if purpose in held_for:
                    return purpose
    raise DisclosureError(
        "recipient",
        f"{recipient!r} may not receive {record_type!r} data under a risk-of-harm "
        f"sharing rule of register {register_id!r}",
    )


def _check_recipient_categories(register_id: str, recipient: str, fields: Iterable[str]) -> None:
    """A recipient the register limits to some categories never receives others."""
    register = current_registry().get(register_id)
    for entry in register.recipients:
        if entry.id == recipient and entry.categories:
            extra = sorted(set(fields) - set(entry.categories))
            if extra:
                raise DisclosureError(
                    "fields", f"{recipient!r} may not receive " + ", ".join(extra)
                )


def _reason(text: str, field: str) -> str:
    cleaned = " ".join(text.split())
    if len(cleaned) < MIN_REASON_CHARS:
        raise DisclosureError(
            f"{field}", f"give at least {MIN_REASON_CHARS} characters a reviewer can weigh"
        )
    return cleaned


def _target_of(session: Session, row: DisclosureRequest) -> Target:
    """The gate's view of the record the request concerns: the record's own target (owner,
    assignment, team, shares) when it is found, else what the request stored."""
    found = record_target(session, record_id=row.record_id)
    if found is not None and row.subject_id in found.subject_ids:
        return found
    return Target(
        register=row.register,
        record_type=row.record_type,
        owner_organisation=row.from_organisation,
        record_id=row.record_id,
        subject_ids=(row.subject_id,),
    )


def _same_record(row: DisclosureRequest, target: Target) -> None:
    if (target.register, target.record_type, target.record_id) != (
        row.register,
        row.record_type,
        row.record_id,
    ) or row.subject_id not in target.subject_ids:
        raise DisclosureError("target", "this is not the record the request was approved for")


def request_disclosure(
    session: Session,
    *,
    actor: Actor,
    target: Target,
    subject_id: uuid.UUID,
    recipient: str,
    fields: Iterable[str],
    risk: str,
    risk_level: RiskLevel | str,
    necessity: str,
) -> RequestView:
    """Record a pending request to disclose `fields` of a record without consent.

    `target` is the record the data comes from (the gate checks the requester may disclose
    from it). Nothing is released until someone else approves.
    """
    if subject_id not in target.subject_ids:
        raise DisclosureError("subject_id", "the subject is not one of the record's subjects")
    if target.record_id is None:
        raise DisclosureError("target", "name the record the disclosure is made from")
    purpose = _risk_purpose(target.register, recipient, target.record_type)
    released = check_fields(current_registry().get(target.register), fields)
    _check_recipient_categories(target.register, recipient, released)
    try:
        level = RiskLevel(risk_level)
    except ValueError:
        raise DisclosureError(
            "risk_level", f"{risk_level!r} is not one of " + ", ".join(r.value for r in RiskLevel)
        ) from None
    reasons = {"risk": _reason(risk, "risk"), "necessity": _reason(necessity, "necessity")}
    authorize(
        session,
        actor=actor,
        purpose=purpose,
        action=Action.DISCLOSE,
        target=target,
        categories=released,
        permission=Permission.DISCLOSURE_REQUEST_CREATE.value,
    )
    row = DisclosureRequest(
        subject_id=subject_id,
        register=target.register,
        from_organisation=target.owner_organisation,
        recipient=recipient,
        purpose=purpose,
        record_type=target.record_type,
        record_id=target.record_id,
        fields=list(released),
        risk_level=level.value,
        sealed_reasons=people.seal(session, subject_id=subject_id, values=reasons),
        state=RequestState.PENDING.value,
        requested_by=actor.id,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="create",
        purpose=purpose,
        register=target.register,
        record_type="disclosure-request",
        subject_ids=(subject_id,),
        record_ids=(row.id, target.record_id),
        categories=released,
        ref=f"disclosure-request:pending:{level.value}",
    )
    return RequestView.of(row, reasons)


def _load(session: Session, request_id: uuid.UUID) -> DisclosureRequest:
    row = session.get(DisclosureRequest, request_id)
    if row is None:
        raise NotFound("request", f"No disclosure request {request_id}.")
    return row


def decide(
    session: Session,
    *,
    actor: Actor,
    request_id: uuid.UUID,
    approve: bool,
    target: Target | None = None,
) -> RequestView:
    """Approve or refuse a pending request; the approver must be a different named person
    holding the approve permission (checked by the gate, on top of the record's own)."""
    row = _load(session, request_id)
    require(
        actor,
        Permission.DISCLOSURE_REQUEST_APPROVE,
        session=session,
        purpose=row.purpose,
        register=row.register,
        record_type="disclosure-request",
        subject_ids=(row.subject_id,),
    )
    if row.state != RequestState.PENDING.value:
        raise DisclosureError("request_id", f"this request was already {row.state}")
    if actor.kind != "user" or actor.id is None:
        raise DisclosureError("approver", "a named person must decide, not a token or a job")
    if actor.id == row.requested_by:
        raise DisclosureError("approver", "you cannot approve or refuse your own request")
    if target is not None:
        _same_record(row, target)
    authorize(
        session,
        actor=actor,
        purpose=row.purpose,
        action=Action.DISCLOSE,
        target=target or _target_of(session, row),
        categories=row.fields,
        permission=Permission.DISCLOSURE_REQUEST_APPROVE.value,
    )
    state = RequestState.APPROVED if approve else RequestState.REFUSED
    row.state = state.value
    row.decided_by = actor.id
    row.decided_at = utcnow()
    session.flush()
    record_event(
        session,
        actor=actor,
        action="update",
        purpose=row.purpose,
        register=row.register,
        record_type="disclosure-request",
        subject_ids=(row.subject_id,),
        record_ids=(row.id,),
        categories=row.fields,
        ref=f"disclosure-request:{state.value}",
    )
    return RequestView.of(row)


def release(
    session: Session,
    *,
    actor: Actor,
    request_id: uuid.UUID,
    target: Target,
    values: Mapping[str, Any],
    method: str | None = None,
) -> Release:
    """Release an approved request, once: log it and return only the approved categories'
    values.

    `values` is what the caller read from the record; the gate decides again for this actor,
    and everything outside the approved categories is dropped. An approved category with no
    value is an error (the recipient was told to expect it). A second release, also one racing
    this one, raises AlreadyReleased and logs nothing.
    """
    row = _load(session, request_id)
    if row.state == RequestState.RELEASED.value:
        raise AlreadyReleased()
    if row.state != RequestState.APPROVED.value:
        raise DisclosureNotApproved(
            "request_id", f"the request is {row.state}; only an approved request is disclosed"
        )
    _same_record(row, target)
    missing = [f for f in row.fields if f not in values]
    if missing:
        raise DisclosureError(
            "values", "the record holds no value for approved field(s) " + ", ".join(missing)
        )
    decision = authorize(
        session,
        actor=actor,
        purpose=row.purpose,
        action=Action.DISCLOSE,
        target=target,
        categories=row.fields,
        permission=_unless_raised_by(actor, row),
    )
    _mark_released(session, row)
    approved = {f: values[f] for f in row.fields}
    released = minimise(decision, approved)
    entry = log_disclosure(
        session,
        actor=actor,
        subject_id=row.subject_id,
        register=row.register,
        recipient=row.recipient,
        fields=list(released),
        with_consent=False,
        basis=DisclosureBasis.RISK_OF_HARM,
        purpose=row.purpose,
        from_organisation=row.from_organisation,
        record_type=row.record_type,
        record_id=row.record_id,
        approved_by=row.decided_by,
        request_id=row.id,
        requested_by=row.requested_by,
        method=method,
    )
    return Release(disclosure=entry, values=released)


def _mark_released(session: Session, row: DisclosureRequest) -> None:
    """Move approved -> released in one conditional update: of two releases racing, the
    second finds no approved row (it waits on the first's row lock) and is refused."""
    moved = session.execute(
        update(DisclosureRequest)
        .where(
            DisclosureRequest.id == row.id,
            DisclosureRequest.state == RequestState.APPROVED.value,
        )
        .values(state=RequestState.RELEASED.value)
        .returning(DisclosureRequest.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if moved is None:
        raise AlreadyReleased()
    session.refresh(row)


def _authorize_read(session: Session, actor: Actor, row: DisclosureRequest) -> None:
    """A request is read through the gate on the record it concerns (its owner, subject,
    caseload and shares), by the person who raised it or someone who may decide it."""
    authorize(
        session,
        actor=actor,
        purpose=row.purpose,
        action=Action.READ,
        target=_target_of(session, row),
        categories=row.fields,
        permission=_unless_raised_by(actor, row),
    )


def _unless_raised_by(actor: Actor, row: DisclosureRequest) -> str | None:
    """The further permission someone other than the requester needs to read or release a
    request: the approver's."""
    if actor.id is not None and actor.id == row.requested_by:
        return None
    return Permission.DISCLOSURE_REQUEST_APPROVE.value


def get_request(session: Session, *, actor: Actor, request_id: uuid.UUID) -> RequestView:
    """A request with its sealed reasons, for the person who raised it or can decide it.
    Another organisation's request is reported as missing (NotFound)."""
    row = _load(session, request_id)
    try:
        _authorize_read(session, actor, row)
    except AccessDenied as exc:
        if exc.decision.reason is ReasonCode.NOT_SHARED_WITH_ORGANISATION:
            raise NotFound("request", f"No disclosure request {request_id}.") from None
        raise
    reasons = people.unseal(session, subject_id=row.subject_id, blob=row.sealed_reasons)
    return RequestView.of(row, reasons)


def pending_requests(
    session: Session, *, actor: Actor, register: str | None = None
) -> list[RequestView]:
    """Requests awaiting a decision that this actor may decide (without their sealed
    reasons), oldest first; each one shown passes the gate and is audited."""
    require(actor, Permission.DISCLOSURE_REQUEST_APPROVE, session=session, register=register or "")
    query = select(DisclosureRequest).where(DisclosureRequest.state == RequestState.PENDING.value)
    if register is not None:
        query = query.where(DisclosureRequest.register == register)
    shown = []
    for row in session.scalars(query.order_by(DisclosureRequest.requested_at)).all():
        if not _reachable(actor, row):
            continue  # another organisation's: not asked for, so not audited as refused
        try:
            _authorize_read(session, actor, row)
        except AccessDenied:
            continue  # audited as refused (outside the caseload, the subject restricted...)
        shown.append(RequestView.of(row))
    return shown


def _reachable(actor: Actor, row: DisclosureRequest) -> bool:
    """Whether the actor's organisation may see the owner's records at all (the owner itself,
    a joint controller, a record shared with it); the gate decides the rest per request."""
    if actor.kind == "system" or actor.organisation == row.from_organisation:
        return True
    try:
        register = current_registry().get(row.register)
    except KeyError:
        return False
    owner = Target(row.register, row.record_type, owner_organisation=row.from_organisation)
    return organisation_access(register, actor.organisation, owner) == "full"
