"""The rights team's API for carrying out the rights other than access (thin: each route calls
one service of `accord.rights` and shapes its answer)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.paging import Limit, Offset, Page
from accord.rights import (
    automated,
    erasure,
    handling_complaints,
    objection,
    portability,
    recipients,
    records,
    rectification,
    restriction,
)
from accord.rights.decision_models import (
    AutomatedReview,
    Objection,
    RecipientNotice,
    Restriction,
)
from accord.web.errors import ERROR_RESPONSES as _ERRORS

router = APIRouter(prefix="/api/rights", tags=["rights"])

TEXT = 4000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- shapes --------------------------------------------------------------------------------


class RecordRightsOut(BaseModel):
    kind: str
    record_id: uuid.UUID
    register_id: str
    record_type: str
    name: str
    rights: list[str]
    erasure_exemptions: dict[str, list[str]]
    portable: bool
    portability: str


class NoticeOut(BaseModel):
    id: uuid.UUID
    kind: str
    decision_id: uuid.UUID
    recipient: str
    fields: list[str]
    state: str
    note: str | None
    recorded_at: datetime | None

    @classmethod
    def of(cls, row: RecipientNotice) -> NoticeOut:
        return cls(
            id=row.id,
            kind=row.kind,
            decision_id=row.decision_id,
            recipient=row.recipient,
            fields=list(row.fields),
            state=row.state,
            note=row.note,
            recorded_at=row.recorded_at,
        )


class RectificationIn(_In):
    record_id: uuid.UUID
    corrections: dict[str, str | None] = Field(max_length=20)
    reason: str = Field(max_length=TEXT)
    request_id: uuid.UUID | None = None
    subject_id: uuid.UUID | None = Field(
        default=None,
        description="For a community safety case: the person in it whose details these are "
        "(its main subject when not given).",
    )


class RectificationOut(BaseModel):
    id: uuid.UUID
    record_id: uuid.UUID
    fields: list[str]
    categories: list[str]
    decided_at: datetime
    notices: int


class CorrectionOut(BaseModel):
    id: uuid.UUID
    fields: list[str]
    old_values: dict[str, Any]
    reason: str | None
    decided_by: uuid.UUID | None
    decided_at: datetime
    request_id: uuid.UUID | None


class NoticeIn(_In):
    state: Literal["notified", "impossible", "disproportionate"]
    note: str | None = Field(default=None, max_length=500)


class PlanOut(BaseModel):
    record_id: uuid.UUID
    kind: str
    register_id: str
    record_type: str
    exemptions: dict[str, list[str]]
    hold: str | None


class KeepIn(_In):
    record_id: uuid.UUID
    exemption: str = Field(max_length=32)
    reason: str = Field(max_length=TEXT)


class ErasureIn(_In):
    subject_id: uuid.UUID
    keep: list[KeepIn] = Field(default_factory=list, max_length=500)
    request_id: uuid.UUID | None = None


class ErasureOut(BaseModel):
    id: uuid.UUID
    outcome: str
    erased: list[uuid.UUID]
    kept: list[uuid.UUID]
    notices: int


class RestrictionIn(_In):
    subject_id: uuid.UUID
    grounds: str = Field(max_length=32)
    request_id: uuid.UUID | None = None


class RestrictionOut(BaseModel):
    id: uuid.UUID
    subject_id: uuid.UUID
    grounds: str
    placed_at: datetime
    lift_notice_at: datetime | None
    lift_notice_channel: str | None
    lifted_at: datetime | None

    @classmethod
    def of(cls, row: Restriction) -> RestrictionOut:
        return cls(
            id=row.id,
            subject_id=row.subject_id,
            grounds=row.grounds,
            placed_at=row.placed_at,
            lift_notice_at=row.lift_notice_at,
            lift_notice_channel=row.lift_notice_channel,
            lifted_at=row.lifted_at,
        )


class LiftNoticeIn(_In):
    channel: str = Field(max_length=32)


class ObjectionIn(_In):
    subject_id: uuid.UUID
    purposes: list[str] = Field(max_length=50)
    grounds: str = Field(max_length=TEXT)
    request_id: uuid.UUID | None = None


class ObjectionDecisionIn(_In):
    outcome: Literal["upheld", "compelling-grounds"]
    reason: str = Field(max_length=TEXT)


class ObjectionOut(BaseModel):
    id: uuid.UUID
    subject_id: uuid.UUID
    purposes: list[str]
    received_at: datetime
    outcome: str | None
    decided_at: datetime | None

    @classmethod
    def of(cls, row: Objection) -> ObjectionOut:
        return cls(
            id=row.id,
            subject_id=row.subject_id,
            purposes=list(row.purposes),
            received_at=row.received_at,
            outcome=row.outcome,
            decided_at=row.decided_at,
        )


class PortabilityIn(_In):
    subject_id: uuid.UUID
    request_id: uuid.UUID | None = None


class ReviewIn(_In):
    subject_id: uuid.UUID
    kind: Literal["match-score", "priority-list"]
    reference: uuid.UUID | None = None
    view: str | None = Field(default=None, max_length=TEXT)
    explanation: str | None = Field(default=None, max_length=TEXT)
    request_id: uuid.UUID | None = None


class ReviewDecisionIn(_In):
    outcome: Literal["confirmed", "changed"]
    note: str = Field(max_length=TEXT)


class ReviewOut(BaseModel):
    id: uuid.UUID
    subject_id: uuid.UUID
    kind: str
    reference: uuid.UUID | None
    explanation: str
    requested_at: datetime
    outcome: str | None
    reviewed_at: datetime | None


def _review(session: DbSession, row: AutomatedReview) -> ReviewOut:
    return ReviewOut(
        id=row.id,
        subject_id=row.subject_id,
        kind=row.kind,
        reference=row.reference,
        explanation=automated.explanation(session, row),
        requested_at=row.requested_at,
        outcome=row.outcome,
        reviewed_at=row.reviewed_at,
    )


class ComplaintIn(_In):
    subject_id: uuid.UUID
    content: str = Field(max_length=TEXT)
    request_id: uuid.UUID | None = None


class AnswerIn(_In):
    answer: str = Field(max_length=TEXT)


class ComplaintOut(BaseModel):
    id: uuid.UUID
    subject_id: uuid.UUID
    received_at: datetime
    answered_at: datetime | None
    ico: str | None = None


# --- which rights apply --------------------------------------------------------------------


@router.get("/people/{subject_id}/applicable", responses=_ERRORS)
def applicable(
    subject_id: uuid.UUID, session: DbSession, actor: CurrentActor
) -> list[RecordRightsOut]:
    """Each record held about the person and the rights that apply to it, from the register."""
    views = records.applicable_for(session, actor=actor, subject_id=subject_id)
    return [
        RecordRightsOut(
            kind=v.record.kind,
            record_id=v.record.record_id,
            register_id=v.record.register,
            record_type=v.record.record_type,
            name=v.name,
            rights=list(v.rights),
            erasure_exemptions={k: list(p) for k, p in v.erasure_exemptions.items()},
            portable=v.portable,
            portability=v.portability,
        )
        for v in views
    ]


# --- rectification and Art 19 notices ------------------------------------------------------


@router.post("/rectifications", status_code=201, responses=_ERRORS)
def rectify(body: RectificationIn, session: DbSession, actor: CurrentActor) -> RectificationOut:
    """Correct fields of a record; recipients of the corrected data are listed to be told."""
    result = rectification.rectify(
        session,
        actor=actor,
        record_id=body.record_id,
        corrections=body.corrections,
        reason=body.reason,
        request_id=body.request_id,
        subject_id=body.subject_id,
    )
    row = result.rectification
    return RectificationOut(
        id=row.id,
        record_id=row.record_id,
        fields=list(row.fields),
        categories=list(row.categories),
        decided_at=row.decided_at,
        notices=result.notices,
    )


@router.get("/records/{record_id}/rectifications", responses=_ERRORS)
def corrections(
    record_id: uuid.UUID, session: DbSession, actor: CurrentActor
) -> list[CorrectionOut]:
    """A record's corrections, oldest first, with the old values, who, when and why."""
    return [
        CorrectionOut(
            id=c.id,
            fields=list(c.fields),
            old_values=c.old_values,
            reason=c.reason,
            decided_by=c.decided_by,
            decided_at=c.decided_at,
            request_id=c.request_id,
        )
        for c in rectification.history(session, actor=actor, record_id=record_id)
    ]


@router.get("/notices", responses=_ERRORS)
def notices(
    register: str,
    session: DbSession,
    actor: CurrentActor,
    decision_id: uuid.UUID | None = None,
    state: Literal["pending", "notified", "impossible", "disproportionate"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[NoticeOut]:
    """Recipients to tell of corrections and erasures (of one decision, in one state), and
    whether they were told: `state=pending` is the queue still to do."""
    found, total = recipients.list_notices(
        session,
        actor=actor,
        register=register,
        decision_id=decision_id,
        state=state,
        limit=limit,
        offset=offset,
    )
    return Page(items=[NoticeOut.of(n) for n in found], total=total, limit=limit, offset=offset)


@router.post("/notices/{notice_id}", responses=_ERRORS)
def record_notice(
    notice_id: uuid.UUID, body: NoticeIn, session: DbSession, actor: CurrentActor
) -> NoticeOut:
    """Record a recipient as told, or why telling them is impossible or disproportionate."""
    row = recipients.record_notice(
        session, actor=actor, notice_id=notice_id, state=body.state, note=body.note
    )
    return NoticeOut.of(row)


# --- erasure -------------------------------------------------------------------------------


@router.get("/people/{subject_id}/erasure-plan", responses=_ERRORS)
def erasure_plan(subject_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> list[PlanOut]:
    """Each record held about the person and the grounds on which it may be kept."""
    return [
        PlanOut(
            record_id=p.record.record_id,
            kind=p.record.kind,
            register_id=p.record.register,
            record_type=p.record.record_type,
            exemptions={e.value: list(ids) for e, ids in p.exemptions.items()},
            hold=p.hold,
        )
        for p in erasure.plan(session, actor=actor, subject_id=subject_id)
    ]


@router.post("/erasures", status_code=201, responses=_ERRORS)
def erase(body: ErasureIn, session: DbSession, actor: CurrentActor) -> ErasureOut:
    """Erase the person's records but those kept under a ground the register gives."""
    result = erasure.erase(
        session,
        actor=actor,
        subject_id=body.subject_id,
        keep=[erasure.Keep(k.record_id, k.exemption, k.reason) for k in body.keep],
        request_id=body.request_id,
    )
    return ErasureOut(
        id=result.decision.id,
        outcome=result.decision.outcome,
        erased=list(result.erased),
        kept=list(result.kept),
        notices=result.notices,
    )


# --- restriction and objection -------------------------------------------------------------


@router.post("/restrictions", status_code=201, responses=_ERRORS)
def restrict(body: RestrictionIn, session: DbSession, actor: CurrentActor) -> RestrictionOut:
    """Restrict all processing of the person's data but storage and legal claims."""
    row = restriction.restrict(
        session,
        actor=actor,
        subject_id=body.subject_id,
        grounds=body.grounds,
        request_id=body.request_id,
    )
    return RestrictionOut.of(row)


@router.post("/restrictions/{restriction_id}/lift-notice", responses=_ERRORS)
def lift_notice(
    restriction_id: uuid.UUID, body: LiftNoticeIn, session: DbSession, actor: CurrentActor
) -> RestrictionOut:
    """Record that the person was told the restriction is about to be lifted."""
    row = restriction.record_lift_notice(
        session, actor=actor, restriction_id=restriction_id, channel=body.channel
    )
    return RestrictionOut.of(row)


@router.post("/restrictions/{restriction_id}/lift", responses=_ERRORS)
def lift(restriction_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> RestrictionOut:
    """Lift the restriction (409 until the person has been told)."""
    return RestrictionOut.of(restriction.lift(session, actor=actor, restriction_id=restriction_id))


@router.post("/objections", status_code=201, responses=_ERRORS)
def record_objection(body: ObjectionIn, session: DbSession, actor: CurrentActor) -> ObjectionOut:
    """Record an objection; the processing it concerns pauses until it is decided."""
    row = objection.record_objection(
        session,
        actor=actor,
        subject_id=body.subject_id,
        purposes=body.purposes,
        grounds=body.grounds,
        request_id=body.request_id,
    )
    return ObjectionOut.of(row)


@router.post("/objections/{objection_id}/decision", responses=_ERRORS)
def decide_objection(
    objection_id: uuid.UUID, body: ObjectionDecisionIn, session: DbSession, actor: CurrentActor
) -> ObjectionOut:
    """Decide the objection (compelling grounds or not) and apply the decision."""
    row = objection.decide_objection(
        session, actor=actor, objection_id=objection_id, outcome=body.outcome, reason=body.reason
    )
    return ObjectionOut.of(row)


# --- portability ---------------------------------------------------------------------------


@router.post("/portability", responses=_ERRORS)
def export(body: PortabilityIn, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """The person's portable data as structured JSON; what is not included says why."""
    result = portability.export(
        session, actor=actor, subject_id=body.subject_id, request_id=body.request_id
    )
    return result.document


# --- automated decisions -------------------------------------------------------------------


@router.post("/automated-reviews", status_code=201, responses=_ERRORS)
def request_review(body: ReviewIn, session: DbSession, actor: CurrentActor) -> ReviewOut:
    """Record a request for a human review of a score or list, with the explanation."""
    row = automated.request_review(
        session,
        actor=actor,
        subject_id=body.subject_id,
        kind=body.kind,
        reference=body.reference,
        view=body.view,
        explanation=body.explanation,
        request_id=body.request_id,
    )
    return _review(session, row)


@router.post("/automated-reviews/{review_id}/review", responses=_ERRORS)
def review(
    review_id: uuid.UUID, body: ReviewDecisionIn, session: DbSession, actor: CurrentActor
) -> ReviewOut:
    """A person's review: the decision confirmed or changed, and why."""
    row = automated.review(
        session, actor=actor, review_id=review_id, outcome=body.outcome, note=body.note
    )
    return _review(session, row)


# --- complaints about the handling ---------------------------------------------------------


@router.post("/handling-complaints", status_code=201, responses=_ERRORS)
def complain(body: ComplaintIn, session: DbSession, actor: CurrentActor) -> ComplaintOut:
    """Record a complaint about how a request was handled."""
    row = handling_complaints.record_complaint(
        session,
        actor=actor,
        subject_id=body.subject_id,
        content=body.content,
        request_id=body.request_id,
    )
    return ComplaintOut(
        id=row.id, subject_id=row.subject_id, received_at=row.received_at, answered_at=None
    )


@router.post("/handling-complaints/{complaint_id}/answer", responses=_ERRORS)
def answer(
    complaint_id: uuid.UUID, body: AnswerIn, session: DbSession, actor: CurrentActor
) -> ComplaintOut:
    """Record the answer; the ICO's contact details come back to give with it."""
    row, ico = handling_complaints.answer_complaint(
        session, actor=actor, complaint_id=complaint_id, answer=body.answer
    )
    return ComplaintOut(
        id=row.id,
        subject_id=row.subject_id,
        received_at=row.received_at,
        answered_at=row.answered_at,
        ico=ico,
    )
