"""Reopening a case whose person did not take the service up and has come back.

A successful contact on a not-taken-up case reopens it on its own (`workflow.record_contact`);
pages and other services call `reopen` directly. The case becomes a `case` (or `rj-case`)
again, its clock moves from 12 months after the outcome to the engaged rule (6 years after
the last contact), and the timeline says so.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from accord.cases import purposes
from accord.cases.access import load_case
from accord.cases.models import Case
from accord.cases.workflow import reopen_case
from accord.gate.types import Action, Actor


def reopen(
    *,
    session: Session,
    actor: Actor,
    case: Case | uuid.UUID,
    reason: str,
    at: datetime | None = None,
) -> Case:
    """Reopen a not-taken-up case (409 for any other state), through the gate."""
    case_id = case.id if isinstance(case, Case) else case
    loaded, _ = load_case(
        session, actor=actor, case_id=case_id, purpose=purposes.CASEWORK, action=Action.UPDATE
    )
    return reopen_case(session, actor=actor, case=loaded, reason=reason, at=at)
