"""A caseworker's decision on a proposed match: confirmed or rejected, with the reason kept.

Confirming links the two records for the caseworker's information; nothing is merged.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases import purposes
from accord.cases.access import load_case
from accord.cases.errors import Conflict, NotFound
from accord.cases.models import MatchProposal
from accord.cases.workflow import add_event
from accord.gate.catalogue import Permission
from accord.gate.types import Action, Actor
from accord.referrals.schemas import MatchDecisionIn, MatchOut


def _out(row: MatchProposal) -> MatchOut:
    return MatchOut(
        id=row.id,
        case_id=row.case_id,
        candidate_subject_id=row.candidate_subject_id,
        candidate_case_id=row.candidate_case_id,
        score=row.score,
        reasons=row.reasons.split("; ") if row.reasons else [],
        status=row.status,
        decided_at=row.decided_at,
        decision_reason=row.decision_reason,
    )


def list_matches(session: Session, *, actor: Actor, case_id: uuid.UUID) -> list[MatchOut]:
    case, _ = load_case(
        session, actor=actor, case_id=case_id, purpose=purposes.CASEWORK, action=Action.READ
    )
    rows = session.scalars(
        select(MatchProposal)
        .where(MatchProposal.case_id == case.id)
        .order_by(MatchProposal.score.desc(), MatchProposal.id)
    )
    return [_out(r) for r in rows]


def decide_match(
    session: Session,
    *,
    actor: Actor,
    case_id: uuid.UUID,
    match_id: uuid.UUID,
    data: MatchDecisionIn,
) -> MatchOut:
    case, _ = load_case(
        session,
        actor=actor,
        case_id=case_id,
        purpose=purposes.CASEWORK,
        action=Action.UPDATE,
        permission=Permission.CASE_SUBJECT_MATCH,
    )
    proposal = session.get(MatchProposal, match_id)
    if proposal is None or proposal.case_id != case.id:
        raise NotFound("match proposal")
    if proposal.status != "proposed":
        raise Conflict(f"this proposal was already {proposal.status}")
    now = datetime.now(UTC)
    proposal.status = data.decision
    proposal.decided_by = actor.id
    proposal.decided_at = now
    proposal.decision_reason = data.reason
    add_event(
        session,
        case,
        actor,
        "match-decided",
        now,
        outcome=data.decision,
        details={"match_id": str(proposal.id), "reason": data.reason},
    )
    session.flush()
    return _out(proposal)
