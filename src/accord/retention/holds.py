"""Legal holds: litigation, investigation or inquiry on a person, a record or a record type.

A held record is never disposed of; the run reads the holds again inside the transaction
that disposes, so a hold placed while a run is going still stops it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.errors import Conflict, Invalid, NotFound
from accord.gate.catalogue import Permission
from accord.gate.service import require
from accord.gate.types import Actor
from accord.people.models import Subject
from accord.register.registry import current_registry
from accord.retention import stores
from accord.retention.declare import DueRow, chunks
from accord.retention.models import RetentionHold

SCOPES = ("subject", "record", "record-type")
KINDS = ("litigation", "investigation", "inquiry")


def _who(actor: Actor) -> str:
    return actor.name or f"{actor.kind} of {actor.organisation}"


def place_hold(
    session: Session,
    *,
    actor: Actor,
    register: str,
    scope: str,
    kind: str,
    reason: str,
    record_type: str | None = None,
    record_id: uuid.UUID | None = None,
    subject_id: uuid.UUID | None = None,
) -> RetentionHold:
    require(
        session,
        actor=actor,
        permission=Permission.RETENTION_RUN_EXECUTE,
        what="retention-hold",
        register=register,
    )
    reg = current_registry().get(register)
    if scope not in SCOPES:
        raise Invalid("scope", f"{scope!r} is not one of {', '.join(SCOPES)}")
    if kind not in KINDS:
        raise Invalid("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    if len(reason.strip()) < 10:
        raise Invalid("reason", "say why the records are held (at least 10 characters)")
    known = {rt.id for rt in reg.record_types}
    if scope == "record-type" and (record_type is None or record_type not in known):
        raise Invalid("record_type", f"{record_type!r} is not a record type of {register!r}")
    if scope == "record" and (
        record_id is None or _record_owner(session, record_id) != actor.organisation
    ):
        raise Invalid("record_id", "name a record of your organisation")
    if scope == "subject":
        subject = session.get(Subject, subject_id) if subject_id is not None else None
        if subject is None or subject.organisation != actor.organisation:
            raise Invalid("subject_id", "name a person your organisation holds")
    hold = RetentionHold(
        id=uuid.uuid4(),
        scope=scope,
        register=register,
        organisation=actor.organisation,
        record_type=record_type if scope == "record-type" else None,
        record_id=record_id if scope == "record" else None,
        subject_id=subject_id if scope == "subject" else None,
        kind=kind,
        reason=reason.strip(),
        placed_by=_who(actor),
        placed_at=datetime.now(UTC),
    )
    session.add(hold)
    session.flush()
    return hold


def _record_owner(session: Session, record_id: uuid.UUID) -> str | None:
    for declaration in stores.clocked():
        row = declaration.get(session, record_id)
        if row is not None:
            return row.organisation
    return None


def release_hold(
    session: Session, *, actor: Actor, hold_id: uuid.UUID, reason: str | None = None
) -> RetentionHold:
    """End a hold; `reason` (at least 10 characters when given) says why it is over."""
    hold = session.get(RetentionHold, hold_id)
    if hold is None or hold.organisation != actor.organisation:
        raise NotFound("hold")
    require(
        session,
        actor=actor,
        permission=Permission.RETENTION_RUN_EXECUTE,
        what="retention-hold",
        register=hold.register,
    )
    if hold.released_at is not None:
        raise Conflict("the hold was already released")
    if reason is not None and len(reason.strip()) < 10:
        raise Invalid("reason", "say why the hold is released (at least 10 characters)")
    hold.released_at = datetime.now(UTC)
    hold.released_by = _who(actor)
    hold.release_reason = reason.strip() if reason is not None else None
    session.flush()
    return hold


def list_holds(session: Session, *, actor: Actor, active: bool = True) -> list[RetentionHold]:
    require(
        session, actor=actor, permission=Permission.RETENTION_RUN_EXECUTE, what="retention-hold"
    )
    query = (
        select(RetentionHold)
        .where(RetentionHold.organisation == actor.organisation)
        .order_by(RetentionHold.placed_at)
    )
    if active:
        query = query.where(RetentionHold.released_at.is_(None))
    return list(session.scalars(query))


@dataclass(frozen=True)
class ActiveHolds:
    """Holds in force, each on an organisation's own records: (organisation, id) pairs."""

    records: frozenset[tuple[str, uuid.UUID]]
    subjects: frozenset[tuple[str, uuid.UUID]]
    record_types: frozenset[tuple[str, str, str]]  # organisation, register, record type

    def covers(self, row: DueRow, subjects: Sequence[uuid.UUID] = ()) -> bool:
        org = row.organisation
        return (
            (org, row.id) in self.records
            or (row.subject_id is not None and (org, row.subject_id) in self.subjects)
            or any((org, s) in self.subjects for s in subjects)
            or (org, row.register, row.record_type) in self.record_types
        )


def active_holds(
    session: Session, rows: Sequence[DueRow], subjects: Sequence[uuid.UUID] = ()
) -> ActiveHolds:
    """The holds in force now over these rows (and people), read in the caller's transaction."""
    records: set[tuple[str, uuid.UUID]] = set()
    people: set[tuple[str, uuid.UUID]] = set()
    ids = [r.id for r in rows]
    subject_ids = list({*(r.subject_id for r in rows if r.subject_id is not None), *subjects})
    live = RetentionHold.released_at.is_(None)
    for part in chunks(ids):
        records.update(
            (org, rid)
            for org, rid in session.execute(
                select(RetentionHold.organisation, RetentionHold.record_id).where(
                    live, RetentionHold.record_id.in_(part)
                )
            )
            if rid is not None
        )
    for part in chunks(subject_ids):
        people.update(
            (org, sid)
            for org, sid in session.execute(
                select(RetentionHold.organisation, RetentionHold.subject_id).where(
                    live, RetentionHold.subject_id.in_(part)
                )
            )
            if sid is not None
        )
    types = session.execute(
        select(RetentionHold.organisation, RetentionHold.register, RetentionHold.record_type).where(
            live, RetentionHold.scope == "record-type"
        )
    ).all()
    return ActiveHolds(
        records=frozenset(records),
        subjects=frozenset(people),
        record_types=frozenset((o, r, t) for o, r, t in types if t is not None),
    )
