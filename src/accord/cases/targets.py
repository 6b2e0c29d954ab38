"""Gate targets for casework records, so generic gate routes (access grants) can name them."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from accord.cases.access import case_target, shares_of
from accord.cases.models import Case
from accord.gate.types import Target


def resolve_case(session: Session, *, register: str, record_id: uuid.UUID) -> Target | None:
    case = session.get(Case, record_id)
    if case is None or case.register != register:
        return None
    return case_target(case, shares_of(session, case.id))


# A referral becomes a case in place, so all three record types live in the same table.
RESOLVERS = {"referral": resolve_case, "case": resolve_case, "rj-case": resolve_case}
