"""Risk panels and community safety cases over HTTP: cases, meetings, agendas, minutes,
actions and partner updates. Every call goes through the services, so through the gate."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from fastapi import APIRouter

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.gate.registers import register_for
from accord.paging import Limit, Offset, Page
from accord.panels import actions, cases, meetings
from accord.panels.models import PanelMeeting, SafetyCase
from accord.panels.schemas import (
    ActionIn,
    ActionOut,
    AgendaItemOut,
    AgendaOut,
    CaseIn,
    CaseOut,
    CaseSummary,
    Created,
    ListingIn,
    MeetingIn,
    MeetingOut,
    MinutesIn,
    MinutesOut,
    PartyBody,
    PartyOut,
    UpdateIn,
    UpdateOut,
)
from accord.web.errors import ERROR_RESPONSES as ERRORS

router = APIRouter(prefix="/api/panels", tags=["panels"])


def _summary(case: SafetyCase) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        reference=case.reference,
        service=case.service,
        record_type=case.record_type,
        status=case.status,
        risk_level=case.risk_level,
        opened_at=case.opened_at,
        last_action_at=case.last_action_at,
        retention_due=case.retention_due,
    )


def _meeting(meeting: PanelMeeting) -> MeetingOut:
    return MeetingOut(
        id=meeting.id,
        panel=meeting.panel,
        held_on=meeting.held_on,
        chair=meeting.chair,
        location=meeting.location,
        status=meeting.status,
    )


@router.post("/cases", status_code=201, responses=ERRORS)
def open_case(body: CaseIn, session: DbSession, actor: CurrentActor) -> CaseSummary:
    """Open a case from a referral form; each person's details are sealed for them."""
    case = cases.open_case(
        session,
        actor=actor,
        register=body.register_id,
        service=body.service,
        parties=[cases.PartyIn(p.role, p.details) for p in body.parties],
        referral=body.referral,
        risk_level=body.risk_level,
        referred_by=body.referred_by,
        assigned_user=body.assigned_user,
    )
    out = _summary(case)
    return out


@router.get("/cases", responses=ERRORS)
def list_cases(
    session: DbSession,
    actor: CurrentActor,
    service: str,
    register: str | None = None,
    status: Literal["open", "closed"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[CaseSummary]:
    """The service's cases the caller may see (the gate scopes them), newest first."""
    rows, total = cases.list_cases(
        session,
        actor=actor,
        register=register_for(actor, register),
        service=service,
        status=status,
        limit=limit,
        offset=offset,
    )
    page = Page[CaseSummary](
        items=[_summary(r) for r in rows], total=total, limit=limit, offset=offset
    )
    return page


@router.get("/cases/{case_id}", responses=ERRORS)
def get_case(case_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> CaseOut:
    view = cases.get_case(session, actor=actor, case_id=case_id)
    return CaseOut(
        id=view.id,
        reference=view.reference,
        service=view.service,
        record_type=view.record_type,
        status=view.status,
        risk_level=view.risk_level,
        opened_at=view.opened_at,
        last_action_at=view.last_action_at,
        retention_due=view.retention_due,
        register=view.register,
        referred_by=view.referred_by,
        closed_at=view.closed_at,
        retention_from=view.retention_from,
        referral=view.referral,
        parties=[
            PartyOut(subject_id=p.subject_id, role=p.role, details=p.details) for p in view.parties
        ],
    )


@router.post("/cases/{case_id}/parties", status_code=201, responses=ERRORS)
def add_party(
    case_id: uuid.UUID, body: PartyBody, session: DbSession, actor: CurrentActor
) -> Created:
    subject_id = cases.add_party(
        session, actor=actor, case_id=case_id, party=cases.PartyIn(body.role, body.details)
    )
    return Created(id=subject_id)


@router.post("/cases/{case_id}/close", responses=ERRORS)
def close_case(case_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> CaseSummary:
    out = _summary(cases.close_case(session, actor=actor, case_id=case_id))
    return out


@router.get("/cases/{case_id}/actions", responses=ERRORS)
def list_actions(case_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> list[ActionOut]:
    views = actions.actions_of(session, actor=actor, case_id=case_id)
    return [
        ActionOut(
            id=v.id,
            owner_agency=v.owner_agency,
            due_on=v.due_on,
            status=v.status,
            overdue=v.overdue,
            description=v.description,
            updates=[UpdateOut(at=at, agency=agency, text=text) for at, agency, text in v.updates],
        )
        for v in views
    ]


@router.post("/cases/{case_id}/actions", status_code=201, responses=ERRORS)
def add_action(
    case_id: uuid.UUID, body: ActionIn, session: DbSession, actor: CurrentActor
) -> Created:
    """Agree an action owned by an agency; the case is shared with it (and that is logged)."""
    row = actions.add_action(
        session,
        actor=actor,
        case_id=case_id,
        owner_agency=body.owner_agency,
        description=body.description,
        due_on=body.due_on,
        meeting_id=body.meeting_id,
    )
    return Created(id=row.id)


@router.post("/cases/{case_id}/updates", status_code=201, responses=ERRORS)
def partner_update(
    case_id: uuid.UUID, body: UpdateIn, session: DbSession, actor: CurrentActor
) -> Created:
    """An update from an agency working the case, optionally closing one of its actions."""
    row = actions.partner_update(
        session,
        actor=actor,
        case_id=case_id,
        text=body.text,
        action_id=body.action_id,
        action_status=body.action_status,
    )
    return Created(id=row.id)


@router.post("/meetings", status_code=201, responses=ERRORS)
def schedule_meeting(body: MeetingIn, session: DbSession, actor: CurrentActor) -> MeetingOut:
    meeting = meetings.schedule_meeting(
        session,
        actor=actor,
        register=body.register_id,
        panel=body.panel,
        held_on=body.held_on,
        chair=body.chair,
        location=body.location,
    )
    out = _meeting(meeting)
    return out


@router.get("/meetings", responses=ERRORS)
def list_meetings(
    session: DbSession,
    actor: CurrentActor,
    register: str | None = None,
    panel: str | None = None,
    since: date | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[MeetingOut]:
    """Meetings, newest first; filter by panel and by date (on or after `since`)."""
    rows, total = meetings.list_meetings(
        session,
        actor=actor,
        register=register_for(actor, register),
        panel=panel,
        since=since,
        limit=limit,
        offset=offset,
    )
    page = Page[MeetingOut](
        items=[_meeting(m) for m in rows], total=total, limit=limit, offset=offset
    )
    return page


@router.get("/meetings/{meeting_id}", responses=ERRORS)
def get_agenda(meeting_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> AgendaOut:
    found = meetings.agenda(session, actor=actor, meeting_id=meeting_id)
    return AgendaOut(
        id=found.meeting_id,
        panel=found.panel,
        held_on=found.held_on,
        chair=found.chair,
        location=found.location,
        status=found.status,
        items=[AgendaItemOut(**vars(item)) for item in found.items],
        others=found.others,
    )


@router.post("/meetings/{meeting_id}/listings", status_code=201, responses=ERRORS)
def list_case(
    meeting_id: uuid.UUID, body: ListingIn, session: DbSession, actor: CurrentActor
) -> Created:
    listing = meetings.list_case(session, actor=actor, meeting_id=meeting_id, case_id=body.case_id)
    return Created(id=listing.id)


@router.put("/meetings/{meeting_id}/listings/{case_id}/minutes", responses=ERRORS)
def record_minutes(
    meeting_id: uuid.UUID,
    case_id: uuid.UUID,
    body: MinutesIn,
    session: DbSession,
    actor: CurrentActor,
) -> MinutesOut:
    meetings.record_minutes(
        session, actor=actor, meeting_id=meeting_id, case_id=case_id, minutes=body.minutes
    )
    return MinutesOut(meeting_id=meeting_id, case_id=case_id, minutes=body.minutes.strip())


@router.get("/meetings/{meeting_id}/listings/{case_id}/minutes", responses=ERRORS)
def read_minutes(
    meeting_id: uuid.UUID, case_id: uuid.UUID, session: DbSession, actor: CurrentActor
) -> MinutesOut:
    text = meetings.read_minutes(session, actor=actor, meeting_id=meeting_id, case_id=case_id)
    return MinutesOut(meeting_id=meeting_id, case_id=case_id, minutes=text)
