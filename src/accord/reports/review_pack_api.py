"""The six-monthly partner data review pack (JSON, HTML or PDF) and its recorded outcomes."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.reports import review_pack
from accord.web.errors import ERROR_RESPONSES as _ERRORS

router = APIRouter(prefix="/api/reports/reviews", tags=["reports"])


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner: str
    period_from: date
    period_to: date
    decision: review_pack.Decision
    notes: str = Field(default="", max_length=2000)


class OutcomeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True, serialize_by_alias=True)

    id: uuid.UUID
    register_id: str = Field(alias="register")
    partner: str
    period_from: date
    period_to: date
    decision: str
    notes: str
    pack_hash: str
    decided_by_name: str
    organisation: str
    decided_at: datetime


@router.get("/{register}", responses=_ERRORS, response_model=None)
def pack(
    register: str,
    session: DbSession,
    actor: CurrentActor,
    partner: str | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    format: Literal["json", "html", "pdf"] = "json",
) -> dict[str, Any] | Response:
    """Per partner, over the period (default the last six months): what was received, held,
    matched, reported and set aside. Counts only."""
    built = review_pack.build(
        session,
        actor=actor,
        register=register,
        partner=partner,
        period_from=period_from,
        period_to=period_to,
    )
    if format == "html":
        return Response(review_pack.to_html(built), media_type="text/html; charset=utf-8")
    if format == "pdf":
        name = f"{register}-partner-review-{built.period_to:%Y%m%d}.pdf"
        return Response(
            review_pack.to_pdf(built),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return asdict(built) | {"digest": built.digest()}


@router.get("/{register}/outcomes", responses=_ERRORS)
def list_outcomes(
    register: str, session: DbSession, actor: CurrentActor, partner: str | None = None
) -> list[OutcomeOut]:
    rows = review_pack.outcomes(session, actor=actor, register=register, partner=partner)
    return [OutcomeOut.model_validate(r) for r in rows]


@router.post("/{register}/outcomes", status_code=201, responses=_ERRORS)
def record_outcome(
    register: str, body: OutcomeIn, session: DbSession, actor: CurrentActor
) -> OutcomeOut:
    """Record what the partners decided about one partner's data for the period."""
    row = review_pack.record_outcome(
        session,
        actor=actor,
        register=register,
        partner=body.partner,
        period_from=body.period_from,
        period_to=body.period_to,
        decision=body.decision.value,
        notes=body.notes,
    )
    return OutcomeOut.model_validate(row)
