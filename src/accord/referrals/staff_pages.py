"""Staff pages for referrals: the intake queue (referrals whose service is not yet accepted)
and the routing form that accepts the suggested service or changes it with a reason.

The queue is what the gate lets the person see: a team manager of the intake team sees every
referral waiting there, a caseworker those assigned to them.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.cases import caseload, reading, workflow
from accord.cases.pages import PAGE_SIZE, CasePageRoute
from accord.cases.pages_common import (
    Refusal,
    attempt,
    day,
    form_error,
    form_values,
    guarded,
    refused_page,
    service_name,
    staff_names,
    validation_errors,
)
from accord.cases.schemas import RoutingIn
from accord.deps import DbSession
from accord.errors import AccordError, NotFound
from accord.gate.types import AccessDenied, Actor
from accord.referrals import consent_queue
from accord.register.registry import current_registry
from accord.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=CasePageRoute)


@router.get("/referrals")
def intake_queue(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    raw = request.query_params.get("page", "1")
    page = max(1, int(raw)) if raw.isdigit() else 1
    listing = guarded(
        request,
        session,
        lambda: caseload.list_cases(
            session,
            actor=actor,
            filters=caseload.Filters(awaiting_routing=True),
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        ),
    )
    rows = [
        {
            "row": row,
            "received": day(row.received_at),
            "suggested": service_name(row.register, row.proposed_service),
        }
        for row in listing.rows
    ]
    return templates.TemplateResponse(
        request,
        "staff/intake.html",
        {
            "rows": rows,
            "total": listing.total,
            "page": page,
            "pages": max(1, -(-listing.total // listing.limit)),
            "assignees": staff_names(session, (r.assigned_user for r in listing.rows)),
            "accepted": request.query_params.get("accepted", ""),
            "offers_team": caseload.team_view(actor) is not None,
            "awaiting_consent": _awaiting_consent(session, actor),
        },
    )


def _awaiting_consent(session: Session, actor: Actor) -> int:
    """How many referrals wait for the person's consent (none where support does not rest
    on consent); the queue's own page says what they are."""
    try:
        return len(attempt(session, lambda: consent_queue.awaiting_consent(session, actor=actor)))
    except AccessDenied:
        return 0


def _routing_page(
    request: Request,
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    values: dict[str, Any],
    errors: dict[str, str],
) -> Response:
    case = guarded(
        request,
        session,
        lambda: reading.get_case(session, actor=actor, case_id=case_id),
        case_id=case_id,
    )
    register = current_registry().get(case.register_id)
    services = {
        s.id: s.name + (" (suggested)" if s.id == case.proposed_service else "")
        for s in register.services
    }
    chosen = values.get("service", case.service or case.proposed_service or "")
    return templates.TemplateResponse(
        request,
        "staff/routing.html",
        {
            "case": case,
            "name": " ".join(
                str(case.person[f]) for f in ("given_name", "family_name") if case.person.get(f)
            ),
            "services": services,
            "suggested": service_name(case.register_id, case.proposed_service),
            "values": {**values, "service": chosen},
            "errors": errors,
        },
        status_code=400 if errors else 200,
    )


@router.get("/referrals/{case_id}/routing")
def routing_form(
    case_id: uuid.UUID, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    return _routing_page(request, session, actor, case_id, {}, {})


@router.post("/referrals/{case_id}/routing")
async def confirm_routing(
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    values = await form_values(request)
    errors: dict[str, str] = {}
    if not values.get("service"):
        errors["service"] = "Select the service that will support them"
    data = None
    if not errors:
        try:
            data = RoutingIn(service=values["service"], reason=values.get("reason") or None)
        except ValidationError as exc:
            errors = validation_errors(exc, {})
    if data is not None:
        checked = data
        try:
            case = attempt(
                session,
                lambda: workflow.confirm_routing(
                    session, actor=actor, case_id=case_id, data=checked
                ),
            )
        except (AccessDenied, NotFound) as exc:
            raise Refusal(refused_page(request, exc, case_id=case_id)) from exc
        except AccordError as exc:
            errors = form_error(exc, "service")
            if "reason" in errors:
                errors["reason"] = "Give a reason for choosing a different service"
        else:
            return RedirectResponse(f"/referrals?accepted={case.reference or ''}", status_code=303)
    return _routing_page(request, session, actor, case_id, values, errors)
