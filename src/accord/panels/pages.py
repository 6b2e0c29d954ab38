"""Panel pages for coordinators and partner agencies: meetings and their agendas, the cases
on each panel's list, and a panel case with its people, actions and partner updates.

Pages call the panel services (`meetings`, `cases`, `actions`), which pass the gate: a
partner sees the cases shared with their agency, an agenda counts the cases the reader
may not see without naming them. Refusals are shown as pages (web/routing.PageRoute).

The coordinator runs a meeting from here too: schedule it, add cases to its agenda from
the panel's case list, record the minutes of each case (what was discussed, what the
panel decided) and add actions with an owner and a due date. The forms show only to
those who hold the permissions the services check (the same as the API's); a post
from anyone else is refused with a page.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.errors import Invalid, NotFound
from accord.gate.acts import require
from accord.gate.catalogue import Permission
from accord.gate.service import holds_permission
from accord.gate.types import AccessDenied, Actor
from accord.panels import actions, cases, meetings
from accord.panels.access import PANEL_SERVICES, REFERENCE_PREFIX, case_purpose
from accord.panels.models import PanelListing, PanelMeeting, SafetyCase
from accord.register.registry import current_registry
from accord.web.forms import attempt, form_response, form_values, redirect, submit
from accord.web.routing import PageRoute
from accord.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=PageRoute)
PAGE_SIZE = 50
RECENT_DAYS = 28
ROLES = {"victim": "Victim", "offender": "Person causing harm", "child": "Child", "other": "Other"}
RISK = {"standard": "Standard", "medium": "Medium", "high": "High", "very-high": "Very high"}
STATUS = {"open": "Open", "closed": "Closed", "done": "Done", "scheduled": "Scheduled"}
ACTION_STATUS = {"open": "To do", "done": "Done", "cancelled": "Cancelled"}


def _panel_registers(actor: Actor) -> list[Any]:
    """The registers with risk panels in which the actor may read panel cases."""
    return [
        register
        for register in current_registry().registers_of(actor.organisation)
        if holds_permission(actor, Permission.PANEL_CASE_READ, register.id)
        and any(s.id in PANEL_SERVICES for s in register.services)
    ]


def _may_manage(actor: Actor, register_id: str) -> bool:
    return holds_permission(actor, Permission.PANEL_MEETING_MANAGE, register_id)


def _service_name(register_id: str, service_id: str) -> str:
    try:
        return current_registry().get(register_id).service(service_id).name
    except (KeyError, ValueError):
        return REFERENCE_PREFIX.get(service_id, service_id)


def _words() -> dict[str, Any]:
    return {
        "service_name": _service_name,
        "roles": ROLES,
        "risk": RISK,
        "status": STATUS,
        "action_status": ACTION_STATUS,
    }


@router.get("/panels")
def panel_home(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    since = date.today() - timedelta(days=RECENT_DAYS)
    panels = []
    for register in _panel_registers(actor):
        found, _ = meetings.list_meetings(
            session, actor=actor, register=register.id, since=since, limit=PAGE_SIZE
        )
        services = [s for s in register.services if s.id in PANEL_SERVICES]
        panels.append(
            {
                "register": register,
                "meetings": found,
                "services": services,
                "may_schedule": _may_manage(actor, register.id),
            }
        )
    return templates.TemplateResponse(
        request, "panels/home.html", {"panels": panels, "today": date.today(), **_words()}
    )


@router.get("/panels/meetings/{meeting_id}")
def meeting_page(
    meeting_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    saved: str = "",
) -> Response:
    agenda = meetings.agenda(session, actor=actor, meeting_id=meeting_id)
    return templates.TemplateResponse(
        request,
        "panels/meeting.html",
        {
            "agenda": agenda,
            "minuted": sum(1 for item in agenda.items if item.discussed),
            "saved": saved,
            "may_manage": _may_manage(actor, agenda.register) and agenda.status != "cancelled",
            "may_minute": holds_permission(actor, Permission.PANEL_CASE_UPDATE, agenda.register),
            **_words(),
        },
    )


@router.get("/panels/{register_id}/{service}/cases")
def case_list(
    register_id: str,
    service: str,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    meeting: uuid.UUID | None = None,
) -> Response:
    """The panel's cases; with `meeting`, each open case not on that meeting's agenda has a
    button to add it (for those who manage meetings)."""
    if service not in PANEL_SERVICES:
        raise Invalid("service", "there is no panel of that name")
    found, total = cases.list_cases(
        session, actor=actor, register=register_id, service=service, limit=PAGE_SIZE
    )
    sitting = None
    listed: set[uuid.UUID] = set()
    if meeting is not None and _may_manage(actor, register_id):
        sitting = session.get(PanelMeeting, meeting)
        if sitting is None or (sitting.register, sitting.panel) != (register_id, service):
            raise NotFound("meeting", "No such meeting of this panel.")
        listed = set(
            session.scalars(
                select(PanelListing.case_id).where(PanelListing.meeting_id == sitting.id)
            )
        )
    return templates.TemplateResponse(
        request,
        "panels/cases.html",
        {
            "cases": found,
            "total": total,
            "register": register_id,
            "service": service,
            "in_team": service in actor.teams,
            "meeting": sitting,
            "listed": listed,
            **_words(),
        },
    )


def _case_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    case_id: uuid.UUID,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    saved: bool = False,
) -> Response:
    view = cases.get_case(session, actor=actor, case_id=case_id)
    case_actions = actions.actions_of(session, actor=actor, case_id=case_id)
    listed = cases.meetings_of_case(session, case_id)
    may_update = holds_permission(actor, Permission.PANEL_ACTION_UPDATE, view.register)
    return templates.TemplateResponse(
        request,
        "panels/case.html",
        {
            "case": view,
            "actions": case_actions,
            "meetings": listed,
            "may_update": may_update,
            "errors": errors or {},
            "form": form or {},
            "saved": saved,
            "agency_names": {
                o.id: o.name for o in current_registry().get(view.register).organisations
            },
            **_words(),
        },
        status_code=400 if errors else 200,
    )


@router.get("/panels/cases/{case_id}")
def case_page(
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    saved: str = "",
) -> Response:
    return _case_page(request, session, actor, case_id, saved=saved == "update")


@router.post("/panels/cases/{case_id}/updates")
def add_update(
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
    text: Annotated[str, Form()] = "",
    action_id: Annotated[str, Form()] = "",
    done: Annotated[str, Form()] = "",
) -> Response:
    form = {"text": text, "action_id": action_id, "done": done}
    errors: dict[str, str] = {}
    chosen: uuid.UUID | None = None
    if action_id:
        try:
            chosen = uuid.UUID(action_id)
        except ValueError:
            errors["action_id"] = "Choose an action from the list"
    if not text.strip():
        errors["text"] = "Write the update"
    if done and chosen is None and "action_id" not in errors:
        errors["action_id"] = "Choose the action that is done"
    if not errors:
        try:
            with session.begin_nested():
                actions.partner_update(
                    session,
                    actor=actor,
                    case_id=case_id,
                    text=text,
                    action_id=chosen,
                    action_status="done" if done else None,
                )
        except Invalid as error:
            errors[error.field if error.field in ("text", "action_id") else "text"] = (
                "Write the update" if error.field == "text" else error.message.capitalize()
            )
    if errors:
        return _case_page(request, session, actor, case_id, errors=errors, form=form)
    return RedirectResponse(f"/panels/cases/{case_id}?saved=update", status_code=303)


# The coordinator's side: schedule a meeting, add cases to its agenda, minute them.

MONTHS_HINT = "For example, 27 3 2027"


def _raise(exc: AccessDenied | NotFound) -> NoReturn:
    """A refusal from a form's service: left to PageRoute's plain page."""
    raise exc


def _date(values: dict[str, Any], name: str, what: str, errors: dict[str, str]) -> date | None:
    """A GOV.UK date input's day, month and year (`{name}-day` ...) as a date, or an error
    on its day field naming what is missing or wrong."""
    parts = {p: str(values.get(f"{name}-{p}", "")).strip() for p in ("day", "month", "year")}
    field = f"{name}-day"
    if not any(parts.values()):
        errors[field] = f"Enter {what}"
        return None
    missing = [p for p, v in parts.items() if not v]
    if missing:
        errors[field] = f"{what.capitalize()} must include a " + " and ".join(missing)
        return None
    try:
        year = int(parts["year"])
        if len(parts["year"]) != 4:
            raise ValueError
        return date(year, int(parts["month"]), int(parts["day"]))
    except ValueError:
        errors[field] = f"{what.capitalize()} must be a real date"
        return None


def _on_date_field(errors: dict[str, str], *names: str) -> dict[str, str]:
    """A service's error on a date (`held_on`) moved to its date input's day field."""
    return {(f"{k}-day" if k in names else k): v for k, v in errors.items()}


def _panel_services(register_id: str) -> list[Any]:
    return [s for s in current_registry().get(register_id).services if s.id in PANEL_SERVICES]


def _schedule_page(
    request: Request,
    register_id: str,
    values: dict[str, Any],
    errors: dict[str, str],
) -> Response:
    register = current_registry().get(register_id)
    return form_response(
        request,
        "panels/schedule.html",
        {
            "register": register,
            "panels": [(s.id, s.name) for s in _panel_services(register_id)],
            "values": values,
            "hint": MONTHS_HINT,
        },
        errors,
    )


@router.get("/panels/{register_id}/meetings/new")
def schedule_form(
    register_id: str, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    require(actor, Permission.PANEL_MEETING_MANAGE, session=session, register=register_id)
    services = _panel_services(register_id)
    values = {"panel": services[0].id} if len(services) == 1 else {}
    return _schedule_page(request, register_id, values, {})


@router.post("/panels/{register_id}/meetings/new")
async def schedule(
    register_id: str,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    require(actor, Permission.PANEL_MEETING_MANAGE, session=session, register=register_id)
    values = await form_values(request)
    errors: dict[str, str] = {}
    panel = str(values.get("panel", ""))
    if panel not in {s.id for s in _panel_services(register_id)}:
        errors["panel"] = "Choose the panel that meets"
    held_on = _date(values, "held_on", "the date of the meeting", errors)
    chair = str(values.get("chair", ""))
    if not chair:
        errors["chair"] = "Enter who chairs the meeting"
    location = str(values.get("location", ""))
    if len(location) > 120:
        errors["location"] = "Where the meeting is must be 120 characters or fewer"
    made: list[PanelMeeting] = []
    if not errors and held_on is not None:
        errors = _on_date_field(
            submit(
                session,
                lambda: made.append(
                    meetings.schedule_meeting(
                        session,
                        actor=actor,
                        register=register_id,
                        panel=panel,
                        held_on=held_on,
                        chair=chair,
                        location=location or None,
                    )
                ),
                field="held_on",
                refused=_raise,
            ),
            "held_on",
        )
    if errors:
        return _schedule_page(request, register_id, values, errors)
    return redirect(f"/panels/meetings/{made[0].id}?saved=scheduled")


@router.post("/panels/meetings/{meeting_id}/agenda")
async def add_to_agenda(
    meeting_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    values = await form_values(request)
    try:
        case_id = uuid.UUID(str(values.get("case_id", "")))
    except ValueError:
        raise NotFound("case") from None
    # The button shows only beside a case that can be listed: a refusal or a case listed
    # meanwhile is answered by PageRoute's plain page.
    attempt(
        session,
        lambda: meetings.list_case(session, actor=actor, meeting_id=meeting_id, case_id=case_id),
    )
    return redirect(f"/panels/meetings/{meeting_id}?saved=listed")


def _owners(case: SafetyCase) -> list[tuple[str, str]]:
    """Who may own an action on the case, as the service allows: the panel's own
    organisation, or a partner the register shares the case's purpose with."""
    register = current_registry().get(case.register)
    names = {o.id: o.name for o in register.organisations}
    purpose = case_purpose(case)
    owners = [(case.organisation, names.get(case.organisation, case.organisation))]
    for recipient in register.recipients:
        if purpose in recipient.purposes and recipient.organisation != case.organisation:
            owners.append((recipient.id, recipient.name))
    return owners


def _may_minute(session: Session, actor: Actor, meeting_id: uuid.UUID) -> PanelMeeting:
    """The meeting, if the actor may minute its cases and agree actions (else refused)."""
    sitting = session.get(PanelMeeting, meeting_id)
    if sitting is None:
        raise NotFound("meeting", "No such meeting.")
    require(actor, Permission.PANEL_CASE_UPDATE, session=session, register=sitting.register)
    return sitting


def _minutes_page(
    request: Request,
    session: Session,
    actor: Actor,
    meeting_id: uuid.UUID,
    case_id: uuid.UUID,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    saved: str = "",
) -> Response:
    sitting = _may_minute(session, actor, meeting_id)
    view = cases.get_case(session, actor=actor, case_id=case_id)
    if case_id not in set(
        session.scalars(select(PanelListing.case_id).where(PanelListing.meeting_id == meeting_id))
    ):
        raise NotFound("case", "This case is not on the meeting's agenda.")
    recorded = meetings.read_minutes(session, actor=actor, meeting_id=meeting_id, case_id=case_id)
    row = session.get(SafetyCase, case_id)
    assert row is not None  # the gate has just read it
    owners = _owners(row)
    register = current_registry().get(view.register)
    names = {o.id: o.name for o in register.organisations}
    for recipient in register.recipients:
        names.setdefault(recipient.organisation or recipient.id, recipient.name)
    return form_response(
        request,
        "panels/minutes.html",
        {
            "meeting": sitting,
            "case": view,
            "recorded": recorded,
            "actions": actions.actions_of(session, actor=actor, case_id=case_id),
            "owners": owners,
            "agency_names": names,
            "values": values or {},
            "saved": saved,
            "hint": MONTHS_HINT,
            **_words(),
        },
        errors or {},
    )


@router.get("/panels/meetings/{meeting_id}/cases/{case_id}")
def minutes_form(
    meeting_id: uuid.UUID,
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    saved: str = "",
) -> Response:
    return _minutes_page(request, session, actor, meeting_id, case_id, saved=saved)


def _minutes_text(discussion: str, decision: str) -> str:
    return f"Discussion: {discussion}\n\nDecision: {decision}"


@router.post("/panels/meetings/{meeting_id}/cases/{case_id}/minutes")
async def record_minutes(
    meeting_id: uuid.UUID,
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    _may_minute(session, actor, meeting_id)
    values = await form_values(request)
    discussion = str(values.get("discussion", ""))
    decision = str(values.get("decision", ""))
    errors: dict[str, str] = {}
    if not discussion:
        errors["discussion"] = "Enter what the panel discussed"
    if not decision:
        errors["decision"] = "Enter what the panel decided"
    if not errors:
        errors = submit(
            session,
            lambda: meetings.record_minutes(
                session,
                actor=actor,
                meeting_id=meeting_id,
                case_id=case_id,
                minutes=_minutes_text(discussion, decision),
            ),
            field="discussion",
            refused=_raise,
        )
        errors = {("discussion" if k == "minutes" else k): v for k, v in errors.items()}
    if errors:
        return _minutes_page(request, session, actor, meeting_id, case_id, values, errors)
    return redirect(f"/panels/meetings/{meeting_id}/cases/{case_id}?saved=minutes")


@router.post("/panels/meetings/{meeting_id}/cases/{case_id}/actions")
async def add_action(
    meeting_id: uuid.UUID,
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    _may_minute(session, actor, meeting_id)
    values = await form_values(request)
    errors: dict[str, str] = {}
    description = str(values.get("description", ""))
    owner = str(values.get("owner_agency", ""))
    if not description:
        errors["description"] = "Enter what is to be done"
    if not owner:
        errors["owner_agency"] = "Choose who will do it"
    due_on = _date(values, "due_on", "the date it is due", errors)
    if not errors and due_on is not None:
        errors = _on_date_field(
            submit(
                session,
                lambda: actions.add_action(
                    session,
                    actor=actor,
                    case_id=case_id,
                    owner_agency=owner,
                    description=description,
                    due_on=due_on,
                    meeting_id=meeting_id,
                ),
                field="description",
                refused=_raise,
            ),
            "due_on",
        )
    if errors:
        return _minutes_page(request, session, actor, meeting_id, case_id, values, errors)
    return redirect(f"/panels/meetings/{meeting_id}/cases/{case_id}?saved=action")
