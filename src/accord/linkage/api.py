"""Linkage API: status and the clerical review queue, every call through the gate."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.gate.types import AccessDenied
from accord.linkage import review, service
from accord.linkage.config import LinkageConfig
from accord.linkage.schemas import DecisionIn, ReviewPairOut, StatusOut
from accord.paging import Offset

router = APIRouter(prefix="/api/linkage", tags=["linkage"])


def linkage_config() -> LinkageConfig:
    """The register, purpose and record type linkage runs under (TVT's by default)."""
    return LinkageConfig()


Config = Annotated[LinkageConfig, Depends(linkage_config)]


def _denied(exc: AccessDenied) -> HTTPException:
    return HTTPException(status_code=403, detail=exc.decision.reason.value)


@router.get("/status", response_model=StatusOut)
def linkage_status(session: DbSession, actor: CurrentActor, config: Config) -> StatusOut:
    try:
        info = service.status(session, actor=actor, config=config)
    except AccessDenied as exc:
        session.commit()  # keep the audit entry of the refusal
        raise _denied(exc) from exc
    session.commit()
    return StatusOut.model_validate(info)


@router.get("/review", response_model=list[ReviewPairOut])
def review_queue(
    session: DbSession,
    actor: CurrentActor,
    config: Config,
    status: Literal["open", "decided", "all"] = "open",
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
) -> list[ReviewPairOut]:
    try:
        pairs = review.list_pairs(
            session, actor=actor, config=config, status=status, limit=limit, offset=offset
        )
    except AccessDenied as exc:
        session.commit()
        raise _denied(exc) from exc
    out = [ReviewPairOut.model_validate(p) for p in pairs]
    session.commit()
    return out


@router.post("/review/{pair_id}", response_model=ReviewPairOut)
def decide_pair(
    pair_id: uuid.UUID, body: DecisionIn, session: DbSession, actor: CurrentActor, config: Config
) -> ReviewPairOut:
    try:
        pair = review.decide(
            session,
            actor=actor,
            config=config,
            pair_id=pair_id,
            decision=body.decision,
            note=body.note,
        )
    except AccessDenied as exc:
        session.commit()
        raise _denied(exc) from exc
    except review.ReviewError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    out = ReviewPairOut.model_validate(pair)
    session.commit()
    return out
