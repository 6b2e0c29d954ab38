"""Cases: the caseload, one case, its timeline, and every change a caseworker makes."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Query

from accord.accounts.deps import CurrentActor
from accord.cases import entries, reading, reopen, workflow
from accord.cases.schemas import (
    AssignmentIn,
    CaseOut,
    CaseStatus,
    CaseSummary,
    CloseIn,
    ContactIn,
    EventIn,
    NotTakenUpIn,
    Page,
    ReferralOnIn,
    ReopenIn,
    RoutingIn,
    TimelineEntry,
)
from accord.deps import DbSession
from accord.paging import Limit, Offset
from accord.web.errors import ERROR_RESPONSES as _ERRORS

router = APIRouter(prefix="/api/cases", tags=["cases"])


@router.get("", responses=_ERRORS)
def list_cases(
    session: DbSession,
    actor: CurrentActor,
    register: str | None = None,
    status: CaseStatus | None = None,
    service: str | None = Query(
        None, description="A service of the register: confirmed, or proposed if none yet."
    ),
    received_from: datetime | None = None,
    received_to: datetime | None = None,
    reference: str | None = Query(
        None, max_length=40, description="A case reference, e.g. LVWS-2026-000123 (any case)."
    ),
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[CaseSummary]:
    """The caller's caseload (the gate scopes it), newest first, with the total."""
    page = reading.list_cases(
        session,
        actor=actor,
        register=register,
        status=status,
        service=service,
        received_from=received_from,
        received_to=received_to,
        reference=reference,
        limit=limit,
        offset=offset,
    )
    return page


def _read(session: DbSession, actor: CurrentActor, case_id: uuid.UUID) -> CaseOut:
    return reading.get_case(session, actor=actor, case_id=case_id)


@router.get("/{case_id}", responses=_ERRORS)
def get_case(case_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> CaseOut:
    case = _read(session, actor, case_id)
    return case


@router.get("/{case_id}/timeline", responses=_ERRORS)
def get_timeline(
    case_id: uuid.UUID, session: DbSession, actor: CurrentActor
) -> list[TimelineEntry]:
    """Everything recorded on the case, in the order it happened."""
    timeline = reading.timeline(session, actor=actor, case_id=case_id)
    return timeline


@router.post("/{case_id}/routing", responses=_ERRORS)
def confirm_routing(
    case_id: uuid.UUID, body: RoutingIn, session: DbSession, actor: CurrentActor
) -> CaseSummary:
    """Confirm the proposed service or choose another (with a reason)."""
    case = workflow.confirm_routing(session, actor=actor, case_id=case_id, data=body)
    return reading.summary(case)


@router.put("/{case_id}/assignment", responses=_ERRORS)
def assign(
    case_id: uuid.UUID, body: AssignmentIn, session: DbSession, actor: CurrentActor
) -> CaseSummary:
    case = workflow.assign(session, actor=actor, case_id=case_id, data=body)
    return reading.summary(case)


@router.post("/{case_id}/contacts", responses=_ERRORS)
def record_contact(
    case_id: uuid.UUID, body: ContactIn, session: DbSession, actor: CurrentActor
) -> CaseSummary:
    """A contact attempt: not-reached, declined (the referral is not taken up) or engaged."""
    case = workflow.record_contact(session, actor=actor, case_id=case_id, data=body)
    return reading.summary(case)


@router.post("/{case_id}/not-taken-up", responses=_ERRORS)
def not_taken_up(
    case_id: uuid.UUID, body: NotTakenUpIn, session: DbSession, actor: CurrentActor
) -> CaseSummary:
    case = workflow.mark_not_taken_up(session, actor=actor, case_id=case_id, data=body)
    return reading.summary(case)


@router.post("/{case_id}/events", status_code=201, responses=_ERRORS)
def record_event(
    case_id: uuid.UUID, body: EventIn, session: DbSession, actor: CurrentActor
) -> list[TimelineEntry]:
    """Needs assessment, vulnerability, note, support delivered, translation, feedback.

    `details` by kind: needs-assessment {needs, risk_level?, summary?}; vulnerability
    {vulnerable, factors?, note?}; note {text}; support {type, delivered_by,
    duration_minutes?, note?}; translation {language, processor}; feedback {rating 1-5,
    comment?}. Returns the timeline.
    """
    entries.record_event(session, actor=actor, case_id=case_id, data=body)
    timeline = reading.timeline(session, actor=actor, case_id=case_id)
    return timeline


@router.post("/{case_id}/referrals-on", status_code=201, responses=_ERRORS)
def refer_on(
    case_id: uuid.UUID, body: ReferralOnIn, session: DbSession, actor: CurrentActor
) -> list[TimelineEntry]:
    """Refer the person on to a recipient the register's referral-on sharing names (422
    otherwise: that is a disclosure, `POST /api/disclosures/requests`), with only the
    categories it receives, while the consent ledger holds the person's consent (409
    otherwise: record it first with `POST /api/consent`). Logged as a disclosure."""
    entries.refer_on(session, actor=actor, case_id=case_id, data=body)
    timeline = reading.timeline(session, actor=actor, case_id=case_id)
    return timeline


@router.post("/{case_id}/closure", responses=_ERRORS)
def close(
    case_id: uuid.UUID, body: CloseIn, session: DbSession, actor: CurrentActor
) -> CaseSummary:
    case = workflow.close_case(session, actor=actor, case_id=case_id, data=body)
    return reading.summary(case)


@router.post("/{case_id}/reopening", responses=_ERRORS)
def reopen_case(
    case_id: uuid.UUID, body: ReopenIn, session: DbSession, actor: CurrentActor
) -> CaseSummary:
    """Reopen a closed case or a referral not taken up, with the reason (409 for an open
    case): it is an open case again, its record kept under the engaged rule."""
    case = reopen.reopen(session=session, actor=actor, case=case_id, reason=body.reason, at=body.at)
    return reading.summary(case)
