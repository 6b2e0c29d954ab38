"""The audit trail as a DPO searches it: by person, user, record and date, within what the
DPO's own roles cover.

A DPO holds `audit:trail:read` in some registers. There they see what their own
organisation's staff and machines did, and what anyone did about the people their
organisation holds (a subject's owning organisation): never another organisation's work on
its own records, which would reveal those records. A refused entry may name a record that
is not the DPO's organisation's, so the page shows its kind, not its id. The search itself
is audited, so looking at the trail leaves a trace in it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Text, and_, false, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from accord.accounts.models import User
from accord.errors import Invalid
from accord.gate import audit
from accord.gate.catalogue import Permission
from accord.gate.models import AuditEntry, AuditEntrySubject
from accord.gate.service import holds_permission, require
from accord.gate.types import Actor
from accord.people.models import Subject
from accord.register.registry import current_registry

MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class TrailFilter:
    user_email: str = ""
    subject_id: uuid.UUID | None = None
    record_id: str = ""
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class TrailPage:
    entries: list[AuditEntry]
    total: int
    user_names: dict[uuid.UUID, str]


def _scope(actor: Actor) -> ColumnElement[bool]:
    """Entries the actor's roles let them see: in the registers where they may read the
    trail, their organisation's own acts and acts about the people it holds."""
    registers = [
        register.id
        for register in current_registry().registers_of(actor.organisation)
        if holds_permission(actor, Permission.AUDIT_TRAIL_READ, register.id)
    ]
    if not registers:
        return false()
    about_ours = AuditEntry.seq.in_(
        select(AuditEntrySubject.entry_seq)
        .join(Subject, Subject.id == AuditEntrySubject.subject_id)
        .where(Subject.organisation == actor.organisation)
    )
    return and_(
        AuditEntry.register.in_(registers),
        or_(AuditEntry.actor_organisation == actor.organisation, about_ours),
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, MIDNIGHT, tzinfo=UTC)


def search(
    session: Session, *, actor: Actor, where: TrailFilter, limit: int = 50, offset: int = 0
) -> TrailPage:
    require(session, actor=actor, permission=Permission.AUDIT_TRAIL_READ, what="audit-trail")
    if where.since and where.until and where.since > where.until:
        raise Invalid("until", "the end date must be the same as or after the start date")
    query = select(AuditEntry).where(_scope(actor))
    if where.user_email.strip():
        user = session.scalar(select(User).where(User.email == where.user_email.strip().lower()))
        if user is None:
            raise Invalid("user", "there is nobody with that email address")
        query = query.where(AuditEntry.actor_id == user.id)
    if where.subject_id is not None:
        query = query.where(
            AuditEntry.seq.in_(
                select(AuditEntrySubject.entry_seq).where(
                    AuditEntrySubject.subject_id == where.subject_id
                )
            )
        )
    if where.record_id.strip():
        # record ids are kept as a JSON list of strings: match the quoted id inside it
        query = query.where(
            type_coerce(AuditEntry.record_ids, Text).contains(f'"{where.record_id.strip()}"')
        )
    if where.since:
        query = query.where(AuditEntry.at >= _day_start(where.since))
    if where.until:
        query = query.where(AuditEntry.at < _day_start(where.until + timedelta(days=1)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    entries = list(
        session.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit).offset(offset))
    )
    ids = {e.actor_id for e in entries if e.actor_id is not None}
    names = (
        {u.id: u.name for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    )
    audit.record(
        session,
        audit.Event(
            actor=actor,
            action="list",
            purpose="audit-trail",
            register="",
            record_type="audit-trail",
            reason="allowed",
            outcome="allowed",
        ),
    )
    return TrailPage(entries=entries, total=total, user_names=names)


def verify_trail(session: Session, *, actor: Actor) -> audit.Verification:
    require(session, actor=actor, permission=Permission.AUDIT_TRAIL_VERIFY, what="audit-trail")
    return audit.verify(session)
