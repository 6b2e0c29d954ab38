"""Retention over HTTP, for a caller holding `retention:run:execute`, each seeing their own
organisation's part: what falls due (`GET /api/retention/plan`), legal holds
(`GET/POST /api/retention/holds`, `POST .../{id}/release`), the review queue
(`GET /api/retention/reviews`, `POST .../{id}/decision`) and disposal certificates
(`GET /api/retention/certificates`, `/{run_id}`: the organisation's counts, with the whole
certificate's hash and whether it still matches the audit chain)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.gate.catalogue import Permission
from accord.gate.service import require
from accord.gate.types import Actor
from accord.paging import Limit, Offset, Page
from accord.retention import certificates, holds, reviews
from accord.retention.models import RetentionHold, RetentionReview
from accord.retention.plan import plan
from accord.web.errors import ERROR_RESPONSES as _ERRORS

T = TypeVar("T")
router = APIRouter(prefix="/api/retention", tags=["retention"])


class CertificateOut(BaseModel):
    run: uuid.UUID
    finished_at: str | None
    ran_by: str
    period: dict[str, str | None]
    counts: list[dict[str, Any]]
    keys_destroyed: int
    hash: str
    in_audit_chain: bool
    intact: bool


def _out(view: certificates.CertificateView, actor: Actor) -> CertificateOut:
    cert = view.certificate
    return CertificateOut(
        run=view.run_id,
        finished_at=view.finished_at,
        ran_by=view.ran_by,
        period=cert["period"],
        counts=[c for c in cert["counts"] if c["organisation"] == actor.organisation],
        keys_destroyed=cert["keys_destroyed"],
        hash=view.hash,
        in_audit_chain=view.in_audit_chain,
        intact=view.intact,
    )


@router.get("/certificates", responses=_ERRORS)
def list_certificates(
    session: DbSession, actor: CurrentActor, limit: Limit = 50, offset: Offset = 0
) -> Page[CertificateOut]:
    views = certificates.list_certificates(session, actor=actor, limit=limit, offset=offset)
    return Page(
        items=[_out(v, actor) for v in views],
        total=certificates.count_certificates(session),
        limit=limit,
        offset=offset,
    )


@router.get("/certificates/{run_id}", responses=_ERRORS)
def show_certificate(run_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> CertificateOut:
    return _out(certificates.show_certificate(session, actor=actor, run_id=run_id), actor)


def _page(items: list[T], limit: int, offset: int) -> Page[T]:
    return Page(items=items[offset : offset + limit], total=len(items), limit=limit, offset=offset)


class PlanLineOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    register_id: str = Field(alias="register")
    service: str | None
    record_type: str
    rule: str
    action: str
    count: int


@router.get("/plan", responses=_ERRORS)
def what_falls_due(
    session: DbSession,
    actor: CurrentActor,
    days: int = Query(0, ge=0, le=3660),
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[PlanLineOut]:
    """What of the caller's organisation falls due within `days` (counts only)."""
    require(
        session, actor=actor, permission=Permission.RETENTION_RUN_EXECUTE, what="retention-plan"
    )
    lines = [
        PlanLineOut(
            register_id=line.register,
            service=line.service,
            record_type=line.record_type,
            rule=line.rule,
            action=line.action,
            count=line.count,
        )
        for line in plan(session, days=days)
        if line.organisation == actor.organisation
    ]
    return _page(lines, limit, offset)


class HoldIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    register_id: str = Field(alias="register", max_length=64)
    scope: Literal["subject", "record", "record-type"]
    kind: Literal["litigation", "investigation", "inquiry"]
    reason: str = Field(min_length=10, max_length=500)
    record_type: str | None = Field(default=None, max_length=64)
    record_id: uuid.UUID | None = None
    subject_id: uuid.UUID | None = None


class HoldOut(BaseModel):
    id: uuid.UUID
    model_config = ConfigDict(populate_by_name=True)

    register_id: str = Field(alias="register")
    scope: str
    kind: str
    reason: str
    record_type: str | None
    record_id: uuid.UUID | None
    subject_id: uuid.UUID | None
    placed_by: str
    placed_at: datetime
    released_at: datetime | None
    release_reason: str | None = None


def _hold(hold: RetentionHold) -> HoldOut:
    return HoldOut(
        id=hold.id,
        register_id=hold.register,
        scope=hold.scope,
        kind=hold.kind,
        reason=hold.reason,
        record_type=hold.record_type,
        record_id=hold.record_id,
        subject_id=hold.subject_id,
        placed_by=hold.placed_by,
        placed_at=hold.placed_at,
        released_at=hold.released_at,
        release_reason=hold.release_reason,
    )


@router.get("/holds", responses=_ERRORS)
def list_holds(
    session: DbSession, actor: CurrentActor, limit: Limit = 50, offset: Offset = 0
) -> Page[HoldOut]:
    """The caller's organisation's holds in force."""
    return _page([_hold(h) for h in holds.list_holds(session, actor=actor)], limit, offset)


@router.post("/holds", status_code=201, responses=_ERRORS)
def place_hold(body: HoldIn, session: DbSession, actor: CurrentActor) -> HoldOut:
    """Hold a person, a record or a record type of the caller's organisation."""
    return _hold(
        holds.place_hold(
            session,
            actor=actor,
            register=body.register_id,
            scope=body.scope,
            kind=body.kind,
            reason=body.reason,
            record_type=body.record_type,
            record_id=body.record_id,
            subject_id=body.subject_id,
        )
    )


class ReleaseIn(BaseModel):
    reason: str = Field(min_length=10, max_length=500)


@router.post("/holds/{hold_id}/release", responses=_ERRORS)
def release_hold(
    hold_id: uuid.UUID, session: DbSession, actor: CurrentActor, body: ReleaseIn | None = None
) -> HoldOut:
    """End a hold; the body, when sent, says why it is over."""
    reason = body.reason if body is not None else None
    return _hold(holds.release_hold(session, actor=actor, hold_id=hold_id, reason=reason))


class ReviewOut(BaseModel):
    id: uuid.UUID
    model_config = ConfigDict(populate_by_name=True)

    register_id: str = Field(alias="register")
    service: str | None
    record_type: str
    record_id: uuid.UUID
    due_at: datetime
    status: str


class DecisionIn(BaseModel):
    decision: Literal["dispose", "keep"]
    reason: str = Field(min_length=10, max_length=500)
    review_on: datetime | None = None


def _review(review: RetentionReview) -> ReviewOut:
    return ReviewOut(
        id=review.id,
        register_id=review.register,
        service=review.service,
        record_type=review.record_type,
        record_id=review.record_id,
        due_at=review.due_at,
        status=review.status,
    )


@router.get("/reviews", responses=_ERRORS)
def list_reviews(
    session: DbSession, actor: CurrentActor, limit: Limit = 50, offset: Offset = 0
) -> Page[ReviewOut]:
    """Records of the caller's organisation waiting for a person to decide."""
    return _page([_review(r) for r in reviews.pending(session, actor=actor)], limit, offset)


@router.post("/reviews/{review_id}/decision", responses=_ERRORS)
def decide_review(
    review_id: uuid.UUID, body: DecisionIn, session: DbSession, actor: CurrentActor
) -> ReviewOut:
    """Dispose of the record, or keep it with a reason and a new review date."""
    return _review(
        reviews.decide(
            session,
            actor=actor,
            review_id=review_id,
            decision=body.decision,
            reason=body.reason,
            review_on=body.review_on,
        )
    )
