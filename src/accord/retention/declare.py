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
- `Swept`: a store with a sweep of its own: partner records in every store they are in (the
  identifiers, the analytical store's attribute tables, quarantined rows' raw copies:
  `accord.feeds.disposal`), and what linkage derived from them (person ids, review pairs,
  working sets: `accord.linkage.disposal`).

The audit trail needs no declaration: an entry (`accord.gate.models.AuditEntry`) holds ids,
register ids, category names, a reason code and a reference (a hash or a grant's id), never a
value about a person, and its subject links hold ids only; free text given with an act is
kept outside the trail, in the row it explains (an access grant's reason, a hold's reason).
So the trail outlives the people it names, which the DPO's access history relies on.

`holds(register)` names the record types of a register a declaration keeps; a run refuses to
start while a personal-data record type of a loaded register is kept by no declaration (and
not marked `kept_elsewhere` in the register).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Column, Dialect, Table, Uuid, func, select, update
from sqlalchemy.orm import Session

from accord.gate.types import Actor
from accord.register.schema import Register
from accord.store.bulk import placeholder, select_rows

CHUNK = 500  # ids per IN (...) clause built by SQLAlchemy
ID_CHUNK = 20_000  # ids per statement of the set helpers below (one statement per batch)


def chunks(ids: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# Set statements over many ids, written for the driver: a disposal batch reads and deletes
# tens of thousands of rows, where SQLAlchemy's per-value work on an IN list would cost more
# than the database. PostgreSQL gets one array parameter (`= ANY(%s)`, an index scan);
# SQLite one IN list of bound values. Only fixed table and column names enter the SQL text.


class IdList(list[Any]):
    """Ids that go into many statements (a batch's records, its people): each is converted
    to the driver's form once, and a key column read back maps to the id it came from."""

    def __init__(self, ids: Iterable[Any] = ()) -> None:
        super().__init__(ids)
        self._driver: dict[tuple[str, type], tuple[list[Any], dict[Any, Any]]] = {}

    def driver(self, dialect: Dialect, column: Column[Any]) -> tuple[list[Any], dict[Any, Any]]:
        key = (dialect.name, type(column.type))
        if key not in self._driver:
            if _as_text_array(dialect, column):
                # One array literal ("{hex,hex,...}"): the driver's per-element adaptation of a
                # list costs far more than the database's parsing of the text.
                values: list[Any] = ["{" + ",".join(v.hex for v in self) + "}"]
                self._driver[key] = (values, {})
            else:
                processor = column.type._cached_bind_processor(dialect)
                values = list(self) if processor is None else [processor(v) for v in self]
                self._driver[key] = (values, dict(zip(values, self, strict=True)))
        return self._driver[key]


def _as_text_array(dialect: Dialect, column: Column[Any]) -> bool:
    return dialect.name == "postgresql" and isinstance(column.type, Uuid)


def _table(model: Any) -> Table:
    return cast(Table, model.__table__ if hasattr(model, "__table__") else model)


def _in(dialect: Dialect, column: Column[Any], count: int) -> str:
    """The condition, with `{mark}` for each parameter marker (as `accord.store.bulk` takes)."""
    if _as_text_array(dialect, column):
        return f"{column.name} = ANY(CAST({{mark}} AS uuid[]))"
    if dialect.name == "postgresql":
        return f"{column.name} = ANY({{mark}})"
    return f"{column.name} IN ({', '.join(['{mark}'] * count)})"


def _parts(
    dialect: Dialect, column: Column[Any], ids: Sequence[Any]
) -> tuple[list[list[Any]], dict[Any, Any]]:
    """The ids in the driver's form, in statements' worth, and the way back to each id."""
    values, back = (ids if isinstance(ids, IdList) else IdList(ids)).driver(dialect, column)
    if _as_text_array(dialect, column):
        return [values], back  # one literal, one statement
    return [values[i : i + ID_CHUNK] for i in range(0, len(values), ID_CHUNK)], back


def _params(dialect: Dialect, column: Column[Any], part: list[Any]) -> list[Any]:
    """The statement's parameters for one part: the literal, the list, or each value."""
    if _as_text_array(dialect, column):
        return part
    return [part] if dialect.name == "postgresql" else part


def _reader(dialect: Dialect, column: Column[Any]) -> Callable[[Any], Any]:
    processor = column.type._cached_result_processor(dialect, None)
    return processor if processor is not None else (lambda value: value)


def select_in(
    session: Session, model: Any, columns: Sequence[str], key: str, ids: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """`SELECT columns FROM model WHERE key IN ids`, values converted back to Python (the
    key column straight back to the id asked for)."""
    table = _table(model)
    dialect = session.connection().dialect
    parts, back = _parts(dialect, table.c[key], ids)
    readers = [_reader(dialect, table.c[c]) for c in columns]
    if key in columns:  # the key read back is the id asked for (no second conversion)
        convert = readers[list(columns).index(key)]
        readers[list(columns).index(key)] = lambda value: back.get(value) or convert(value)
    found: list[tuple[Any, ...]] = []
    for part in parts:
        sql = (
            f"SELECT {', '.join(columns)} FROM {table.name} "  # noqa: S608
            f"WHERE {_in(dialect, table.c[key], len(part))}"
        )
        params = _params(dialect, table.c[key], part)
        found.extend(
            tuple(read(v) for read, v in zip(readers, row, strict=True))
            for row in select_rows(session, sql, params)
        )
    return found


def delete_in(session: Session, model: Any, key: str, ids: Sequence[Any]) -> int:
    """`DELETE FROM model WHERE key IN ids`; how many rows went."""
    table = _table(model)
    connection = session.connection()
    dialect = connection.dialect
    parts, _ = _parts(dialect, table.c[key], ids)
    removed = 0
    for part in parts:
        sql = f"DELETE FROM {table.name} WHERE {_in(dialect, table.c[key], len(part))}"  # noqa: S608
        params = tuple(_params(dialect, table.c[key], part))
        result = connection.exec_driver_sql(sql.format(mark=placeholder(session)), params)
        removed += max(int(result.rowcount or 0), 0)
    return removed


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
    # nothing else once the record goes: (record id, subject id) pairs.
    parties: (
        Callable[[Session, Sequence[uuid.UUID]], Iterable[tuple[uuid.UUID, uuid.UUID]]] | None
    ) = None
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
        self,
        session: Session,
        *,
        before: datetime,
        after: uuid.UUID | None,
        limit: int,
        lock: bool = False,
    ) -> list[DueRow]:
        """The next `limit` due rows in id order after `after` (keyset: a run resumes).
        `lock`: lock them until the transaction ends (PostgreSQL), so a clock moved meanwhile
        waits for the disposal instead of being overtaken by it."""
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
        query = query.order_by(m.id).limit(limit)
        if lock:
            query = query.with_for_update()
        rows = session.execute(query).all()
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

    def named(self, session: Session, rows: Sequence[DueRow]) -> dict[uuid.UUID, set[uuid.UUID]]:
        """Everyone each record names: its subject and any parties (one query for these)."""
        found: dict[uuid.UUID, set[uuid.UUID]] = {
            r.id: ({r.subject_id} if r.subject_id is not None else set()) for r in rows
        }
        if self.parties is not None:
            for record_id, subject_id in self.parties(session, IdList(r.id for r in rows)):
                found.setdefault(record_id, set()).add(subject_id)
        return found

    def subjects(self, session: Session, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Everyone the records name: their subject and any parties."""
        found = {s for (s,) in select_in(session, self.model, ("subject_id",), "id", ids)}
        if self.parties is not None:
            found.update(s for _, s in self.parties(session, ids))
        return found

    def delete(self, session: Session, ids: Sequence[uuid.UUID]) -> int:
        return delete_in(session, self.model, "id", ids)

    def holding(
        self,
        session: Session,
        subject_ids: Sequence[uuid.UUID],
        excluding: Sequence[uuid.UUID] = (),
    ) -> set[uuid.UUID]:
        """Of `subject_ids`, those this store still holds a record of (other than `excluding`)."""
        if not excluding:
            return {
                s
                for (s,) in select_in(
                    session, self.model, ("subject_id",), "subject_id", subject_ids
                )
            }
        rows = select_in(session, self.model, ("id", "subject_id"), "subject_id", subject_ids)
        left_out = set(excluding)
        return {subject_id for record_id, subject_id in rows if record_id not in left_out}

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
    # How the certificate counts them: "deleted" records, or another copy of records already
    # counted (e.g. "analytical-rows": the analytical store's rows of deleted partner records).
    outcome: str = "deleted"


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
        return delete_in(session, model, column, ids)

    return remove


def content_emptied(
    model: Any, *, cleared: dict[str, Any], unless_kept: tuple[str, ...] = ()
) -> Callable[[Session, Sequence[uuid.UUID], frozenset[str]], None]:
    """An `anonymise` for records whose personal data is one sealed `content`: it is replaced
    by an empty seal, the `cleared` columns set, those of `unless_kept` the register does not
    mark statistical emptied, and the record taken off the clock."""

    def anonymise(session: Session, ids: Sequence[uuid.UUID], keep: frozenset[str]) -> None:
        from accord.people import service as people

        for part in chunks(ids):
            for row in session.scalars(select(model).where(model.id.in_(part))):
                row.content = people.seal(session, subject_id=row.subject_id, values={})
                for name, value in cleared.items():
                    setattr(row, name, value)
                for name in unless_kept:
                    if name not in keep:
                        setattr(row, name, None)
                row.retention_due = None
        session.flush()

    return anonymise
