"""Fair-processing notifications over HTTP, for the people in a community safety case."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.errors import Invalid
from accord.gate.registers import register_for
from accord.gate.types import Target
from accord.notifications import queue, service
from accord.notifications.models import FairProcessingNotice
from accord.paging import Limit, Offset, Page
from accord.panels.access import NotFound, agencies_of, case_purpose, case_target
from accord.panels.models import CaseParty, SafetyCase
from accord.register.registry import current_registry
from accord.web.errors import ERROR_RESPONSES as ERRORS

router = APIRouter(prefix="/api/notifications", tags=["notifications"])


class SentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subject_id: uuid.UUID
    channel: service.NotificationChannel


class WithheldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subject_id: uuid.UUID
    reason_code: service.WithholdReason
    reason: str = Field(description="Why telling the person is disproportionate or prejudicial.")
    review_on: datetime | None = None


class DecisionOut(BaseModel):
    id: uuid.UUID
    subject_id: uuid.UUID
    status: str
    channel: str | None
    reason_code: str | None
    reason: str | None = None
    review_on: datetime | None
    decided_at: datetime


def _target(
    session: DbSession, case_id: uuid.UUID, subject_id: uuid.UUID | None
) -> tuple[Target, str]:
    case = session.get(SafetyCase, case_id)
    if case is None:
        raise NotFound("case")
    if subject_id is not None:
        party = session.scalar(
            select(CaseParty.id).where(
                CaseParty.case_id == case.id, CaseParty.subject_id == subject_id
            )
        )
        if party is None:
            raise service.NotificationError("subject_id", "the person is not in this case")
    return case_target(case, agencies_of(session, case.id), party=subject_id), case_purpose(case)


def _out(row: FairProcessingNotice | service.NotificationView) -> DecisionOut:
    reason = row.reason if isinstance(row, service.NotificationView) else None
    return DecisionOut(
        id=row.id,
        subject_id=row.subject_id,
        status=row.status,
        channel=row.channel,
        reason_code=row.reason_code,
        reason=reason,
        review_on=row.review_on,
        decided_at=row.decided_at,
    )


@router.post("/cases/{case_id}/sent", status_code=201, responses=ERRORS)
def sent(case_id: uuid.UUID, body: SentIn, session: DbSession, actor: CurrentActor) -> DecisionOut:
    """Record that a person in the case was told their information is processed."""
    target, purpose = _target(session, case_id, body.subject_id)
    row = service.record_sent(
        session,
        actor=actor,
        target=target,
        subject_id=body.subject_id,
        purpose=purpose,
        channel=body.channel,
    )
    return _out(row)


@router.post("/cases/{case_id}/withheld", status_code=201, responses=ERRORS)
def withheld(
    case_id: uuid.UUID, body: WithheldIn, session: DbSession, actor: CurrentActor
) -> DecisionOut:
    """Record that a person is not told, with the ground and the reason (required)."""
    target, purpose = _target(session, case_id, body.subject_id)
    row = service.withhold(
        session,
        actor=actor,
        target=target,
        subject_id=body.subject_id,
        purpose=purpose,
        reason_code=body.reason_code,
        reason=body.reason,
        review_on=body.review_on,
    )
    return _out(row)


@router.get("/pending", responses=ERRORS)
def pending(
    session: DbSession,
    actor: CurrentActor,
    register: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[queue.Pending]:
    """People in the caller's cases not yet told their data is processed, oldest first; in
    the one register the caller holds roles in unless `register` names one."""
    register = register_for(actor, register)
    loaded = sorted(current_registry().registers)
    if register not in loaded:
        raise Invalid(
            "register",
            f"no register {register!r} is loaded (loaded: {', '.join(loaded)})",
            location="query",
        )
    found = queue.pending_notifications(
        session, actor=actor, register=register, limit=limit, offset=offset
    )
    return found


@router.get("/cases/{case_id}", responses=ERRORS)
def decisions(case_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> list[DecisionOut]:
    target, purpose = _target(session, case_id, None)
    found = service.decisions_for(session, actor=actor, target=target, purpose=purpose)
    return [_out(v) for v in found]
