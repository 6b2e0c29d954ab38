"""The disclosure log's facts for the gate: the disclosures logged about a person (found by
`accord.gate.facts`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from accord.disclosures.models import DisclosureEntry
from accord.gate.facts import HeldRecord, rows_about


def subject_records(session: Session, *, subject_ids: Sequence[uuid.UUID]) -> list[HeldRecord]:
    return rows_about(
        session,
        subject_ids,
        "disclosure",
        id=DisclosureEntry.id,
        subject_id=DisclosureEntry.subject_id,
        register=DisclosureEntry.register,
        owner=DisclosureEntry.from_organisation,
        at=DisclosureEntry.disclosed_at,
    )


SUBJECT_RECORDS = subject_records
