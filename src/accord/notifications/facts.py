"""Fair processing's facts for the gate: the notices sent or withheld about a person (found
by `accord.gate.facts`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from accord.gate.facts import HeldRecord, rows_about
from accord.notifications.models import FairProcessingNotice as Notice


def subject_records(session: Session, *, subject_ids: Sequence[uuid.UUID]) -> list[HeldRecord]:
    return rows_about(
        session,
        subject_ids,
        "notice",
        id=Notice.id,
        subject_id=Notice.subject_id,
        register=Notice.register,
        owner=Notice.organisation,
        at=Notice.decided_at,
    )


SUBJECT_RECORDS = subject_records
