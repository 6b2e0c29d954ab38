"""Enquiries' facts for the gate: the enquiries held about a person (found by
`accord.gate.facts`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from accord.enquiries.models import Enquiry
from accord.gate.facts import HeldRecord, rows_about


def subject_records(session: Session, *, subject_ids: Sequence[uuid.UUID]) -> list[HeldRecord]:
    return rows_about(
        session,
        subject_ids,
        "enquiry",
        id=Enquiry.id,
        subject_id=Enquiry.subject_id,
        register=Enquiry.register,
        owner=Enquiry.organisation,
        at=Enquiry.received_at,
        record_type=Enquiry.record_type,
    )


SUBJECT_RECORDS = subject_records
