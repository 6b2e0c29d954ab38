"""Re-keying a person after a partial erasure: what is kept is sealed again under a new data
key and the old key is destroyed, so the erased records in a backup taken before can no
longer be opened (crypto-shredding, as a whole erasure does by destroying the only key).

Which rows hold a person's sealed fields is read from the tables themselves: every binary
column of a row that names the person (a `subject_id` column, or a foreign key to
`subjects`), or whose parent row does (a case's events, a safety case's actions, an erasure
decision's items). A blob there sealed for someone else (another party of a safety case)
does not open under the person's key and is left alone. Blind indexes are keyed by kind
for everyone, not per person, and need nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from sqlalchemy import Column, LargeBinary, Table, select, update
from sqlalchemy.orm import Session

from accord.gate.discovery import domain_modules
from accord.people import service as people
from accord.store.base import Base

SUBJECTS = "subjects"


def _names_person(table: Table) -> list[Column[object]]:
    return [
        c
        for c in table.columns
        if table.name != SUBJECTS
        and (
            c.name == "subject_id" or any(fk.column.table.name == SUBJECTS for fk in c.foreign_keys)
        )
    ]


def _rows(table: Table, subject_id: uuid.UUID) -> Iterator[object]:
    """Clauses picking the table's rows that name the person or whose parent does."""
    for column in _names_person(table):
        yield column == subject_id
    for column in table.columns:
        for fk in column.foreign_keys:
            parent = fk.column.table
            for named in _names_person(parent):
                yield column.in_(select(fk.column).where(named == subject_id))


def reseal_person(session: Session, subject_id: uuid.UUID, convert: people.Reseal) -> int:
    """Seal again, with `convert`, every blob sealed for the person; how many."""
    for _ in domain_modules("models"):
        pass  # every domain's tables known, whatever this process has imported so far
    session.flush()
    count = 0
    for table in Base.metadata.sorted_tables:
        blobs = [c for c in table.columns if isinstance(c.type, LargeBinary)]
        keys = list(table.primary_key.columns)
        if not blobs or not keys:
            continue
        for clause in _rows(table, subject_id):
            rows = session.execute(select(*keys, *blobs).where(clause)).all()  # type: ignore[arg-type]
            for row in rows:
                key, values = row[: len(keys)], row[len(keys) :]
                changed = {
                    column.name: new
                    for column, value in zip(blobs, values, strict=True)
                    if value is not None and (new := convert(bytes(value))) is not None
                }
                if changed:
                    session.execute(
                        update(table)
                        .where(*(k == v for k, v in zip(keys, key, strict=True)))
                        .values(**changed)
                    )
                    count += len(changed)
    session.expire_all()  # objects loaded before hold the old blobs
    return count


def rekey(session: Session, subject_id: uuid.UUID) -> int:
    """Give the person a new data key, everything of theirs kept sealed again under it in
    this transaction; the old key is destroyed when it commits."""
    return people.rekey_subject(
        session,
        subject_id=subject_id,
        reseal_all=lambda convert: reseal_person(session, subject_id, convert),
    )
