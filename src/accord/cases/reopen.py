"""Reopening a closed case, or a referral whose person did not take the service up and has
come back.

A successful contact on a not-taken-up case reopens it on its own (`workflow.record_contact`);
pages, the API and other services call `reopen` directly, with the reason. The case is an
open `case` (or `rj-case`) again, its clock moves back to the engaged rule (6 years after the
last contact; a restorative justice case's clock, counted from closure, stops while it is
open), and the timeline says who reopened it and why.
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
    """Reopen a closed or not-taken-up case (409 for an open one), through the gate: the
    caseworker whose case it is, or a team manager of its team."""
    case_id = case.id if isinstance(case, Case) else case
    loaded, _ = load_case(
        session, actor=actor, case_id=case_id, purpose=purposes.CASEWORK, action=Action.UPDATE
    )
    return reopen_case(session, actor=actor, case=loaded, reason=reason, at=at)
