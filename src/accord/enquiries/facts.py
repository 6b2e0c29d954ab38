"""Enquiries' facts for the gate: the enquiries held about a person (found by
`accord.gate.facts`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.enquiries.models import Enquiry
from accord.gate.facts import HeldRecord


def subject_records(session: Session, *, subject_ids: Sequence[uuid.UUID]) -> list[HeldRecord]:
    rows = session.execute(
        select(
            Enquiry.id, Enquiry.subject_id, Enquiry.register, Enquiry.organisation,
            Enquiry.record_type, Enquiry.received_at,
        ).where(Enquiry.subject_id.in_(list(subject_ids)))
    )  # fmt: skip
    return [HeldRecord("enquiry", *row) for row in rows]


SUBJECT_RECORDS = subject_records
