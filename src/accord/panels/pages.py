"""Panel pages for coordinators and partner agencies: meetings and their agendas, the cases
on each panel's list, and a panel case with its people, actions and partner updates.

Pages call the panel services (`meetings`, `cases`, `actions`), which pass the gate: a
partner sees the cases shared with their agency, an agenda counts the cases the reader
may not see without naming them. Refusals are shown as pages (web/routing.PageRoute).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.errors import Invalid
from accord.gate.catalogue import Permission
from accord.gate.service import holds_permission
from accord.gate.types import Actor
from accord.panels import actions, cases, meetings
from accord.panels.access import PANEL_SERVICES, REFERENCE_PREFIX
from accord.register.registry import current_registry
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
        panels.append({"register": register, "meetings": found, "services": services})
    return templates.TemplateResponse(
        request, "panels/home.html", {"panels": panels, "today": date.today(), **_words()}
    )


@router.get("/panels/meetings/{meeting_id}")
def meeting_page(
    meeting_id: uuid.UUID, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    agenda = meetings.agenda(session, actor=actor, meeting_id=meeting_id)
    return templates.TemplateResponse(
        request, "panels/meeting.html", {"agenda": agenda, **_words()}
    )


@router.get("/panels/{register_id}/{service}/cases")
def case_list(
    register_id: str, service: str, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    if service not in PANEL_SERVICES:
        raise Invalid("service", "there is no panel of that name")
    found, total = cases.list_cases(
        session, actor=actor, register=register_id, service=service, limit=PAGE_SIZE
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
