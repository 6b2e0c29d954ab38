"""What retention disposes of here: rights requests, with the rights asked for and the
events of their clock (ON DELETE CASCADE); the representative, a subject of their own, is
erased with the request when nothing else of theirs remains."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.retention.declare import ClockedRows, chunks, present
from accord.rights.models import RightsRequest

RECORD_TYPE = "rights-request"


def _representatives(session: Session, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for part in chunks(ids):
        found.update(
            s
            for s in session.scalars(
                select(RightsRequest.representative_id).where(RightsRequest.id.in_(part))
            )
            if s is not None
        )
    return found


class _Requests(ClockedRows):
    def holding(
        self,
        session: Session,
        subject_ids: Sequence[uuid.UUID],
        excluding: Sequence[uuid.UUID] = (),
    ) -> set[uuid.UUID]:
        found = super().holding(session, subject_ids, excluding)
        for part in chunks(subject_ids):
            found.update(
                s
                for s in session.scalars(
                    select(RightsRequest.representative_id).where(
                        RightsRequest.representative_id.in_(part)
                    )
                )
                if s is not None
            )
        return found


DECLARATIONS = (
    _Requests(
        name="rights-requests",
        model=RightsRequest,
        record_types=lambda register: present(register, RECORD_TYPE),
        parties=_representatives,
    ),
)
