"""Casework's facts for the gate: the cases held about a person, and a case as the record a
disclosure is made from (found by `accord.gate.facts`)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.access import case_target, shares_of
from accord.cases.models import Case
from accord.cases.purposes import IDENTITY_CATEGORIES
from accord.gate.facts import SourceRecord
from accord.gate.types import Target
from accord.people import service as people
from accord.register.registry import current_registry

# Casework keeps an address with the contact details; a register that lists the address as a
# category of its own discloses it (and the postcode) under that category.
ADDRESS_FIELDS = frozenset({"address", "postcode"})


def subject_targets(session: Session, *, subject_id: uuid.UUID) -> list[Target]:
    return [
        case_target(case, shares_of(session, case.id))
        for case in session.scalars(select(Case).where(Case.subject_id == subject_id))
    ]


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
            values=group_by_category(case.register, identity),
        )


SUBJECT_TARGETS = subject_targets
RECORDS = CaseRecords()
