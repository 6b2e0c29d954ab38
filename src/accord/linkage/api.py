"""Linkage API: status and the clerical review queue, every call through the gate."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.linkage import review, service
from accord.linkage.config import LinkageConfig
from accord.linkage.schemas import DecisionIn, ExplanationOut, ReviewPairOut, StatusOut
from accord.paging import Limit, Offset, Page
from accord.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/linkage", tags=["linkage"])


def linkage_config() -> LinkageConfig:
    """The register, purpose and record type linkage runs under: the one loaded register
    declaring the linked-person record type."""
    return LinkageConfig()


Config = Annotated[LinkageConfig, Depends(linkage_config)]


@router.get("/status", response_model=StatusOut, responses=ERROR_RESPONSES)
def linkage_status(session: DbSession, actor: CurrentActor, config: Config) -> StatusOut:
    return StatusOut.model_validate(service.status(session, actor=actor, config=config))


@router.get("/review", responses=ERROR_RESPONSES)
def review_queue(
    session: DbSession,
    actor: CurrentActor,
    config: Config,
    status: Literal["open", "decided", "all"] = "open",
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[ReviewPairOut]:
    pairs, total = review.page_of_pairs(
        session, actor=actor, config=config, status=status, limit=limit, offset=offset
    )
    items = [ReviewPairOut.model_validate(p) for p in pairs]
    return Page[ReviewPairOut](items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/review/{pair_id}/explanation", response_model=ExplanationOut, responses=ERROR_RESPONSES
)
def review_explanation(
    pair_id: uuid.UUID, session: DbSession, actor: CurrentActor, config: Config
) -> ExplanationOut:
    """The match weight each comparison gave the pair (as Splink's waterfall chart)."""
    explained = review.explanation(session, actor=actor, config=config, pair_id=pair_id)
    return ExplanationOut.model_validate(explained)


@router.get(
    "/review/{pair_id}/explanation.svg",
    response_class=Response,
    responses={**ERROR_RESPONSES, 200: {"content": {"image/svg+xml": {}}}},
)
def review_explanation_chart(
    pair_id: uuid.UUID, session: DbSession, actor: CurrentActor, config: Config
) -> Response:
    """The same explanation as a waterfall chart (SVG)."""
    from accord.linkage.explain import waterfall_svg

    explained = review.explanation(session, actor=actor, config=config, pair_id=pair_id)
    return Response(waterfall_svg(explained), media_type="image/svg+xml")


@router.post("/review/{pair_id}", response_model=ReviewPairOut, responses=ERROR_RESPONSES)
def decide_pair(
    pair_id: uuid.UUID, body: DecisionIn, session: DbSession, actor: CurrentActor, config: Config
) -> ReviewPairOut:
    pair = review.decide(
        session, actor=actor, config=config, pair_id=pair_id, decision=body.decision, note=body.note
    )
    return ReviewPairOut.model_validate(pair)
