"""What retention disposes of here: rights requests, with the rights asked for and the
events of their clock (ON DELETE CASCADE); the representative, a subject of their own, is
erased with the request when nothing else of theirs remains."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from accord.retention.declare import ClockedRows, present, select_in
from accord.rights.models import RightsRequest

RECORD_TYPE = "rights-request"


def _representatives(
    session: Session, ids: Sequence[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    rows = select_in(session, RightsRequest, ("id", "representative_id"), "id", ids)
    return [(request_id, person) for request_id, person in rows if person is not None]


class _Requests(ClockedRows):
    def holding(
        self,
        session: Session,
        subject_ids: Sequence[uuid.UUID],
        excluding: Sequence[uuid.UUID] = (),
    ) -> set[uuid.UUID]:
        found = super().holding(session, subject_ids, excluding)
        found.update(
            person
            for (person,) in select_in(
                session, RightsRequest, ("representative_id",), "representative_id", subject_ids
            )
            if person is not None
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
