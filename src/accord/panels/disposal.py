"""What retention disposes of here: community safety cases with their parties, agencies,
minutes (panel listings), actions and updates, which go with the case (ON DELETE CASCADE)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from accord.panels.access import REFERENCE_PREFIX
from accord.panels.models import CaseParty, SafetyCase
from accord.register.schema import Register
from accord.retention.declare import ClockedRows, select_in


def _record_types(register: Register) -> frozenset[str]:
    return frozenset(
        rt.id for rt in register.record_types if rt.personal_data and rt.service in REFERENCE_PREFIX
    )


def _parties(session: Session, case_ids: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, uuid.UUID]]:
    return [
        (case_id, subject_id)
        for case_id, subject_id in select_in(
            session, CaseParty, ("case_id", "subject_id"), "case_id", case_ids
        )
    ]


def _holding(session: Session, subject_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    return {s for (s,) in select_in(session, CaseParty, ("subject_id",), "subject_id", subject_ids)}


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
