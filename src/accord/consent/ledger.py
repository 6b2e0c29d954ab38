"""Record consent events and derive the current state from them.

The ledger is append-only: `record_consent` adds an event, nothing edits one. The state of a
subject's consent for a purpose (and controller) is the latest event; an event whose expiry
has passed leaves no consent at all (`None`), as if it had never been given.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, NoReturn

from sqlalchemy import Row, event, select
from sqlalchemy.orm import Session, object_session

from accord.consent.models import ConsentEvent
from accord.errors import Invalid
from accord.gate import facts
from accord.gate.acts import record_event, require
from accord.gate.catalogue import Permission
from accord.gate.policy import holds, organisation_access
from accord.gate.types import AccessDenied, Actor, Decision, ReasonCode, Target
from accord.people.errors import SubjectNotFound
from accord.people.models import Subject
from accord.register.registry import current_registry
from accord.register.schema import Purpose, Register
from accord.store.base import aware, utcnow
from accord.store.views import view_of

RECORD_TYPE = "consent"  # how consent events are named in the audit trail


class ConsentState(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class Channel(StrEnum):
    """How the statement reached us (the notice promises several ways to give or withdraw)."""

    PHONE = "phone"
    WEB_FORM = "web-form"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in-person"
    LIVE_CHAT = "live-chat"
    POLICE_REFERRAL = "police-referral"  # a police officer recorded it at referral
    UNSUBSCRIBE_LINK = "unsubscribe-link"


class ConsentError(Invalid):
    """A consent statement that cannot be recorded: names the field and why."""


class LedgerIsAppendOnly(RuntimeError):  # noqa: N818 (reads as the rule that was broken)
    """Raised when code tries to edit or delete a consent event through the ORM."""


@dataclass(frozen=True)
class ConsentRecord:
    """A consent event as callers see it."""

    id: uuid.UUID
    subject_id: uuid.UUID
    register: str
    controller: str
    purpose: str
    state: ConsentState
    channel: str
    notice_digest: str
    captured_by: uuid.UUID | None
    captured_by_kind: str
    recorded_at: datetime
    expires_at: datetime | None

    @classmethod
    def of(cls, row: ConsentEvent) -> ConsentRecord:
        return view_of(cls, row, state=ConsentState(row.state))


def consent_purpose(register: Register, purpose_id: str) -> Purpose:
    """The register's purpose, refusing one that does not rest on consent."""
    try:
        purpose = register.purpose(purpose_id)
    except KeyError:
        raise ConsentError(
            "purpose", f"register {register.id!r} has no purpose {purpose_id!r}"
        ) from None
    if purpose.consent is None:
        raise ConsentError(
            "purpose",
            f"{purpose_id!r} in register {register.id!r} does not rest on consent "
            "(it names no consent terms), so there is no consent to record",
        )
    return purpose


def record_consent(
    session: Session,
    *,
    actor: Actor,
    subject_id: uuid.UUID,
    register: str,
    controller: str,
    purpose: str,
    state: ConsentState | str,
    channel: Channel | str,
    notice_digest: str,
    expires_at: datetime | None = None,
    recorded_at: datetime | None = None,
) -> ConsentRecord:
    """Append one consent event after checking it against the register.

    A person or token records it only with `consent:record:create` from a role of the
    person's register that works for the purpose, for a person their organisation works
    with (owner, shared with it, joint controller), made to a controller that works with
    them too; anyone else is refused (audited) as if there were no such person.
    This only records the statement; `accord.consent.withdrawal.withdraw` also applies the
    register's effect of a withdrawal (delete, exclude, opt-out list).
    """
    require(
        actor,
        Permission.CONSENT_RECORD_CREATE,
        session=session,
        purpose=purpose,
        register=register,
        record_type=RECORD_TYPE,
        subject_ids=(subject_id,),
    )
    reg = current_registry().get(register)
    consent_purpose(reg, purpose)
    _require_role_for_purpose(session, actor, reg, purpose, subject_id)
    try:
        org = reg.organisation(controller)
    except KeyError:
        raise ConsentError(
            "controller", f"register {register!r} has no organisation {controller!r}"
        ) from None
    if org.role.value not in ("controller", "joint_controller"):
        raise ConsentError("controller", f"{controller!r} is a {org.role.value}, not a controller")
    try:
        state = ConsentState(state)
    except ValueError:
        raise ConsentError("state", f"{state!r} is not one of given, refused, withdrawn") from None
    channel = str(channel).strip()
    if channel not in {c.value for c in Channel}:
        raise ConsentError(
            "channel", f"{channel!r} is not one of " + ", ".join(c.value for c in Channel)
        )
    if not notice_digest or len(notice_digest) > 64:
        raise ConsentError("notice_digest", "the digest of the notice shown is required")
    subject = session.execute(
        select(Subject.register, Subject.organisation).where(Subject.id == subject_id)
    ).first()
    if subject is None or subject.register != register:
        raise SubjectNotFound(subject_id)
    if actor.kind != "system":
        # People and tokens record statements only for someone their organisation works
        # with, made to an organisation that works with them too; jobs act for controllers.
        targets = subject_targets(session, reg, subject_id, subject.organisation)
        if not reaches(reg, actor.organisation, targets):
            _refuse_unshared(session, actor, register, purpose, subject_id)
        if not reaches(reg, controller, targets):
            raise ConsentError(
                "controller",
                f"{controller!r} does not hold this person's records and they "
                "were not shared with it, so no statement can be made to it here",
            )
    moment = aware(recorded_at) if recorded_at else utcnow()
    if expires_at is not None:
        expires_at = aware(expires_at)
        if state is not ConsentState.GIVEN:
            raise ConsentError("expires_at", "only a consent that is given can expire")
        if expires_at <= moment:
            raise ConsentError("expires_at", "the expiry must be after the moment it is recorded")
    row = ConsentEvent(
        subject_id=subject_id,
        register=register,
        controller=controller,
        purpose=purpose,
        state=state.value,
        channel=channel,
        notice_digest=notice_digest,
        captured_by=actor.id,
        captured_by_kind=actor.kind,
        captured_by_organisation=actor.organisation,
        recorded_at=moment,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="create",
        purpose=purpose,
        register=register,
        record_type=RECORD_TYPE,
        subject_ids=(subject_id,),
        record_ids=(row.id,),
        ref=f"consent:{state.value}",
    )
    return ConsentRecord.of(row)


def _latest(
    session: Session, *, subject_id: uuid.UUID, purpose: str, controller: str | None
) -> ConsentEvent | None:
    query = select(ConsentEvent).where(
        ConsentEvent.subject_id == subject_id, ConsentEvent.purpose == purpose
    )
    if controller is not None:
        query = query.where(ConsentEvent.controller == controller)
    # recorded_at orders the events; the id only breaks exact ties deterministically.
    query = query.order_by(ConsentEvent.recorded_at.desc(), ConsentEvent.id.desc()).limit(1)
    return session.scalar(query)


def current_record(
    session: Session,
    *,
    subject_id: uuid.UUID,
    purpose: str,
    controller: str | None = None,
    at: datetime | None = None,
) -> ConsentRecord | None:
    """The event that decides the current state, or None (never asked, or expired)."""
    row = _latest(session, subject_id=subject_id, purpose=purpose, controller=controller)
    if row is None:
        return None
    record = ConsentRecord.of(row)
    if record.expires_at is not None and record.expires_at <= (at or utcnow()):
        return None
    return record


def current_state(
    session: Session,
    *,
    subject_id: uuid.UUID,
    purpose: str,
    controller: str | None = None,
    at: datetime | None = None,
) -> ConsentState | None:
    """given | refused | withdrawn, or None when never asked or the consent has expired."""
    record = current_record(
        session, subject_id=subject_id, purpose=purpose, controller=controller, at=at
    )
    return record.state if record else None


def history(
    session: Session, *, actor: Actor, subject_id: uuid.UUID, purpose: str | None = None
) -> list[ConsentRecord]:
    """Every consent event for a subject, oldest first (for rights requests and review).

    Only the subject's own organisation (or a controller the statements were made to) reads
    them; anyone else is told there is no such person, since even the existence of consent
    records says someone is a client.
    """
    subject = session.execute(
        select(Subject.register, Subject.organisation).where(Subject.id == subject_id)
    ).first()
    require(
        actor,
        Permission.CONSENT_RECORD_READ,
        session=session,
        purpose=purpose or "",
        # the permission must come from a role in the person's register
        register=subject.register if subject is not None else "",
        record_type=RECORD_TYPE,
        subject_ids=(subject_id,),
    )
    query = select(ConsentEvent).where(ConsentEvent.subject_id == subject_id)
    if purpose is not None:
        query = query.where(ConsentEvent.purpose == purpose)
    rows = session.scalars(query.order_by(ConsentEvent.recorded_at, ConsentEvent.id))
    records = [ConsentRecord.of(row) for row in rows]
    if actor.kind != "system" and not _works_with(session, actor, subject_id, subject):
        # Elsewhere only the statements made to the actor's own organisation are shown.
        records = [r for r in records if r.controller == actor.organisation]
        if not records:
            raise SubjectNotFound(subject_id)
    record_event(
        session,
        actor=actor,
        action="read",
        purpose=purpose or "",
        register=records[0].register if records else "",
        record_type=RECORD_TYPE,
        subject_ids=(subject_id,),
        ref="consent:history",
    )
    return records


def _works_with(
    session: Session, actor: Actor, subject_id: uuid.UUID, subject: Row[str, str] | None
) -> bool:
    if subject is None:
        return False
    register = current_registry().get(subject.register)
    targets = subject_targets(session, register, subject_id, subject.organisation)
    return reaches(register, actor.organisation, targets)


def subject_targets(
    session: Session, register: Register, subject_id: uuid.UUID, owner: str
) -> list[Target]:
    """The gate targets of the person's records in `register`, and the person as their
    owner organisation holds them (a person may have no case yet)."""
    found = [
        t
        for t in facts.subject_targets(session, subject_id=subject_id)
        if t.register == register.id
    ]
    person = Target(
        register=register.id,
        record_type=RECORD_TYPE,
        owner_organisation=owner,
        subject_ids=(subject_id,),
    )
    return [person, *found]


def reaches(register: Register, organisation: str, targets: list[Target]) -> bool:
    """Whether `organisation` works with the person: it owns one of their records, one was
    referred or shared to it, or it is a joint controller with the owner (as the gate sees it)."""
    return any(
        t.owner_organisation and organisation_access(register, organisation, t) == "full"
        for t in targets
    )


def _require_role_for_purpose(
    session: Session, actor: Actor, register: Register, purpose: str, subject_id: uuid.UUID
) -> None:
    """A statement about a purpose is recorded by a role of the register that works for it."""
    if actor.kind == "system" or holds(
        actor, register, Permission.CONSENT_RECORD_CREATE.value, purpose
    ):
        return
    reason = ReasonCode.PURPOSE_NOT_FOR_ROLE
    _audit_refusal(session, actor, register.id, purpose, subject_id, reason)
    raise AccessDenied(
        Decision(False, reason, purpose),
        f"no role of yours in register {register.id!r} records consent for {purpose!r}",
    )


def _refuse_unshared(
    session: Session, actor: Actor, register: str, purpose: str, subject_id: uuid.UUID
) -> NoReturn:
    """Audit the refusal, then answer as if there were no such person: even that someone
    is a client of another organisation is not told."""
    reason = ReasonCode.NOT_SHARED_WITH_ORGANISATION
    _audit_refusal(session, actor, register, purpose, subject_id, reason)
    raise SubjectNotFound(subject_id)


def _audit_refusal(
    session: Session,
    actor: Actor,
    register: str,
    purpose: str,
    subject_id: uuid.UUID,
    reason: ReasonCode,
) -> None:
    record_event(
        session,
        actor=actor,
        action="create",
        purpose=purpose,
        register=register,
        record_type=RECORD_TYPE,
        subject_ids=(subject_id,),
        outcome="refused",
        reason=reason.value,
    )


# On the mapper, not every session flush: other records' writes never reach the ledger's code.
@event.listens_for(ConsentEvent, "before_update")
def _refuse_edits(_mapper: Any, _connection: Any, row: ConsentEvent) -> None:
    session = object_session(row)
    if session is None or session.is_modified(row):
        _refuse()


@event.listens_for(ConsentEvent, "before_delete")
def _refuse_deletes(_mapper: Any, _connection: Any, _row: ConsentEvent) -> None:
    _refuse()


def _refuse() -> NoReturn:
    raise LedgerIsAppendOnly(
        "consent events are never edited or deleted: record a new event instead"
    )
