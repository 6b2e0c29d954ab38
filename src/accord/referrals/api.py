"""Police referrals by API (token role `police-referrer`) and match proposals on a case."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.referrals import intake, matches
from accord.referrals.schemas import MatchDecisionIn, MatchOut, PoliceReferralIn, ReferralAccepted
from accord.web.errors import ERROR_RESPONSES as _ERRORS

router = APIRouter(prefix="/api", tags=["referrals"])


@router.post("/referrals", status_code=201, responses=_ERRORS)
def create_referral(
    body: PoliceReferralIn, session: DbSession, actor: CurrentActor
) -> ReferralAccepted:
    """Receive one police referral. Accepted only with the person's recorded consent; the
    identifying fields are encrypted for that person, a route is proposed from the register
    and people already known to the service are proposed as matches for a caseworker."""
    accepted = intake.receive(session, actor=actor, intake=intake.from_police(body, actor=actor))
    return accepted


@router.get("/cases/{case_id}/matches", responses=_ERRORS)
def list_matches(case_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> list[MatchOut]:
    found = matches.list_matches(session, actor=actor, case_id=case_id)
    return found


@router.post("/cases/{case_id}/matches/{match_id}/decision", responses=_ERRORS)
def decide_match(
    case_id: uuid.UUID,
    match_id: uuid.UUID,
    body: MatchDecisionIn,
    session: DbSession,
    actor: CurrentActor,
) -> MatchOut:
    """Confirm or reject a proposed match, with a reason. Nothing is merged."""
    decided = matches.decide_match(
        session, actor=actor, case_id=case_id, match_id=match_id, data=body
    )
    return decided
