"""Finding the record a disclosure is made from: its gate target and its values by category.

The domains that hold such records (casework cases, community safety cases) give them to the
gate as facts (`accord.gate.facts`); disclosures read them from there, so this package
imports none of them. Values are grouped by register category id, which is what a
disclosure names and releases.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from accord.errors import NotFound
from accord.gate import facts
from accord.gate.facts import SourceRecord
from accord.gate.types import Target
from accord.people.models import Subject
from accord.register.registry import current_registry

__all__ = ["SourceRecord", "find_record", "record_target", "subject_target", "targets_of_subject"]


def record_target(session: Session, *, record_id: uuid.UUID) -> Target | None:
    """The gate's view of the record (owner, subjects, assignment, shares), nothing unsealed;
    None when there is no such record."""
    return facts.record_target(session, record_id=record_id)


def find_record(session: Session, *, record_id: uuid.UUID) -> SourceRecord:
    """The record with this id (a safety case or a casework case), or NotFound."""
    found = facts.source_record(session, record_id=record_id)
    if found is None:
        raise NotFound("record", "No such record.")
    return found


def targets_of_subject(session: Session, *, subject_id: uuid.UUID) -> list[Target]:
    """The gate targets of every case (casework or community safety) about this subject, so
    an act on the person (a deletion on withdrawal) is checked against each of their records,
    caseload included."""
    return facts.subject_targets(session, subject_id=subject_id)


def subject_target(session: Session, *, subject: Subject, actor_organisation: str) -> Target:
    """The record the gate weighs a read about a person as a whole on (their disclosure
    log): one of their records shared with the reader's organisation if any, else one their
    owner holds; for a person with no record yet, their register's first record type, owned
    by the person's organisation."""
    targets = targets_of_subject(session, subject_id=subject.id)
    for target in targets:
        if actor_organisation == target.owner_organisation or (
            actor_organisation in target.shared_with
        ):
            return target
    for target in targets:
        if target.owner_organisation == subject.organisation:
            return target
    register = current_registry().get(subject.register)
    record_type = next(r.id for r in register.record_types if r.personal_data)
    return Target(
        register=subject.register,
        record_type=record_type,
        owner_organisation=subject.organisation,
        subject_ids=(subject.id,),
    )
