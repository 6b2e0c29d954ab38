"""Fair processing's facts for the gate: the notices sent or withheld about a person (found
by `accord.gate.facts`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.gate.facts import HeldRecord
from accord.notifications.models import FairProcessingNotice as Notice


def subject_records(session: Session, *, subject_ids: Sequence[uuid.UUID]) -> list[HeldRecord]:
    rows = session.execute(
        select(
            Notice.id, Notice.subject_id, Notice.register, Notice.organisation, Notice.decided_at
        ).where(Notice.subject_id.in_(list(subject_ids)))
    )
    return [
        HeldRecord("notice", row_id, subject_id, register, owner, None, at)
        for row_id, subject_id, register, owner, at in rows
    ]


SUBJECT_RECORDS = subject_records
