"""Team manager pages: the dashboard (counts only), unassigned referrals, overdue contacts,
and assigning or reassigning a case to a caseworker.

Assigning names a person and keeps the case in its team, so the manager still sees it.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from accord.accounts import service as accounts
from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.cases import caseload, purposes, workflow
from accord.cases.pages import PAGE_SIZE, CasePageRoute, listing_context, page_number
from accord.cases.pages_common import (
    case_form,
    form_values,
    guarded,
    run_on_case,
    staff_names,
    status_words,
)
from accord.cases.schemas import AssignmentIn, CaseOut
from accord.deps import DbSession
from accord.gate.policy import holds
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.web.forms import redirect
from accord.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=CasePageRoute)


@router.get("/cases/team")
def dashboard(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    counts = guarded(request, session, lambda: caseload.counts(session, actor=actor))
    names = staff_names(session, counts.by_assignee)
    workload = sorted(
        (
            (names.get(user, "Someone who has left") if user else "Nobody yet", n)
            for user, n in counts.by_assignee.items()
        ),
        key=lambda item: (-item[1], item[0]),
    )
    statuses = [
        (status_words(s), counts.by_status.get(s, 0))
        for s in ("referred", "contacting", "engaged", "not-taken-up", "closed")
    ]
    return templates.TemplateResponse(
        request,
        "cases/team.html",
        {
            "counts": counts,
            "workload": workload,
            "statuses": statuses,
            "teams": sorted(actor.teams),
        },
    )


def _list_page(
    request: Request,
    session: Session,
    actor: Actor,
    filters: caseload.Filters,
    title: str,
    intro: str,
    empty: str,
    base: str,
) -> Response:
    page = page_number(request)
    listing = guarded(
        request,
        session,
        lambda: caseload.list_cases(
            session, actor=actor, filters=filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        ),
    )
    context = listing_context(session, listing, page, base)
    context.update(title=title, intro=intro, empty=empty)
    return templates.TemplateResponse(request, "cases/team_list.html", context)


@router.get("/cases/team/unassigned")
def unassigned(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return _list_page(
        request,
        session,
        actor,
        caseload.Filters(unassigned=True, statuses=caseload.OPEN),
        "Unassigned cases",
        "Open referrals and cases nobody is working on yet. Assign each to a caseworker.",
        "Every open case has a caseworker.",
        "/cases/team/unassigned?",
    )


@router.get("/cases/team/overdue")
def overdue(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return _list_page(
        request,
        session,
        actor,
        caseload.Filters(overdue=True),
        "Overdue contacts",
        "People who should have been contacted by now, the longest overdue first. New "
        "referrals are due first contact within 2 working days when the person is vulnerable "
        "or it is domestic abuse, otherwise 5; people being supported every 14 days.",
        "Nobody is overdue a contact.",
        "/cases/team/overdue?",
    )


def _caseworkers(session: Session, actor: Actor, register: str) -> dict[str, str]:
    """People of the manager's organisation who work cases in this register."""
    registry = current_registry()
    reg = registry.get(register)
    found: dict[str, str] = {}
    for user in accounts.list_users(session, organisation=actor.organisation):
        if not user.active:
            continue
        roles = {g.role_id for g in user.roles if g.register == register}
        role_ids = {r.id for r in reg.roles if r.id in roles}
        works_cases = any(
            "case:case:update" in registry.role(register, r).permissions for r in role_ids
        )
        if works_cases:
            found[str(user.id)] = user.name
    return dict(sorted(found.items(), key=lambda item: item[1]))


def _assign_page(
    request: Request,
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    values: dict[str, Any],
    errors: dict[str, str],
) -> Response:
    def more(case: CaseOut) -> dict[str, Any]:
        people = _caseworkers(session, actor, case.register_id)
        current = str(case.assigned_user) if case.assigned_user else ""
        return {
            "people": people,
            "current": people.get(current, ""),
            "values": {"user_id": values.get("user_id", current)},
        }

    return case_form(
        request, session, actor, case_id, "cases/assign.html", values, errors, more=more
    )


@router.get("/cases/{case_id}/assign")
def assign_form(
    case_id: uuid.UUID, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    return _assign_page(request, session, actor, case_id, {}, {})


@router.post("/cases/{case_id}/assign")
async def assign(
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    values = await form_values(request)
    errors: dict[str, str] = {}
    chosen = str(values.get("user_id", ""))
    try:
        user_id = uuid.UUID(chosen)
    except ValueError:
        errors["user_id"] = "Select who will work on the case"
    else:
        errors = run_on_case(
            request,
            session,
            case_id,
            lambda: workflow.assign(
                session, actor=actor, case_id=case_id, data=AssignmentIn(user_id=user_id)
            ),
            "user_id",
        )
        if not errors:
            return redirect(f"/cases/{case_id}")
    return _assign_page(request, session, actor, case_id, values, errors)


def manages_a_team(actor: Actor) -> bool:
    """Whether the person's casework roles see a team's or the organisation's cases and may
    route them (the team manager's pages)."""
    registry = current_registry()
    return caseload.caseload_kind(actor) in ("team", "organisation") and any(
        holds(actor, registry.get(r.id), "case:case:route", purposes.CASEWORK)
        for r in registry.registers_of(actor.organisation)
    )
