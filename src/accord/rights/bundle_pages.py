"""Pages for the information rights team: confirming the records found about a requester,
and reviewing an access bundle (deciding each item about other people, approving,
releasing). Every page calls `rights.discovery` or `rights.bundle`, which pass the gate."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.errors import AccordError, Invalid
from accord.gate.types import AccessDenied
from accord.rights import bundle, discovery
from accord.rights.exemptions import EXEMPTIONS, PARA16_FACTORS
from accord.web.routing import PageRoute, error_page
from accord.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=PageRoute)
STATUS_WORDS = {
    "proposed": "Not yet decided",
    "confirmed": "The requester's",
    "rejected": "Not the requester's",
    "withheld": "Withheld",
    "disclosed": "Disclosed",
    "draft": "Being reviewed",
    "approved": "Approved, not yet released",
    "released": "Released",
}


def _refusal(request: Request, exc: AccordError | AccessDenied) -> Response:
    if isinstance(exc, AccessDenied):
        return error_page(
            request,
            403,
            "You cannot answer rights requests in this register. Ask your Data Protection "
            "Officer if you need to.",
            None,
        )
    status = exc.status if exc.status in (403, 404, 409, 410) else 400
    return error_page(request, status, exc.message, None)


@router.get("/rights/discovery/{search_id}")
def discovery_page(
    request: Request, search_id: uuid.UUID, session: DbSession, actor: CurrentActor
) -> Response:
    try:
        found = discovery.get_search(session, actor=actor, search_id=search_id)
    except (AccordError, AccessDenied) as exc:
        return _refusal(request, exc)
    return templates.TemplateResponse(
        request,
        "bundle/discovery.html",
        {"s": found, "status_words": STATUS_WORDS, "errors": {}},
    )


@router.post("/rights/discovery/{search_id}")
async def discovery_decisions(
    request: Request,
    search_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = await request.form()
    mine = {str(v) for v in form.getlist("mine")}
    try:
        found = discovery.get_search(session, actor=actor, search_id=search_id)
        confirmed = [c.id for c in found.candidates if str(c.id) in mine]
        rejected = [c.id for c in found.candidates if str(c.id) not in mine]
        discovery.decide(
            session, actor=actor, search_id=search_id, confirmed=confirmed, rejected=rejected
        )
    except (AccordError, AccessDenied) as exc:
        return _refusal(request, exc)
    return RedirectResponse(f"/rights/discovery/{search_id}", status_code=303)


@router.post("/rights/discovery/{search_id}/bundle")
def make_bundle(
    request: Request,
    search_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    try:
        made = bundle.produce(session, actor=actor, search_id=search_id)
    except Invalid as exc:
        found = discovery.get_search(session, actor=actor, search_id=search_id)
        return templates.TemplateResponse(
            request,
            "bundle/discovery.html",
            {"s": found, "status_words": STATUS_WORDS, "errors": {"mine": exc.message}},
            status_code=400,
        )
    except (AccordError, AccessDenied) as exc:
        return _refusal(request, exc)
    return RedirectResponse(f"/rights/bundles/{made.id}", status_code=303)


def _bundle_context(
    found: bundle.BundleView, errors: dict[str, str], values: dict[str, Any], item: str | None
) -> dict[str, Any]:
    return {
        "b": found,
        "status_words": STATUS_WORDS,
        "exemptions": list(EXEMPTIONS.values()),
        "factors": PARA16_FACTORS,
        "errors": errors,
        "values": values,
        "failed_item": item,
    }


@router.get("/rights/bundles/{bundle_id}")
def bundle_page(
    request: Request, bundle_id: uuid.UUID, session: DbSession, actor: CurrentActor
) -> Response:
    try:
        found = bundle.get_bundle(session, actor=actor, bundle_id=bundle_id)
    except (AccordError, AccessDenied) as exc:
        return _refusal(request, exc)
    return templates.TemplateResponse(
        request, "bundle/review.html", _bundle_context(found, {}, {}, None)
    )


def _field_id(withholding_id: uuid.UUID, field: str) -> str:
    """The id of the item's form field a refusal names (factors.x -> <id>-factor-x)."""
    return f"{withholding_id}-{field.replace('factors.', 'factor-')}"


def _factors(form: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in PARA16_FACTORS:
        value = form.get(f"factor-{key}", "")
        if key in ("capable_of_consent", "refused"):
            if value in ("yes", "no"):
                out[key] = value == "yes"
        elif value.strip():
            out[key] = value
    return out


@router.post("/rights/bundles/{bundle_id}/items/{withholding_id}")
async def decide_item(
    request: Request,
    bundle_id: uuid.UUID,
    withholding_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        bundle.decide_withholding(
            session, actor=actor, bundle_id=bundle_id, withholding_id=withholding_id,
            decision=form.get("decision", ""), reason=form.get("reason", ""),
            exemption_code=form.get("exemption") or None, factors=_factors(form),
        )  # fmt: skip
    except Invalid as exc:
        found = bundle.get_bundle(session, actor=actor, bundle_id=bundle_id)
        return templates.TemplateResponse(
            request,
            "bundle/review.html",
            _bundle_context(
                found,
                {_field_id(withholding_id, exc.field): exc.message},
                form,
                str(withholding_id),
            ),
            status_code=400,
        )
    except (AccordError, AccessDenied) as exc:
        return _refusal(request, exc)
    return RedirectResponse(f"/rights/bundles/{bundle_id}", status_code=303)


@router.post("/rights/bundles/{bundle_id}/approve")
def approve_bundle(
    request: Request,
    bundle_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    try:
        bundle.approve(session, actor=actor, bundle_id=bundle_id)
    except (AccordError, AccessDenied) as exc:
        return _refusal(request, exc)
    return RedirectResponse(f"/rights/bundles/{bundle_id}", status_code=303)


@router.post("/rights/bundles/{bundle_id}/release")
def release_bundle(
    request: Request,
    bundle_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
) -> Response:
    try:
        bundle.release(session, actor=actor, bundle_id=bundle_id)
    except (AccordError, AccessDenied) as exc:
        return _refusal(request, exc)
    return RedirectResponse(f"/rights/bundles/{bundle_id}", status_code=303)
