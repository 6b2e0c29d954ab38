"""What retention disposes of here: community safety cases with their parties, agencies,
minutes (panel listings), actions and updates, which go with the case (ON DELETE CASCADE)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.panels.access import REFERENCE_PREFIX
from accord.panels.models import CaseParty, SafetyCase
from accord.register.schema import Register
from accord.retention.declare import ClockedRows, chunks


def _record_types(register: Register) -> frozenset[str]:
    return frozenset(
        rt.id for rt in register.record_types if rt.personal_data and rt.service in REFERENCE_PREFIX
    )


def _parties(session: Session, case_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for part in chunks(case_ids):
        found.update(
            session.scalars(select(CaseParty.subject_id).where(CaseParty.case_id.in_(part)))
        )
    return found


def _holding(session: Session, subject_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for part in chunks(subject_ids):
        found.update(
            session.scalars(select(CaseParty.subject_id).where(CaseParty.subject_id.in_(part)))
        )
    return found


class _SafetyCases(ClockedRows):
    def holding(
        self,
        session: Session,
        subject_ids: Sequence[uuid.UUID],
        excluding: Sequence[uuid.UUID] = (),
    ) -> set[uuid.UUID]:
        return super().holding(session, subject_ids, excluding) | _holding(session, subject_ids)


DECLARATIONS = (
    _SafetyCases(
        name="panel-cases", model=SafetyCase, record_types=_record_types, parties=_parties
    ),
)
