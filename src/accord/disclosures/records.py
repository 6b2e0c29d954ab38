"""Finding the record a disclosure is made from: its gate target and its values by category.

Two kinds of record hold what is disclosed: casework cases (accord.cases) and community
safety cases (accord.panels). Values are grouped by register category id, which is what a
disclosure names and releases.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.access import case_target as casework_target
from accord.cases.access import shares_of
from accord.cases.models import Case
from accord.cases.purposes import IDENTITY_CATEGORIES
from accord.gate.types import Target
from accord.panels.access import agencies_of, case_target
from accord.panels.models import CaseParty, SafetyCase
from accord.people import service as people
from accord.people.models import Subject
from accord.register.registry import current_registry

# Casework keeps an address with the contact details; a register that lists the address as a
# category of its own discloses it (and the postcode) under that category.
ADDRESS_FIELDS = frozenset({"address", "postcode"})


@dataclass(frozen=True)
class SourceRecord:
    target: Target
    subject_id: uuid.UUID
    values: dict[str, Any]


def record_target(session: Session, *, record_id: uuid.UUID) -> Target | None:
    """The gate's view of the record (owner, subjects, assignment, shares), nothing unsealed;
    None when there is no such record."""
    safety = session.get(SafetyCase, record_id)
    if safety is not None:
        return case_target(safety, agencies_of(session, safety.id))
    case = session.get(Case, record_id)
    if case is not None:
        return casework_target(case, shares_of(session, case.id))
    return None


def find_record(session: Session, *, record_id: uuid.UUID) -> SourceRecord:
    """The record with this id (a safety case or a casework case), or LookupError."""
    safety = session.get(SafetyCase, record_id)
    if safety is not None:
        values = dict(people.unseal(session, subject_id=safety.subject_id, blob=safety.referral))
        main = session.get(CaseParty, _main_party_id(session, safety.id, safety.subject_id))
        if main is not None:
            values.update(people.unseal(session, subject_id=main.subject_id, blob=main.details))
        return SourceRecord(
            target=case_target(safety, agencies_of(session, safety.id)),
            subject_id=safety.subject_id,
            values=values,
        )
    case = session.get(Case, record_id)
    if case is None:
        raise LookupError("record_id: no such record")
    identity = people.unseal(session, subject_id=case.subject_id, blob=case.identity)
    return SourceRecord(
        target=casework_target(case, shares_of(session, case.id)),
        subject_id=case.subject_id,
        values=group_by_category(case.register, identity),
    )


def group_by_category(register_id: str, identity: dict[str, Any]) -> dict[str, Any]:
    """A case's sealed identity fields as {category: {field: value}}, in the categories the
    case's register names (so what a disclosure approves is found where it is held)."""
    categories = {c.id for c in current_registry().get(register_id).categories}
    grouped: dict[str, Any] = {}
    for field, value in identity.items():
        category = IDENTITY_CATEGORIES.get(field)
        if field in ADDRESS_FIELDS and "address" in categories:
            category = "address"
        if category is not None and value is not None:
            grouped.setdefault(category, {})[field] = value
    return grouped


def _main_party_id(session: Session, case_id: uuid.UUID, subject_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(
        select(CaseParty.id).where(CaseParty.case_id == case_id, CaseParty.subject_id == subject_id)
    )


def targets_of_subject(session: Session, *, subject_id: uuid.UUID) -> list[Target]:
    """The gate targets of every case (casework or community safety) about this subject, so
    an act on the person (a deletion on withdrawal) is checked against each of their records,
    caseload included."""
    targets = [
        casework_target(case, shares_of(session, case.id))
        for case in session.scalars(select(Case).where(Case.subject_id == subject_id))
    ]
    safety_ids = set(
        session.scalars(select(SafetyCase.id).where(SafetyCase.subject_id == subject_id))
    ) | set(session.scalars(select(CaseParty.case_id).where(CaseParty.subject_id == subject_id)))
    for case_id in sorted(safety_ids, key=str):
        safety = session.get(SafetyCase, case_id)
        if safety is not None:
            targets.append(case_target(safety, agencies_of(session, safety.id), party=subject_id))
    return targets


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
