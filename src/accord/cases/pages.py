"""Caseworker pages: my caseload and my team's, search, the case page, and the forms that
record a contact, a need, a note, support, closure and reopening (the last two checked before
they are done). Each form has the one shape of `accord.web.forms`.

Pages call the casework services (`caseload`, `reading`, `workflow`, `entries`), which pass
the gate; refusals are shown as pages that say what to do (`pages_common`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.cases import caseload, entries, purposes, workflow
from accord.cases import reopen as reopening
from accord.cases.access import case_target, shares_of
from accord.cases.models import Case
from accord.cases.pages_common import (
    CHANNELS,
    CLOSURE,
    NEEDS,
    OUTCOMES,
    RISK,
    Refusal,
    attempt,
    case_form,
    form_values,
    guarded,
    refused_page,
    run_on_case,
    staff_names,
    validation_errors,
)
from accord.cases.pages_words import case_view
from accord.cases.purposes import CASEWORK
from accord.cases.schemas import CloseIn, ContactIn, EventIn
from accord.deps import DbSession
from accord.errors import AccordError, NotFound
from accord.gate import access
from accord.gate.types import AccessDenied, Actor
from accord.web.forms import redirect
from accord.web.routing import PageRoute
from accord.web.templating import templates


class CasePageRoute(PageRoute):
    """A page route whose refusals (raised as `Refusal`) are answered by their page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except Refusal as refusal:
                return refusal.response

        return answer


router = APIRouter(include_in_schema=False, route_class=CasePageRoute)
PAGE_SIZE = 25

__all__ = ["PAGE_SIZE", "CasePageRoute", "listing_context", "page_number", "router"]


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() else 1


def listing_context(
    session: Session, listing: caseload.Listing, page: int, base: str
) -> dict[str, Any]:
    names = staff_names(session, (r.assigned_user for r in listing.rows))
    pages = max(1, -(-listing.total // listing.limit))
    return {
        "rows": listing.rows,
        "total": listing.total,
        "page": page,
        "pages": pages,
        "base": base,
        "assignees": names,
    }


@router.get("/cases")
def my_caseload(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    how = caseload.team_view(actor)
    team_view = request.query_params.get("view", "mine") == "team" and how is not None
    page = page_number(request)
    kind = caseload.caseload_kind(actor)
    filters = (
        caseload.Filters(teams=actor.teams if kind != "organisation" else None)
        if team_view
        else caseload.Filters(assigned_to=actor.id)
    )
    # Where the register grants only the team's list in outline, it is listed for that
    # purpose: the gate shows the name alone, and the case opens only if it is one's own.
    purpose = purposes.TEAM_CASELOAD if team_view and how == "outline" else purposes.CASEWORK
    listing = guarded(
        request,
        session,
        lambda: caseload.list_cases(
            session,
            actor=actor,
            filters=filters,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
            purpose=purpose,
        ),
    )
    context = listing_context(
        session, listing, page, "/cases?view=team&" if team_view else "/cases?"
    )
    context.update(
        view="team" if team_view else "mine",
        offers_team=how is not None,
        outline=team_view and how == "outline",
        teams=sorted(actor.teams),
    )
    return templates.TemplateResponse(request, "cases/caseload.html", context)


def _search_query(values: dict[str, str], errors: dict[str, str]) -> caseload.Search:
    born: date | None = None
    parts = [values.get(f"dob-{p}", "") for p in ("day", "month", "year")]
    if any(parts):
        try:
            born = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            errors["dob-day"] = "Date of birth must be a real date, for example 27 3 1986"
    return caseload.Search(
        name=values.get("name", ""),
        date_of_birth=born,
        reference=values.get("reference", ""),
        crime_number=values.get("crime_number", ""),
        phone=values.get("phone", ""),
    )


_SEARCH_FIELDS = {"date_of_birth": "dob-day"}


@router.get("/cases/search")
def search(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    values = {k: v.strip() for k, v in request.query_params.items() if k != "page"}
    errors: dict[str, str] = {}
    context: dict[str, Any] = {
        "values": values,
        "errors": errors,
        "searched": False,
        "offers_team": caseload.team_view(actor) is not None,
    }
    if any(values.values()):
        query = _search_query(values, errors)
        if not errors:
            page = page_number(request)
            try:
                listing = guarded(
                    request,
                    session,
                    lambda: caseload.search(
                        session,
                        actor=actor,
                        query=query,
                        limit=PAGE_SIZE,
                        offset=(page - 1) * PAGE_SIZE,
                    ),
                )
            except caseload.SearchError as exc:
                errors[_SEARCH_FIELDS.get(exc.field, exc.field)] = exc.message
            else:
                base = "/cases/search?" + urlencode(values) + "&"
                context.update(listing_context(session, listing, page, base))
                context["searched"] = True
    status = 400 if errors else 200
    return templates.TemplateResponse(request, "cases/search.html", context, status_code=status)


@router.get("/cases/{case_id}")
def case_page(
    case_id: uuid.UUID, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    view = guarded(request, session, lambda: case_view(session, actor, case_id), case_id=case_id)
    view["reopen_available"] = view["case"].status in workflow.REOPENABLE
    return templates.TemplateResponse(request, "cases/case.html", view)


@router.post("/cases/{case_id}/access")
async def request_access(
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    """Ask for access to a case outside one's caseload, with the reason (reviewed by the DPO)."""
    values = await form_values(request)
    reason = str(values.get("reason", ""))
    if not reason:
        return templates.TemplateResponse(
            request,
            "cases/refused.html",
            {
                "title": "This case is not in your caseload",
                "advice": "Say why you need to open it.",
                "case_id": case_id,
                "errors": {"reason": "Enter why you need to open this case"},
            },
            status_code=400,
        )
    row = session.get(Case, case_id)
    if row is None:
        return refused_page(request, NotFound("case"))
    target = case_target(row, shares_of(session, row.id))
    try:
        attempt(
            session,
            lambda: access.request_access(
                session, actor=actor, purpose=CASEWORK, target=target, reason=reason
            ),
        )
    except AccessDenied as exc:
        return refused_page(request, exc)
    except (AccordError, ValueError) as exc:
        return templates.TemplateResponse(
            request,
            "cases/refused.html",
            {
                "title": "You cannot open this case",
                "advice": str(exc),
                "case_id": None,
            },
            status_code=409,
        )
    return _done(case_id)


# --- forms ----------------------------------------------------------------------------------


_CHOICES = {
    "outcomes": OUTCOMES,
    "channels": CHANNELS,
    "needs": NEEDS,
    "risks": RISK,
    "closures": CLOSURE,
}


def _form_page(
    request: Request,
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    template: str,
    values: dict[str, Any],
    errors: dict[str, str],
) -> Response:
    return case_form(
        request, session, actor, case_id, template, values, errors, more=lambda _: _CHOICES
    )


def _done(case_id: uuid.UUID) -> Response:
    return redirect(f"/cases/{case_id}")


@router.get("/cases/{case_id}/contact")
def contact_form(
    case_id: uuid.UUID, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    return _form_page(request, session, actor, case_id, "cases/contact.html", {}, {})


@router.post("/cases/{case_id}/contact")
async def contact(
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    values = await form_values(request)
    errors: dict[str, str] = {}
    if values.get("outcome") not in OUTCOMES:
        errors["outcome"] = "Select what happened"
    if values.get("channel") not in CHANNELS:
        errors["channel"] = "Select how you contacted them"
    data = None
    if not errors:
        try:
            data = ContactIn(
                outcome=values["outcome"],
                channel=values["channel"],
                note=values.get("note") or None,
            )
        except ValidationError as exc:
            errors = validation_errors(exc, {})
    if data is not None:
        checked = data
        errors = run_on_case(
            request,
            session,
            case_id,
            lambda: workflow.record_contact(session, actor=actor, case_id=case_id, data=checked),
            "outcome",
        )
    if errors:
        return _form_page(request, session, actor, case_id, "cases/contact.html", values, errors)
    return _done(case_id)


def _event_form(template: str) -> Callable[..., Response]:
    def show(
        case_id: uuid.UUID, request: Request, session: DbSession, actor: CurrentActor
    ) -> Response:
        return _form_page(request, session, actor, case_id, template, {}, {})

    return show


router.add_api_route("/cases/{case_id}/need", _event_form("cases/need.html"), methods=["GET"])
router.add_api_route("/cases/{case_id}/note", _event_form("cases/note.html"), methods=["GET"])


@router.get("/cases/{case_id}/support")
def support_form(
    case_id: uuid.UUID, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    values = {"delivered_by": actor.name or ""}
    return _form_page(request, session, actor, case_id, "cases/support.html", values, {})


def _event_details(kind: str, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    if kind == "needs-assessment":
        chosen = values.get("needs", [])
        chosen = [chosen] if isinstance(chosen, str) else list(chosen)
        if not chosen or any(n not in NEEDS for n in chosen):
            errors["needs"] = "Select at least one need"
        details: dict[str, Any] = {"needs": chosen}
        if values.get("risk_level"):
            if values["risk_level"] not in RISK:
                errors["risk_level"] = "Select the level of risk"
            details["risk_level"] = values["risk_level"]
        if values.get("summary"):
            details["summary"] = values["summary"]
        return details
    if kind == "note":
        if not values.get("text"):
            errors["text"] = "Enter the note"
        return {"text": values.get("text", "")}
    # support
    if not values.get("type"):
        errors["type"] = "Enter the support you gave"
    if not values.get("delivered_by"):
        errors["delivered_by"] = "Enter who gave the support"
    details = {"type": values.get("type", ""), "delivered_by": values.get("delivered_by", "")}
    minutes = str(values.get("duration_minutes", ""))
    if minutes:
        if not minutes.isdigit() or not 1 <= int(minutes) <= 1440:
            errors["duration_minutes"] = "Enter how long it took in minutes, like 45"
        else:
            details["duration_minutes"] = int(minutes)
    if values.get("note"):
        details["note"] = values["note"]
    return details


def _event_post(kind: str, template: str, first_field: str) -> Callable[..., Any]:
    async def post(
        case_id: uuid.UUID,
        request: Request,
        session: DbSession,
        actor: CurrentActor,
        _csrf: CsrfChecked,
    ) -> Response:
        values = await form_values(request)
        errors: dict[str, str] = {}
        details = _event_details(kind, values, errors)
        if not errors:
            try:
                data = EventIn.model_validate({"kind": kind, "details": details})
            except ValidationError as exc:
                errors = validation_errors(exc, {"details": first_field})
            else:
                errors = run_on_case(
                    request,
                    session,
                    case_id,
                    lambda: entries.record_event(session, actor=actor, case_id=case_id, data=data),
                    first_field,
                )
        if errors:
            return _form_page(request, session, actor, case_id, template, values, errors)
        return _done(case_id)

    return post


router.add_api_route(
    "/cases/{case_id}/need",
    _event_post("needs-assessment", "cases/need.html", "needs"),
    methods=["POST"],
)
router.add_api_route(
    "/cases/{case_id}/note", _event_post("note", "cases/note.html", "text"), methods=["POST"]
)
router.add_api_route(
    "/cases/{case_id}/support",
    _event_post("support", "cases/support.html", "type"),
    methods=["POST"],
)


# --- closure and reopening, each with check your answers -----------------------------------

T = TypeVar("T")


def _checked_form(
    name: str,
    read: Callable[[dict[str, Any], dict[str, str]], T | None],
    act: Callable[[Session, Actor, uuid.UUID, T], object],
    field: str,
) -> None:
    """`/cases/{id}/<name>`: the form (`cases/<name>.html`); posting it checks the answers and
    shows them (`cases/<name>_check.html`, the values in hidden inputs); posting that to
    `/confirm` does it, since it cannot be undone here."""
    form, check = f"cases/{name}.html", f"cases/{name}_check.html"

    def show(
        case_id: uuid.UUID, request: Request, session: DbSession, actor: CurrentActor
    ) -> Response:
        return _form_page(request, session, actor, case_id, form, {}, {})

    async def check_answers(
        case_id: uuid.UUID,
        request: Request,
        session: DbSession,
        actor: CurrentActor,
        _csrf: CsrfChecked,
    ) -> Response:
        values = await form_values(request)
        errors: dict[str, str] = {}
        if read(values, errors) is None:
            return _form_page(request, session, actor, case_id, form, values, errors)
        return _form_page(request, session, actor, case_id, check, values, {})

    async def confirm(
        case_id: uuid.UUID,
        request: Request,
        session: DbSession,
        actor: CurrentActor,
        _csrf: CsrfChecked,
    ) -> Response:
        values = await form_values(request)
        errors: dict[str, str] = {}
        data = read(values, errors)
        if data is not None:
            checked = data
            errors = run_on_case(
                request, session, case_id, lambda: act(session, actor, case_id, checked), field
            )
        if errors:
            return _form_page(request, session, actor, case_id, form, values, errors)
        return _done(case_id)

    router.add_api_route(f"/cases/{{case_id}}/{name}", show, methods=["GET"])
    router.add_api_route(f"/cases/{{case_id}}/{name}", check_answers, methods=["POST"])
    router.add_api_route(f"/cases/{{case_id}}/{name}/confirm", confirm, methods=["POST"])


def _closure(values: dict[str, Any], errors: dict[str, str]) -> CloseIn | None:
    if values.get("reason") not in CLOSURE:
        errors["reason"] = "Select why you are closing the case"
        return None
    try:
        return CloseIn(reason=values["reason"], note=values.get("note") or None)
    except ValidationError as exc:
        errors.update(validation_errors(exc, {}))
        return None


def _reopen_reason(values: dict[str, Any], errors: dict[str, str]) -> str | None:
    reason = str(values.get("reason", ""))
    if not reason:
        errors["reason"] = "Enter why the case is being reopened"
    elif len(reason) > 500:
        errors["reason"] = "The reason must be 500 characters or fewer"
    else:
        return reason
    return None


_checked_form(
    "close",
    _closure,
    lambda session, actor, case_id, data: workflow.close_case(
        session, actor=actor, case_id=case_id, data=data
    ),
    "reason",
)
_checked_form(
    "reopen",
    _reopen_reason,
    lambda session, actor, case_id, reason: reopening.reopen(
        session=session, actor=actor, case=case_id, reason=reason
    ),
    "reason",
)
