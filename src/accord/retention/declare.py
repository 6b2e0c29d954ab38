"""What a store holding personal data declares so that retention can dispose of it.

Each domain that keeps personal data exposes `DECLARATIONS` in `accord.<domain>.disposal`
(found by name, as the gate finds `facts.py`). A declaration is one of:

- `ClockedRows`: a table whose rows carry their register, owner organisation, record type,
  subject and stored `retention_due` (cases, complaints, enquiries, panel cases, rights
  requests). Retention finds what is due by that indexed column and deletes rows by id;
  what belongs to a row (timeline, minutes, actions, parties) goes with it (ON DELETE CASCADE).
- `Dependent`: rows that belong to another store's records or to a person (consent events,
  disclosures, fair-processing notices): removed with the record they name, and with the
  person when nothing else of theirs remains.
- `Swept`: a store with a sweep of its own (partner feeds and what linkage derived from them).

`holds(register)` names the record types of a register a declaration keeps; a run refuses to
start while a personal-data record type of a loaded register is kept by no declaration (and
not marked `kept_elsewhere` in the register).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from accord.gate.types import Actor
from accord.register.schema import Register

CHUNK = 500  # ids per IN (...) clause


def chunks(ids: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@dataclass(frozen=True)
class DueRow:
    """A record whose retention date has passed: ids and register ids only, no values."""

    store: str
    id: uuid.UUID
    register: str
    organisation: str
    service: str | None
    record_type: str
    subject_id: uuid.UUID | None
    due: datetime


@dataclass(frozen=True)
class PlanCount:
    register: str
    organisation: str
    service: str | None
    record_type: str
    count: int


class Declaration(Protocol):
    name: str

    def holds(self, register: Register) -> frozenset[str]: ...


@dataclass(frozen=True)
class ClockedRows:
    """A table of records with a stored, indexed `retention_due`."""

    name: str
    model: Any  # a mapped class with id, register, organisation, record_type, subject_id
    record_types: Callable[[Register], frozenset[str]]
    has_service: bool = True
    # Other people named on a record (e.g. a panel case's parties), whose subjects may have
    # nothing else once the record goes.
    parties: Callable[[Session, Sequence[uuid.UUID]], set[uuid.UUID]] | None = None
    # Keeps only the given statistical fields of each record, generalised, and takes the
    # record off the clock; None: this store cannot anonymise (the run leaves such records).
    anonymise: Callable[[Session, Sequence[uuid.UUID], frozenset[str]], None] | None = None

    def holds(self, register: Register) -> frozenset[str]:
        return self.record_types(register)

    def _service(self) -> Any:
        return self.model.service if self.has_service else None

    def plan(self, session: Session, *, before: datetime) -> list[PlanCount]:
        m = self.model
        service = self._service()
        columns = [m.register, m.organisation, m.record_type]
        if service is not None:
            columns.append(service)
        rows = session.execute(
            select(*columns, func.count())
            .where(m.retention_due.is_not(None), m.retention_due <= before)
            .group_by(*columns)
        ).all()
        return [
            PlanCount(
                register=row[0],
                organisation=row[1],
                record_type=row[2],
                service=row[3] if service is not None else None,
                count=int(row[-1]),
            )
            for row in rows
        ]

    def due(
        self, session: Session, *, before: datetime, after: uuid.UUID | None, limit: int
    ) -> list[DueRow]:
        """The next `limit` due rows in id order after `after` (keyset: a run resumes)."""
        m = self.model
        service = self._service()
        query = select(
            m.id,
            m.register,
            m.organisation,
            m.record_type,
            m.subject_id,
            m.retention_due,
            service if service is not None else m.register,
        ).where(m.retention_due.is_not(None), m.retention_due <= before)
        if after is not None:
            query = query.where(m.id > after)
        rows = session.execute(query.order_by(m.id).limit(limit)).all()
        return [self._row(row, service is not None) for row in rows]

    def _row(self, row: Any, with_service: bool) -> DueRow:
        return DueRow(
            store=self.name,
            id=row[0],
            register=row[1],
            organisation=row[2],
            record_type=row[3],
            subject_id=row[4],
            due=row[5],
            service=row[6] if with_service else None,
        )

    def get(self, session: Session, record_id: uuid.UUID) -> DueRow | None:
        m = self.model
        service = self._service()
        row = session.execute(
            select(
                m.id,
                m.register,
                m.organisation,
                m.record_type,
                m.subject_id,
                m.retention_due,
                service if service is not None else m.register,
            ).where(m.id == record_id)
        ).first()
        return None if row is None else self._row(row, service is not None)

    def still_due(
        self, session: Session, ids: Sequence[uuid.UUID], *, before: datetime
    ) -> set[uuid.UUID]:
        """Of `ids`, those still due now (read again inside the disposing transaction)."""
        m = self.model
        found: set[uuid.UUID] = set()
        for part in chunks(ids):
            found.update(
                session.scalars(
                    select(m.id).where(
                        m.id.in_(part), m.retention_due.is_not(None), m.retention_due <= before
                    )
                )
            )
        return found

    def subjects(self, session: Session, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Everyone the records name: their subject and any parties."""
        found: set[uuid.UUID] = set()
        for part in chunks(ids):
            found.update(
                session.scalars(select(self.model.subject_id).where(self.model.id.in_(part)))
            )
        if self.parties is not None:
            found |= self.parties(session, ids)
        return found

    def delete(self, session: Session, ids: Sequence[uuid.UUID]) -> int:
        removed = 0
        for part in chunks(ids):
            result = session.execute(delete(self.model).where(self.model.id.in_(part)))
            removed += int(getattr(result, "rowcount", 0) or 0)
        return removed

    def holding(
        self,
        session: Session,
        subject_ids: Sequence[uuid.UUID],
        excluding: Sequence[uuid.UUID] = (),
    ) -> set[uuid.UUID]:
        """Of `subject_ids`, those this store still holds a record of (other than `excluding`)."""
        found: set[uuid.UUID] = set()
        for part in chunks(subject_ids):
            query = select(self.model.subject_id).where(self.model.subject_id.in_(part))
            if excluding:
                query = query.where(self.model.id.not_in(list(excluding)))
            found.update(session.scalars(query.distinct()))
        return found

    def postpone(self, session: Session, record_id: uuid.UUID, until: datetime) -> None:
        """A reviewer kept the record: it is due again at `until`."""
        session.execute(
            update(self.model).where(self.model.id == record_id).values(retention_due=until)
        )


@dataclass(frozen=True)
class Dependent:
    """Rows belonging to other records (by record id) or to a person (by subject)."""

    name: str
    # Removes the rows naming these records; returns how many.
    remove_for_records: Callable[[Session, Sequence[uuid.UUID]], int] | None = None
    # Of the given subjects, those with rows here that keep them alive on their own
    # (most dependants do not: they go with the person).
    holding: Callable[[Session, Sequence[uuid.UUID]], set[uuid.UUID]] | None = None
    record_types: Callable[[Register], frozenset[str]] = field(default=lambda register: frozenset())

    def holds(self, register: Register) -> frozenset[str]:
        return self.record_types(register)


@dataclass(frozen=True)
class SweepOutcome:
    register: str
    organisation: str
    record_type: str
    removed: int


@dataclass(frozen=True)
class Swept:
    """A store that disposes by a sweep of its own, run once per register that it holds for."""

    name: str
    record_types: Callable[[Register], frozenset[str]]
    plan_counts: Callable[[Session, Register, datetime], list[PlanCount]]
    # (session, register, now, the actor sweeping) -> what it removed
    sweep: Callable[[Session, Register, datetime, Actor], list[SweepOutcome]]

    def holds(self, register: Register) -> frozenset[str]:
        return self.record_types(register)


def present(register: Register, *ids: str) -> frozenset[str]:
    """Those of `ids` that are personal-data record types of `register`."""
    return frozenset(rt.id for rt in register.record_types if rt.id in ids and rt.personal_data)


def delete_where(model: Any, column: str) -> Callable[[Session, Sequence[uuid.UUID]], int]:
    """A `remove_for_records` deleting rows of `model` whose `column` is one of the ids."""

    def remove(session: Session, ids: Sequence[uuid.UUID]) -> int:
        removed = 0
        for part in chunks(ids):
            result = session.execute(delete(model).where(getattr(model, column).in_(part)))
            removed += int(getattr(result, "rowcount", 0) or 0)
        return removed

    return remove
