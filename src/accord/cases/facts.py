"""Casework's facts for the gate: the cases (and complaints) held about a person, and a case as
the record a disclosure is made from (found by `accord.gate.facts`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.access import case_target, shares_of
from accord.cases.models import Case, Complaint
from accord.cases.purposes import IDENTITY_FIELDS, field_categories
from accord.gate.facts import HeldRecord, SourceRecord
from accord.gate.types import Target
from accord.people import service as people
from accord.register.registry import current_registry


def subject_targets(session: Session, *, subject_id: uuid.UUID) -> list[Target]:
    return [
        case_target(case, shares_of(session, case.id))
        for case in session.scalars(select(Case).where(Case.subject_id == subject_id))
    ]


def group_by_category(
    register_id: str, record_type: str, identity: dict[str, Any]
) -> dict[str, Any]:
    """A case's sealed identity fields as {category: {field: value}}, in the categories the
    case's register names for its record type (so what a disclosure approves is found where
    it is held)."""
    categories = field_categories(current_registry().get(register_id), record_type)
    grouped: dict[str, Any] = {}
    for field, value in identity.items():
        category = categories.get(field) if field in IDENTITY_FIELDS else None
        if category is not None and value is not None:
            grouped.setdefault(category, {})[field] = value
    return grouped


class CaseRecords:
    def target(self, session: Session, *, record_id: uuid.UUID) -> Target | None:
        case = session.get(Case, record_id)
        return None if case is None else case_target(case, shares_of(session, case.id))

    def record(self, session: Session, *, record_id: uuid.UUID) -> SourceRecord | None:
        case = session.get(Case, record_id)
        if case is None:
            return None
        identity = people.unseal(session, subject_id=case.subject_id, blob=case.identity)
        return SourceRecord(
            target=case_target(case, shares_of(session, case.id)),
            subject_id=case.subject_id,
            values=group_by_category(case.register, case.record_type, identity),
        )


SUBJECT_TARGETS = subject_targets
RECORDS = CaseRecords()


def subject_records(session: Session, *, subject_ids: Sequence[uuid.UUID]) -> list[HeldRecord]:
    """The cases and complaints held about these people (ids and owners only)."""
    ids = list(subject_ids)
    cases = session.execute(
        select(
            Case.id, Case.subject_id, Case.register, Case.organisation, Case.record_type,
            Case.received_at,
        ).where(Case.subject_id.in_(ids))
    )  # fmt: skip
    complaints = session.execute(
        select(
            Complaint.id, Complaint.subject_id, Complaint.register, Complaint.organisation,
            Complaint.record_type, Complaint.received_at,
        ).where(Complaint.subject_id.in_(ids))
    )  # fmt: skip
    return [
        HeldRecord(kind, *row)
        for kind, rows in (("case", cases), ("complaint", complaints))
        for row in rows
    ]


SUBJECT_RECORDS = subject_records
