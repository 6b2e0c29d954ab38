"""Staff pages for referrals waiting for the person's consent: the queue (reference, when it
came and who sent it, nothing that identifies the person) and the form on which a hub worker
records that the person agreed, after which the referral is in the intake queue."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.cases.pages import CasePageRoute
from accord.cases.pages_common import (
    SOURCES,
    Refusal,
    attempt,
    day,
    form_error,
    form_values,
    guarded,
    refused_page,
)
from accord.deps import DbSession
from accord.errors import AccordError, NotFound
from accord.gate.types import AccessDenied
from accord.referrals import consent_queue
from accord.web.templating import organisation_name, templates

router = APIRouter(include_in_schema=False, route_class=CasePageRoute)

__all__ = ["router"]

HOW = {
    "phone": "On the phone",
    "in-person": "In person",
    "email": "By email",
    "letter": "By letter",
}


def _sender(item: consent_queue.Waiting) -> str:
    if item.source_organisation:
        return organisation_name(item.source_organisation)
    return SOURCES.get(item.source, item.source).capitalize()


@router.get("/referrals/awaiting-consent")
def queue(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    items = guarded(request, session, lambda: consent_queue.awaiting_consent(session, actor=actor))
    rows = [{"item": i, "received": day(i.received_at), "sender": _sender(i)} for i in items]
    return templates.TemplateResponse(
        request,
        "staff/awaiting_consent.html",
        {"rows": rows, "recorded": request.query_params.get("recorded", "")},
    )


def _form(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    case_id: uuid.UUID,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    item = guarded(
        request,
        session,
        lambda: consent_queue.waiting(session, actor=actor, case_id=case_id),
    )
    context = {
        "item": item,
        "received": day(item.received_at),
        "sender": _sender(item),
        "how": HOW,
        "values": values,
        "errors": errors,
    }
    return templates.TemplateResponse(
        request,
        "staff/consent_agreement.html",
        context,
        status_code=400 if errors else 200,
    )


@router.get("/referrals/awaiting-consent/{case_id}")
def agreement_form(
    case_id: uuid.UUID, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    return _form(request, session, actor, case_id, {}, {})


@router.post("/referrals/awaiting-consent/{case_id}")
async def record_agreement(
    case_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    values = {k: str(v) for k, v in (await form_values(request)).items()}
    reference = (
        guarded(
            request, session, lambda: consent_queue.waiting(session, actor=actor, case_id=case_id)
        ).reference
        or ""
    )
    errors: dict[str, str] = {}
    if values.get("agreed") != "yes":
        errors["agreed"] = "Tick the box once the person has agreed to be supported"
    if values.get("channel") not in HOW:
        errors["channel"] = "Select how they told you"
    if not errors:
        try:
            attempt(
                session,
                lambda: consent_queue.record_agreement(
                    session, actor=actor, case_id=case_id, channel=values["channel"]
                ),
            )
        except (AccessDenied, NotFound) as exc:
            raise Refusal(refused_page(request, exc)) from exc
        except AccordError as exc:
            errors = form_error(exc, "channel")
    if errors:
        return _form(request, session, actor, case_id, values, errors)
    return RedirectResponse(
        "/referrals/awaiting-consent?" + urlencode({"recorded": reference}), status_code=303
    )
