"""Panel meetings: schedule a sitting, list cases on its agenda, minute each discussion."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.gate.acts import require
from accord.gate.catalogue import Permission
from accord.gate.service import authorize
from accord.gate.types import AccessDenied, Action, Actor
from accord.panels.access import (
    PANEL_SERVICES,
    NotFound,
    PanelError,
    agencies_of,
    case_purpose,
    case_target,
    load_case,
    note_category,
)
from accord.panels.cases import _record_type, audit_update, touch
from accord.panels.models import PanelListing, PanelMeeting, SafetyCase
from accord.people import service as people
from accord.register.registry import current_registry
from accord.store.base import utcnow

MIN_MINUTES_CHARS = 10
# A sitting is scheduled for the near future or recorded for the past, never for a date no
# panel could meet on (a typo such as 9999-12-31 would sort it above every real meeting).
EARLIEST_MEETING = date(2000, 1, 1)
MAX_YEARS_AHEAD = 2


def check_meeting_date(held_on: date, *, today: date | None = None) -> None:
    """Refuse a meeting date before 2000 or more than two years ahead, naming the field."""
    today = today or date.today()
    latest = _years_after(today, MAX_YEARS_AHEAD)
    if held_on < EARLIEST_MEETING:
        raise PanelError("held_on", f"{held_on} is before {EARLIEST_MEETING}; check the year")
    if held_on > latest:
        raise PanelError(
            "held_on", f"{held_on} is more than {MAX_YEARS_AHEAD} years ahead (latest {latest})"
        )


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without it
        return day.replace(year=day.year + years, day=28)


def schedule_meeting(
    session: Session,
    *,
    actor: Actor,
    register: str,
    panel: str,
    held_on: date,
    chair: str,
    location: str | None = None,
) -> PanelMeeting:
    """A sitting of MARAC, the Community Risk Panel or IOM. It holds no personal data itself."""
    require(actor, Permission.PANEL_MEETING_MANAGE, session=session, register=register)
    reg = current_registry().get(register)
    if panel not in PANEL_SERVICES or panel not in {s.id for s in reg.services}:
        raise PanelError("panel", f"{panel!r} is not a risk panel of register {register!r}")
    if not chair.strip():
        raise PanelError("chair", "name who chairs the meeting")
    check_meeting_date(held_on)
    meeting = PanelMeeting(
        register=register,
        organisation=reg.service(panel).organisation,
        panel=panel,
        held_on=held_on,
        chair=chair.strip(),
        location=location,
        status="scheduled",
        created_by=actor.id,
    )
    session.add(meeting)
    session.flush()
    return meeting


def _meeting(session: Session, meeting_id: uuid.UUID) -> PanelMeeting:
    meeting = session.get(PanelMeeting, meeting_id)
    if meeting is None:
        raise NotFound("meeting")
    return meeting


def list_case(
    session: Session, *, actor: Actor, meeting_id: uuid.UUID, case_id: uuid.UUID
) -> PanelListing:
    """Put a case on a meeting's agenda (at the end)."""
    meeting = _meeting(session, meeting_id)
    require(actor, Permission.PANEL_MEETING_MANAGE, session=session, register=meeting.register)
    if meeting.status == "cancelled":
        raise PanelError("meeting_id", "the meeting was cancelled")
    case, _ = load_case(session, actor=actor, case_id=case_id, action=Action.UPDATE, categories=())
    if case.service != meeting.panel:
        raise PanelError(
            "case_id", f"a {case.service!r} case cannot be listed at {meeting.panel!r}"
        )
    if case.status != "open":
        raise PanelError("case_id", "only an open case can be listed")
    existing = session.scalar(
        select(PanelListing).where(
            PanelListing.meeting_id == meeting_id, PanelListing.case_id == case_id
        )
    )
    if existing is not None:
        raise PanelError("case_id", "the case is already on this meeting's agenda")
    position = session.scalar(
        select(func.coalesce(func.max(PanelListing.position), 0)).where(
            PanelListing.meeting_id == meeting_id
        )
    )
    listing = PanelListing(meeting_id=meeting_id, case_id=case_id, position=int(position or 0) + 1)
    session.add(listing)
    session.flush()
    return listing


@dataclass(frozen=True)
class AgendaItem:
    position: int
    listing_id: uuid.UUID
    case_id: uuid.UUID
    reference: str
    risk_level: str | None
    status: str
    discussed: bool


@dataclass(frozen=True)
class Agenda:
    meeting_id: uuid.UUID
    panel: str
    held_on: date
    chair: str
    status: str
    items: list[AgendaItem]
    register: str = ""
    location: str | None = None
    # Cases on the agenda the reader may not see (another organisation's, not shared with
    # theirs, or outside their caseload): counted, never identified.
    others: int = 0


def agenda(session: Session, *, actor: Actor, meeting_id: uuid.UUID) -> Agenda:
    """The meeting's agenda: case references and risk levels in order (no personal details),
    each case shown only when the gate lets this reader read it (audited); the rest are
    counted in `others`."""
    meeting = _meeting(session, meeting_id)
    require(actor, Permission.PANEL_CASE_READ, session=session, register=meeting.register)
    rows = session.execute(
        select(PanelListing, SafetyCase)
        .join(SafetyCase, SafetyCase.id == PanelListing.case_id)
        .where(PanelListing.meeting_id == meeting_id)
        .order_by(PanelListing.position)
    ).all()
    items = [
        AgendaItem(
            position=listing.position,
            listing_id=listing.id,
            case_id=case.id,
            reference=case.reference,
            risk_level=case.risk_level,
            status=case.status,
            discussed=listing.discussed_at is not None,
        )
        for listing, case in rows
        if _may_see(session, actor, case)
    ]
    return Agenda(
        meeting_id=meeting.id,
        panel=meeting.panel,
        held_on=meeting.held_on,
        chair=meeting.chair,
        status=meeting.status,
        items=items,
        others=len(rows) - len(items),
        register=meeting.register,
        location=meeting.location,
    )


def _may_see(session: Session, actor: Actor, case: SafetyCase) -> bool:
    """Whether the reader may see this listed case (its reference and risk level): the gate
    decides and audits for the owner's staff and agencies it is shared with; another
    organisation's unshared case is passed over without asking (nothing was opened)."""
    agencies = agencies_of(session, case.id)
    if actor.kind != "system" and actor.organisation not in {case.organisation, *agencies}:
        return False
    try:
        authorize(
            session,
            actor=actor,
            purpose=case_purpose(case),
            action=Action.READ,
            target=case_target(case, agencies),
            categories=(),
        )
    except AccessDenied:
        return False  # audited as refused
    return True


def record_minutes(
    session: Session,
    *,
    actor: Actor,
    meeting_id: uuid.UUID,
    case_id: uuid.UUID,
    minutes: str,
    at: datetime | None = None,
) -> PanelListing:
    """Minute the discussion of a listed case (sealed); the case's last action moves."""
    listing = session.scalar(
        select(PanelListing).where(
            PanelListing.meeting_id == meeting_id, PanelListing.case_id == case_id
        )
    )
    if listing is None:
        raise PanelError("case_id", "the case is not on this meeting's agenda")
    text = minutes.strip()
    if len(text) < MIN_MINUTES_CHARS:
        raise PanelError("minutes", f"write at least {MIN_MINUTES_CHARS} characters")
    case = session.get(SafetyCase, case_id)
    assert case is not None  # the listing references it
    category = note_category(_record_type(case), "minutes-actions")
    case, _ = load_case(
        session, actor=actor, case_id=case_id, action=Action.UPDATE, categories={category}
    )
    moment = at or utcnow()
    listing.minutes = people.seal(session, subject_id=case.subject_id, values={category: text})
    listing.discussed_at = moment
    listing.minuted_by = actor.id
    meeting = _meeting(session, meeting_id)
    if meeting.status == "scheduled":
        meeting.status = "held"
    touch(case, moment)
    session.flush()
    audit_update(
        session, actor=actor, case=case, ref="panel:minutes", row_id=listing.id, category=category
    )
    return listing


def read_minutes(
    session: Session, *, actor: Actor, meeting_id: uuid.UUID, case_id: uuid.UUID
) -> str | None:
    """The minutes of a case's discussion at a meeting, if the actor's purpose may see them."""
    listing = session.scalar(
        select(PanelListing).where(
            PanelListing.meeting_id == meeting_id, PanelListing.case_id == case_id
        )
    )
    if listing is None:
        raise PanelError("case_id", "the case is not on this meeting's agenda")
    case, decision = load_case(session, actor=actor, case_id=case_id, action=Action.READ)
    if listing.minutes is None:
        return None
    category = note_category(_record_type(case), "minutes-actions")
    if category not in decision.categories:
        return None
    values = people.unseal(session, subject_id=case.subject_id, blob=listing.minutes)
    return str(values[category])


def list_meetings(
    session: Session,
    *,
    actor: Actor,
    register: str,
    panel: str | None = None,
    since: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[PanelMeeting], int]:
    require(actor, Permission.PANEL_CASE_READ, session=session, register=register)
    query = select(PanelMeeting).where(PanelMeeting.register == register)
    if panel is not None:
        query = query.where(PanelMeeting.panel == panel)
    if since is not None:
        query = query.where(PanelMeeting.held_on >= since)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(PanelMeeting.held_on.desc(), PanelMeeting.id).limit(limit).offset(offset)
    )
    return list(rows), int(total)


__all__ = [
    "Agenda",
    "AgendaItem",
    "agenda",
    "list_case",
    "list_meetings",
    "read_minutes",
    "record_minutes",
    "schedule_meeting",
]
