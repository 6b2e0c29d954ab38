"""What retention disposes of here: enquiries, each under its channel's record type.

An enquiry under an `anonymise` rule keeps what counts it (its record type, channel, status
and dates, none of them about the person): its sealed name, contact and message are replaced
by an empty seal, who handled it and whether the person wanted updates go, and it leaves the
clock. Its person's key goes once none of their other records need it (accord.retention)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.purposes import ENQUIRY_TYPES
from accord.enquiries.models import Enquiry
from accord.people import service as people
from accord.retention.declare import ClockedRows, chunks, present


def _anonymise(session: Session, ids: Sequence[uuid.UUID], keep: frozenset[str]) -> None:
    for part in chunks(ids):
        for enquiry in session.scalars(select(Enquiry).where(Enquiry.id.in_(part))):
            enquiry.content = people.seal(session, subject_id=enquiry.subject_id, values={})
            enquiry.assigned_user = None
            enquiry.wants_updates = False
            enquiry.retention_due = None
    session.flush()


DECLARATIONS = (
    ClockedRows(
        name="enquiries",
        model=Enquiry,
        record_types=lambda register: present(register, *ENQUIRY_TYPES.values()),
        has_service=False,
        anonymise=_anonymise,
    ),
)
