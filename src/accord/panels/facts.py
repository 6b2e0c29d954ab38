"""Community safety's facts for the gate: the safety cases a person is the subject of or a
party to, and a safety case as the record a disclosure is made from (found by
`accord.gate.facts`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.gate.facts import HeldRecord, SourceRecord
from accord.gate.types import Target
from accord.panels.access import agencies_of, case_target
from accord.panels.models import CaseParty, SafetyCase
from accord.people import service as people


def subject_targets(session: Session, *, subject_id: uuid.UUID) -> list[Target]:
    case_ids = set(
        session.scalars(select(SafetyCase.id).where(SafetyCase.subject_id == subject_id))
    ) | set(session.scalars(select(CaseParty.case_id).where(CaseParty.subject_id == subject_id)))
    targets = []
    for case_id in sorted(case_ids, key=str):
        case = session.get(SafetyCase, case_id)
        if case is not None:
            targets.append(case_target(case, agencies_of(session, case.id), party=subject_id))
    return targets


def _main_party_id(session: Session, case_id: uuid.UUID, subject_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(
        select(CaseParty.id).where(CaseParty.case_id == case_id, CaseParty.subject_id == subject_id)
    )


class SafetyCaseRecords:
    def target(self, session: Session, *, record_id: uuid.UUID) -> Target | None:
        case = session.get(SafetyCase, record_id)
        return None if case is None else case_target(case, agencies_of(session, case.id))

    def record(self, session: Session, *, record_id: uuid.UUID) -> SourceRecord | None:
        case = session.get(SafetyCase, record_id)
        if case is None:
            return None
        values = dict(people.unseal(session, subject_id=case.subject_id, blob=case.referral))
        main = session.get(CaseParty, _main_party_id(session, case.id, case.subject_id))
        if main is not None:
            values.update(people.unseal(session, subject_id=main.subject_id, blob=main.details))
        return SourceRecord(
            target=case_target(case, agencies_of(session, case.id)),
            subject_id=case.subject_id,
            values=values,
        )


SUBJECT_TARGETS = subject_targets
RECORDS = SafetyCaseRecords()


def subject_records(session: Session, *, subject_ids: Sequence[uuid.UUID]) -> list[HeldRecord]:
    """The safety cases these people are the subject of or a party to (one row per case and
    person; a party's case is listed under the party)."""
    ids = list(subject_ids)
    columns = (SafetyCase.id, SafetyCase.register, SafetyCase.organisation, SafetyCase.record_type)
    rows = list(
        session.execute(
            select(*columns, SafetyCase.subject_id, SafetyCase.opened_at).where(
                SafetyCase.subject_id.in_(ids)
            )
        )
    )
    rows += session.execute(
        select(*columns, CaseParty.subject_id, CaseParty.added_at)
        .join(CaseParty, CaseParty.case_id == SafetyCase.id)
        .where(CaseParty.subject_id.in_(ids))
    ).all()
    seen: set[tuple[uuid.UUID, uuid.UUID]] = set()
    out = []
    for case_id, register, owner, record_type, subject_id, at in rows:
        if (case_id, subject_id) not in seen:
            seen.add((case_id, subject_id))
            out.append(
                HeldRecord("safety-case", case_id, subject_id, register, owner, record_type, at)
            )
    return out


SUBJECT_RECORDS = subject_records
