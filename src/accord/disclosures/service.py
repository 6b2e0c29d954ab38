"""The disclosure log: every disclosure, with or without consent, and what it can answer.

`log_disclosure` is called by every service that sends a subject's data elsewhere (referrals
on, risk-of-harm disclosures, panel sharing). Rights requests read `disclosures_for_subject`;
a correction is passed on to `recipients_to_notify_of_correction` (Art 19).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.disclosures.models import DisclosureEntry
from accord.disclosures.records import subject_target
from accord.errors import Invalid
from accord.gate import facts
from accord.gate.acts import record_event
from accord.gate.catalogue import Permission
from accord.gate.service import authorize, needs_consent
from accord.gate.types import Action, Actor, Target
from accord.people.errors import SubjectNotFound
from accord.people.models import Subject
from accord.register.registry import current_registry
from accord.register.schema import Register
from accord.store.base import utcnow
from accord.store.views import view_of


class DisclosureBasis(StrEnum):
    CONSENT = "consent"
    RISK_OF_HARM = "risk-of-harm"  # without consent: risk recorded and a named approver
    LEGAL_REQUIREMENT = "legal-requirement"  # a court order or statutory duty
    JOINT_CONTROLLERS = "joint-controllers"
    PANEL = "panel"  # shared with partners at a risk panel (MARAC, CRP, IOM) under public task


class DisclosureError(Invalid):
    """A disclosure that cannot be made or logged: names the field and why."""


@dataclass(frozen=True)
class LoggedDisclosure:
    id: uuid.UUID
    subject_id: uuid.UUID
    register: str
    from_organisation: str
    recipient: str
    recipient_name: str
    purpose: str | None
    fields: tuple[str, ...]
    with_consent: bool
    basis: str
    record_type: str | None
    record_id: uuid.UUID | None
    request_id: uuid.UUID | None
    disclosed_by: uuid.UUID | None
    approved_by: uuid.UUID | None
    disclosed_at: datetime
    method: str | None

    @classmethod
    def of(cls, row: DisclosureEntry) -> LoggedDisclosure:
        return view_of(
            cls,
            row,
            recipient_name=recipient_name(row.register, row.recipient),
            fields=tuple(row.fields),
        )


def recipient_name(register_id: str, recipient_id: str) -> str:
    """The recipient's name from the register (a recipient entry or an organisation)."""
    try:
        register = current_registry().get(register_id)
    except KeyError:
        return recipient_id
    for recipient in register.recipients:
        if recipient.id == recipient_id:
            return recipient.name
    for organisation in register.organisations:
        if organisation.id == recipient_id:
            return organisation.name
    return recipient_id


def check_recipient(register: Register, recipient: str) -> None:
    """A recipient must be named in the register (as a recipient or an organisation)."""
    known = {r.id for r in register.recipients} | {o.id for o in register.organisations}
    if recipient not in known:
        raise DisclosureError(
            "recipient",
            f"{recipient!r} is not a recipient or organisation in register "
            f"{register.id!r}; add it to the register before disclosing to it",
        )


def check_fields(register: Register, fields: Iterable[str]) -> tuple[str, ...]:
    """Category ids, each known to the register, without duplicates, in the order given."""
    out: list[str] = []
    known = {c.id for c in register.categories}
    for field in fields:
        if field not in known:
            raise DisclosureError(
                "fields", f"{field!r} is not a data category in register {register.id!r}"
            )
        if field not in out:
            out.append(field)
    if not out:
        raise DisclosureError("fields", "name at least one data category that is disclosed")
    return tuple(out)


def log_disclosure(
    session: Session,
    *,
    actor: Actor,
    subject_id: uuid.UUID,
    register: str,
    recipient: str,
    fields: Iterable[str],
    with_consent: bool,
    basis: DisclosureBasis | str,
    purpose: str | None = None,
    from_organisation: str | None = None,
    record_type: str | None = None,
    record_id: uuid.UUID | None = None,
    approved_by: uuid.UUID | None = None,
    request_id: uuid.UUID | None = None,
    requested_by: uuid.UUID | None = None,
    method: str | None = None,
    disclosed_at: datetime | None = None,
) -> LoggedDisclosure:
    """Write one entry in the disclosure log, refusing an entry the register cannot support.

    With consent, the purpose's consent must currently be given (when the purpose rests on
    consent). Without consent, a risk-of-harm disclosure needs a named approver other than the
    person who asked for it (`requested_by`, by default the person disclosing);
    `accord.disclosures.requests` is the path that gets one.
    """
    reg = current_registry().get(register)
    check_recipient(reg, recipient)
    released = check_fields(reg, fields)
    try:
        basis = DisclosureBasis(basis)
    except ValueError:
        raise DisclosureError(
            "basis", f"{basis!r} is not one of " + ", ".join(b.value for b in DisclosureBasis)
        ) from None
    if purpose is not None:
        try:
            terms = reg.purpose(purpose).consent
        except KeyError:
            raise DisclosureError(
                "purpose", f"register {register!r} has no purpose {purpose!r}"
            ) from None
    else:
        terms = None
    if with_consent:
        if basis is not DisclosureBasis.CONSENT:
            raise DisclosureError("basis", "a disclosure made with consent has basis 'consent'")
        if purpose is None:
            raise DisclosureError("purpose", "name the purpose the subject consented to")
        if terms is not None:
            # the consent ledger's state, as it gives it to the gate
            state = facts.consent_state(
                session, subject_id=subject_id, purpose=purpose, controller=None
            )
            if state != "given":
                shown = state or "never given or expired"
                raise DisclosureError(
                    "with_consent", f"consent to {purpose!r} is {shown}, so nothing may be shared"
                )
    elif basis is DisclosureBasis.CONSENT:
        raise DisclosureError("basis", "'consent' needs with_consent=True")
    if basis is DisclosureBasis.RISK_OF_HARM:
        if approved_by is None:
            raise DisclosureError(
                "approved_by",
                "a disclosure without consent for a risk of harm needs a named "
                "approver; raise a disclosure request and have it approved",
            )
        if approved_by == (requested_by or actor.id):
            raise DisclosureError("approved_by", "the approver must be someone other than you")
    entry = DisclosureEntry(
        subject_id=subject_id,
        register=register,
        from_organisation=from_organisation or actor.organisation,
        recipient=recipient,
        purpose=purpose,
        fields=list(released),
        with_consent=with_consent,
        basis=basis.value,
        record_type=record_type,
        record_id=record_id,
        request_id=request_id,
        disclosed_by=actor.id,
        disclosed_by_kind=actor.kind,
        approved_by=approved_by,
        method=method,
        disclosed_at=disclosed_at or utcnow(),
    )
    session.add(entry)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="disclose",
        purpose=purpose or basis.value,
        register=register,
        record_type=record_type or "disclosure",
        subject_ids=(subject_id,),
        record_ids=(entry.id,) if record_id is None else (entry.id, record_id),
        categories=released,
        ref=f"disclosure:{basis.value}:{recipient}",
    )
    return LoggedDisclosure.of(entry)


def disclosures_for_subject(
    session: Session, *, subject_id: uuid.UUID, actor: Actor | None = None
) -> list[LoggedDisclosure]:
    """Every logged disclosure of this subject's data, oldest first.

    Services answering a rights request call this without an actor (they have passed the gate
    for the subject already); a person asking directly passes the gate on the person's
    records with the log-read permission, and sees only what their organisation disclosed
    unless it owns the person's data.
    """
    if actor is not None:
        authorize_log_read(session, actor=actor, subject_id=subject_id)
    query = select(DisclosureEntry).where(DisclosureEntry.subject_id == subject_id)
    if actor is not None and actor.kind != "system":
        owner = session.scalar(select(Subject.organisation).where(Subject.id == subject_id))
        if owner != actor.organisation:
            # Another organisation sees only what it disclosed itself.
            query = query.where(DisclosureEntry.from_organisation == actor.organisation)
    rows = session.scalars(query.order_by(DisclosureEntry.disclosed_at, DisclosureEntry.id))
    return [LoggedDisclosure.of(row) for row in rows]


def authorize_log_read(session: Session, *, actor: Actor, subject_id: uuid.UUID) -> None:
    """Pass the gate (audited) to read who received this person's data: a read of their
    record, under the owner's organisation, with the log-read permission. Only ids and
    category names are read, so no category is asked for. A person not held (or erased) is
    not found."""
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise SubjectNotFound(subject_id)
    target = subject_target(session, subject=subject, actor_organisation=actor.organisation)
    authorize(
        session,
        actor=actor,
        purpose=_reading_purpose(actor, target),
        action=Action.READ,
        target=target,
        categories=(),
        permission=Permission.DISCLOSURE_LOG_READ.value,
    )


def _reading_purpose(actor: Actor, target: Target) -> str:
    """The record type's purpose the actor's roles list, one not resting on consent first (a
    log is read to answer the person, whatever they consented to); else the record type's
    first purpose, which the gate then refuses with its reason."""
    register = current_registry().get(target.register)
    held = register.record_type(target.record_type).purposes
    listed = {p for role in register.roles if role.id in actor.roles for p in role.purposes}
    mine = [p for p in held if p in listed]
    without_consent = [p for p in mine if not needs_consent(register.purpose(p))]
    return (without_consent or mine or list(held))[0]


@dataclass(frozen=True)
class RecipientToNotify:
    register: str
    recipient: str
    name: str
    fields: tuple[str, ...]  # the corrected categories this recipient received
    last_disclosed_at: datetime


def recipients_to_notify_of_correction(
    session: Session,
    *,
    subject_id: uuid.UUID,
    categories: Iterable[str] | None = None,
    actor: Actor | None = None,
) -> list[RecipientToNotify]:
    """Recipients who received any of `categories` (all when None): each must hear of a
    correction or erasure unless that proves impossible or disproportionate (Art 19).

    With an actor, read as `disclosures_for_subject` reads for them (through the gate)."""
    wanted = set(categories) if categories is not None else None
    grouped: dict[tuple[str, str], tuple[set[str], datetime]] = {}
    for entry in disclosures_for_subject(session, subject_id=subject_id, actor=actor):
        hit = set(entry.fields) if wanted is None else set(entry.fields) & wanted
        if not hit:
            continue
        key = (entry.register, entry.recipient)
        fields, last = grouped.get(key, (set(), entry.disclosed_at))
        grouped[key] = (fields | hit, max(last, entry.disclosed_at))
    return [
        RecipientToNotify(
            register=register,
            recipient=recipient,
            name=recipient_name(register, recipient),
            fields=tuple(sorted(fields)),
            last_disclosed_at=last,
        )
        for (register, recipient), (fields, last) in sorted(grouped.items())
    ]
