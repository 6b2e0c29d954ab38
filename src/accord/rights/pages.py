"""Rights request pages: the public request form (no sign-in) and, for the information
rights team, the queue and each request's page with its clock explained and the form that
records the clock's events. Every page calls `accord.rights.requests`, which passes the gate.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.errors import AccordError, Invalid
from accord.gate.types import AccessDenied, Actor
from accord.referrals.pages import PublicRegister
from accord.referrals.public import public_actor
from accord.referrals.routing import lead_provider
from accord.register.registry import current_registry
from accord.rights import clock, requests
from accord.rights.clock import Kind
from accord.rights.schemas import (
    AUTHORITY_WORDS,
    QUEUE_ORDER,
    QUEUE_WORDS,
    RIGHT_WORDS,
    EventIn,
    RequestIn,
)
from accord.web.routing import PageRoute, error_page
from accord.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=PageRoute)

# What staff may record from the page, in the words the team uses.
# (The receipt is recorded when the request is logged.)
EVENT_CHOICES = [k for k in clock.Kind if k is not Kind.RECEIVED]
REASON_WORDS = clock.EXTENSION_REASONS | clock.FEE_REASONS | clock.REFUSAL_REASONS
# pydantic locations -> the form field that shows the message
_REQUESTER_FIELD = {"date_of_birth": "dob-day", "": "given_name"}
_AGENT_FIELD = {
    "given_name": "rep_given_name",
    "family_name": "rep_family_name",
    "email": "rep_email",
    "phone": "rep_email",
    "address": "rep_email",
    "authority": "rep_authority",
    "": "rep_email",
}


def _words() -> dict[str, Any]:
    return {
        "right_words": RIGHT_WORDS,
        "authority_words": AUTHORITY_WORDS,
        "queue_words": QUEUE_WORDS,
        "kind_words": {k.value: v for k, v in clock.KIND_WORDS.items()},
        "reason_words": REASON_WORDS,
        "long_date": clock.long_date,
    }


def _refusal(request: Request, exc: AccordError | AccessDenied) -> Response:
    if isinstance(exc, AccessDenied):
        return error_page(
            request,
            403,
            "You cannot see or change rights requests in this register. Ask your Data "
            "Protection Officer if you need to.",
            None,
        )
    status = exc.status if exc.status in (403, 404, 409, 410) else 400
    return error_page(request, status, exc.message, None)


# --- the public request form ----------------------------------------------------------------


def _form(raw: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        k: str(v).strip() for k, v in raw.multi_items() if k not in ("csrf_token", "rights")
    }
    values["rights"] = [str(v) for k, v in raw.multi_items() if k == "rights"]
    return values


def _dob(values: dict[str, Any], errors: dict[str, str]) -> str | None:
    parts = [values.get(f"dob-{p}", "") for p in ("day", "month", "year")]
    if not any(parts):
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat()
    except ValueError:
        errors["dob-day"] = "Date of birth must be a real date, for example 27 3 1980"
        return None


def _message(error: ErrorDetails) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    return message[0].upper() + message[1:]


def _public_body(
    values: dict[str, Any],
    register_id: str,
    errors: dict[str, str],
    staff: dict[str, Any] | None = None,
) -> RequestIn | None:
    """The request a form describes, or None with `errors` naming each field in error.
    `staff` adds what the team records from a letter, call or email (channel, date ...)."""

    def opt(key: str) -> str | None:
        return values.get(key) or None

    requester = {
        "given_name": opt("given_name"),
        "family_name": opt("family_name"),
        "date_of_birth": _dob(values, errors),
        "email": opt("email"),
        "phone": opt("phone"),
        "address": opt("address"),
        "postcode": opt("postcode"),
    }
    data: dict[str, Any] = {
        "register": register_id,
        "channel": "web",
        "rights": values["rights"],
        "requester": {k: v for k, v in requester.items() if v is not None},
        "description": opt("description"),
        **(staff or {}),
    }
    acting = values.get("acting")
    if acting not in ("self", "other"):
        errors["acting-self"] = "Say whether the information is about you or someone else"
    if acting == "other":
        agent = {
            "given_name": opt("rep_given_name"),
            "family_name": opt("rep_family_name"),
            "email": opt("rep_email"),
            "authority": opt("rep_authority"),
        }
        data["representative"] = {k: v for k, v in agent.items() if v is not None}
    try:
        body = RequestIn.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(p) for p in error["loc"]]
            missing = error["type"] == "missing"
            if loc[0] == "rights":
                errors.setdefault("rights", "Choose at least one thing you want us to do")
            elif loc[0] == "requester":
                field = loc[1] if len(loc) > 1 else ""
                where = _REQUESTER_FIELD.get(field, field)
                text = f"Enter the {field.replace('_', ' ')}" if missing else _message(error)
                errors.setdefault(where, text)
            elif loc[0] == "representative":
                field = loc[1] if len(loc) > 1 else ""
                where = _AGENT_FIELD.get(field, "rep_email")
                if field == "authority":
                    text = "Choose what gives you the right to act for them"
                elif missing:
                    text = f"Enter your {field.replace('_', ' ')}"
                else:
                    text = _message(error)
                errors.setdefault(where, text)
            else:
                where = {"channel": "channel-letter", "received_on": "received-day"}.get(
                    loc[0], "description"
                )
                errors.setdefault(where, _message(error))
        return None
    return None if errors else body


def _public_context(
    register_id: str, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "register": current_registry().get(register_id),
        **_words(),
    }


@router.get("/your-data/request")
def request_form(request: Request, register_id: PublicRegister) -> Response:
    return templates.TemplateResponse(
        request, "rights/public_request.html", _public_context(register_id, {"rights": []}, {})
    )


@router.post("/your-data/request")
async def request_sent(
    request: Request, register_id: PublicRegister, session: DbSession, _csrf: CsrfChecked
) -> Response:
    values = _form(await request.form())
    errors: dict[str, str] = {}
    body = _public_body(values, register_id, errors)
    if body is None:
        return templates.TemplateResponse(
            request,
            "rights/public_request.html",
            _public_context(register_id, values, errors),
            status_code=400,
        )
    register = current_registry().get(register_id)
    receiving = lead_provider(register)
    body = body.model_copy(update={"organisation": receiving})
    try:
        made = requests.log_request(session, actor=public_actor(register_id, receiving), data=body)
        session.commit()
    except (AccessDenied, AccordError):
        session.rollback()
        errors[""] = "We could not take your request online just now. Please write to us instead."
        return templates.TemplateResponse(
            request,
            "rights/public_request.html",
            _public_context(register_id, values, errors),
            status_code=503,
        )
    return templates.TemplateResponse(
        request,
        "rights/public_request_done.html",
        {"reference": made.reference, "register": register, "acting": values.get("acting")},
    )


# --- the information rights team's pages ---------------------------------------------------


def _registers_for(actor: Actor) -> list[str]:
    """Registers keeping rights requests where the actor holds a role at all."""
    registry = current_registry()
    found = []
    for register_id, register in sorted(registry.registers.items()):
        if not any(rt.id == requests.RECORD_TYPE for rt in register.record_types):
            continue
        if actor.roles_in(register_id):
            found.append(register_id)
    return found


@router.get("/rights")
def queue_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    register: str | None = None,
    state: str | None = None,
) -> Response:
    registers = _registers_for(actor)
    chosen = register or (registers[0] if registers else None)
    if chosen is None:
        return _refusal(request, Invalid("register", "You hold no role in any register."))
    if state is not None and state not in QUEUE_ORDER:
        state = None
    try:
        items = requests.queue(session, actor=actor, register=chosen)
    except (AccessDenied, AccordError) as exc:
        session.commit()  # keep the refusal's audit entry
        return _refusal(request, exc)
    counts = {s: sum(1 for i in items if i.state == s) for s in QUEUE_ORDER}
    shown = [i for i in items if state is None or i.state == state]
    return templates.TemplateResponse(
        request,
        "rights/queue.html",
        {
            "items": shown,
            "counts": counts,
            "total": len(items),
            "state": state,
            "register_id": chosen,
            "registers": registers,
            "states": QUEUE_ORDER,
            "today": requests.today(),
            **_words(),
        },
    )


def _request_context(found: Any, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    register = current_registry().get(found.register_id)
    partners = [
        o
        for o in register.organisations
        if o.role.value in ("joint_controller", "controller")
        and o.id != found.organisation
        and o.dpo is not None
    ]
    return {
        "r": found,
        "values": values,
        "errors": errors,
        "events": EVENT_CHOICES,
        "reasons": clock.REASONS,
        "partners": partners,
        "organisation_names": {o.id: o.name for o in register.organisations},
        "today": requests.today(),
        **_words(),
    }


CHANNEL_WORDS = {
    "letter": "Letter",
    "email": "Email",
    "phone": "Phone call",
    "in-person": "In person",
}


def _staff_fields(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    parts = [values.get(f"received-{p}", "") for p in ("day", "month", "year")]
    received = None
    try:
        received = date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat()
    except ValueError:
        errors["received-day"] = "Enter the date the request arrived, for example 3 9 2026"
    channel = values.get("channel")
    if channel not in CHANNEL_WORDS:
        errors["channel-letter"] = "Choose how the request arrived"
    return {
        "channel": channel if channel in CHANNEL_WORDS else "letter",
        "received_on": received,
        "identity_verified": values.get("identity") == "yes",
    }


def _new_context(
    register_id: str, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "register": current_registry().get(register_id),
        "channel_words": CHANNEL_WORDS,
        **_words(),
    }


@router.get("/rights/requests/new")
def new_request_form(
    request: Request, actor: CurrentActor, register: str | None = None
) -> Response:
    registers = _registers_for(actor)
    chosen = register if register in registers else (registers[0] if registers else None)
    if chosen is None:
        return _refusal(request, Invalid("register", "You hold no role in any register."))
    today = requests.today()
    values: dict[str, Any] = {
        "rights": [],
        "received-day": str(today.day),
        "received-month": str(today.month),
        "received-year": str(today.year),
    }
    return templates.TemplateResponse(
        request, "rights/new_request.html", _new_context(chosen, values, {})
    )


@router.post("/rights/requests/new")
async def new_request(
    request: Request, session: DbSession, actor: CurrentActor, _csrf: CsrfChecked
) -> Response:
    values = _form(await request.form())
    registers = _registers_for(actor)
    register_id = values.get("register", "")
    if register_id not in registers:
        return _refusal(request, Invalid("register", "You hold no role in that register."))
    errors: dict[str, str] = {}
    staff = _staff_fields(values, errors)
    body = _public_body(values, register_id, errors, staff)
    if body is not None:
        try:
            made = requests.log_request(session, actor=actor, data=body)
            session.commit()
            return RedirectResponse(f"/rights/requests/{made.id}", status_code=303)
        except AccessDenied as exc:
            session.commit()
            return _refusal(request, exc)
        except Invalid as exc:
            errors[exc.field if exc.field in values else "given_name"] = exc.message
    return templates.TemplateResponse(
        request,
        "rights/new_request.html",
        _new_context(register_id, values, errors),
        status_code=400,
    )


@router.get("/rights/requests/{request_id}")
def request_page(
    request: Request, request_id: uuid.UUID, session: DbSession, actor: CurrentActor
) -> Response:
    try:
        found = requests.get_request(session, actor=actor, request_id=request_id)
    except (AccessDenied, AccordError) as exc:
        session.commit()
        return _refusal(request, exc)
    today = requests.today()
    values = {"on-day": str(today.day), "on-month": str(today.month), "on-year": str(today.year)}
    return templates.TemplateResponse(
        request, "rights/request.html", _request_context(found, values, {})
    )


def _event_body(values: dict[str, Any], errors: dict[str, str]) -> EventIn | None:
    parts = [values.get(f"on-{p}", "") for p in ("day", "month", "year")]
    on: str | None = None
    try:
        on = date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat()
    except ValueError:
        errors["on-day"] = "Enter the date it happened, for example 3 9 2026"
    kind = values.get("kind") or ""
    if kind not in {k.value for k in EVENT_CHOICES}:
        errors["kind"] = "Choose what happened"
    if errors:
        return None
    data = {
        "kind": kind,
        "on": on,
        "reason": values.get("reason") or None,
        "partner": values.get("partner") or None,
        "note": values.get("note") or None,
    }
    try:
        return EventIn.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "kind"
            errors.setdefault("on-day" if field == "on" else field, _message(error))
        return None


@router.post("/rights/requests/{request_id}/events")
async def add_event(
    request: Request,
    request_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    values = _form(await request.form())
    errors: dict[str, str] = {}
    body = _event_body(values, errors)
    if body is not None:
        try:
            requests.record_event(session, actor=actor, request_id=request_id, data=body)
            session.commit()
            return RedirectResponse(f"/rights/requests/{request_id}", status_code=303)
        except AccessDenied as exc:
            session.commit()
            return _refusal(request, exc)
        except AccordError as exc:
            # The event is checked before anything is written: nothing to roll back.
            field = getattr(exc, "field", None) or "kind"
            errors["on-day" if field == "on" else field] = exc.message[0].upper() + exc.message[1:]
    try:
        found = requests.get_request(session, actor=actor, request_id=request_id)
    except (AccessDenied, AccordError) as exc:
        session.commit()
        return _refusal(request, exc)
    return templates.TemplateResponse(
        request, "rights/request.html", _request_context(found, values, errors), status_code=400
    )
