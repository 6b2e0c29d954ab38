"""Access outside a caseload, the DPO's review queue, and a person's access history."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.errors import NotFound
from accord.gate import access, targets
from accord.gate.history import view_history
from accord.gate.models import AccessGrant
from accord.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api", tags=["gate"])


# `register` is a BaseModel attribute: the fields are register_id, spelt "register" in JSON.


class GrantRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    register_id: str = Field(alias="register")
    record_type: str
    record_id: uuid.UUID
    purpose: str
    reason: str = Field(default="", description="Why you need this record (reviewed by the DPO).")
    hours: float | None = Field(default=None, gt=0, le=access.MAX_HOURS)


class GrantOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: uuid.UUID
    actor_id: uuid.UUID
    actor_organisation: str
    register_id: str = Field(alias="register")
    record_type: str
    record_id: uuid.UUID
    purpose: str
    reason: str
    granted_at: datetime
    expires_at: datetime
    review_state: str
    reviewed_by: uuid.UUID | None
    reviewed_at: datetime | None
    review_note: str | None

    @classmethod
    def of(cls, grant: AccessGrant) -> GrantOut:
        return cls.model_validate(grant, from_attributes=True)


class ReviewDecision(BaseModel):
    outcome: access.ReviewOutcome
    note: str = ""


class HistoryOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    seq: int
    at: datetime
    actor_id: uuid.UUID | None
    actor_kind: str
    actor_organisation: str
    action: str
    purpose: str
    reason: str
    outcome: str
    register_id: str = Field(alias="register")
    record_type: str
    record_ids: list[str]
    categories: list[str]
    stated_reason: str | None


@router.post("/access/grants", response_model=GrantOut, status_code=201, responses=ERROR_RESPONSES)
def request_grant(body: GrantRequest, session: DbSession, actor: CurrentActor) -> GrantOut:
    target = targets.resolve(
        session, register=body.register_id, record_type=body.record_type, record_id=body.record_id
    )
    if target is None:
        raise NotFound("record", f"no {body.record_type} {body.record_id} in {body.register_id}")
    grant = access.request_access(
        session,
        actor=actor,
        purpose=body.purpose,
        target=target,
        reason=body.reason,
        hours=body.hours,
    )
    return GrantOut.of(grant)


@router.get("/access/reviews", response_model=list[GrantOut], responses=ERROR_RESPONSES)
def reviews(
    session: DbSession,
    actor: CurrentActor,
    state: str = Query("pending", description="pending, appropriate, inappropriate or all"),
) -> list[GrantOut]:
    grants = access.list_reviews(session, actor=actor, state=None if state == "all" else state)
    return [GrantOut.of(g) for g in grants]


@router.post(
    "/access/reviews/{grant_id}/decision", response_model=GrantOut, responses=ERROR_RESPONSES
)
def decide(
    grant_id: uuid.UUID, body: ReviewDecision, session: DbSession, actor: CurrentActor
) -> GrantOut:
    grant = access.decide_review(
        session, actor=actor, grant_id=grant_id, outcome=body.outcome, note=body.note
    )
    return GrantOut.of(grant)


@router.get(
    "/subjects/{subject_id}/history", response_model=list[HistoryOut], responses=ERROR_RESPONSES
)
def subject_history(
    subject_id: uuid.UUID, session: DbSession, actor: CurrentActor
) -> list[HistoryOut]:
    items = view_history(session, actor=actor, subject_id=subject_id)
    return [HistoryOut.model_validate(item, from_attributes=True) for item in items]
