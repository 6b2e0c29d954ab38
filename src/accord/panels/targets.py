"""Gate targets for risk-panel and outreach cases, for generic gate routes (access grants)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from accord.gate.types import Target
from accord.panels.access import agencies_of, case_target
from accord.panels.models import SafetyCase


def resolve_case(session: Session, *, register: str, record_id: uuid.UUID) -> Target | None:
    case = session.get(SafetyCase, record_id)
    if case is None or case.register != register:
        return None
    return case_target(case, agencies_of(session, case.id))


RESOLVERS = {
    record_type: resolve_case
    for record_type in ("marac-case", "crp-case", "iom-case", "dsv-outreach-case", "fgm-case")
}
