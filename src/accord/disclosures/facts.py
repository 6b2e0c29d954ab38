"""The disclosure log's facts for the gate: the disclosures logged about a person (found by
`accord.gate.facts`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.disclosures.models import DisclosureEntry
from accord.gate.facts import HeldRecord


def subject_records(session: Session, *, subject_ids: Sequence[uuid.UUID]) -> list[HeldRecord]:
    rows = session.execute(
        select(
            DisclosureEntry.id, DisclosureEntry.subject_id, DisclosureEntry.register,
            DisclosureEntry.from_organisation, DisclosureEntry.disclosed_at,
        ).where(DisclosureEntry.subject_id.in_(list(subject_ids)))
    )  # fmt: skip
    return [
        HeldRecord("disclosure", row_id, subject_id, register, owner, None, at)
        for row_id, subject_id, register, owner, at in rows
    ]


SUBJECT_RECORDS = subject_records
