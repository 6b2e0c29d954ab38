"""The DPO's pages: access outside caseloads to review (`/access-reviews`) and the audit
trail to search and check (`/audit`).

Each page calls the gate's own services (`gate.access`, `oversight.trail`), which check the
DPO's permissions and audit the looking; refusals and bad input are shown as pages.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.accounts.models import User
from accord.deps import DbSession
from accord.errors import Invalid
from accord.gate import access
from accord.gate.models import AccessGrant
from accord.oversight import trail, words
from accord.oversight.pages_filters import parse_day
from accord.web.routing import PageRoute
from accord.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=PageRoute)
PAGE_SIZE = 50
STATES = {"pending": "Waiting for review", "all": "All"}


def _names(session: DbSession, grants: list[AccessGrant]) -> dict[uuid.UUID, str]:
    ids = {g.actor_id for g in grants} | {g.reviewed_by for g in grants if g.reviewed_by}
    if not ids:
        return {}
    return {u.id: u.name for u in session.scalars(select(User).where(User.id.in_(ids)))}


def _reviews_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    state: str,
    errors: dict[str, str] | None = None,
    decided: str = "",
    status_code: int = 200,
) -> Response:
    grants = access.list_reviews(session, actor=actor, state=None if state == "all" else state)
    return templates.TemplateResponse(
        request,
        "oversight/access_reviews.html",
        {
            "grants": grants,
            "names": _names(session, grants),
            "state": state,
            "states": STATES,
            "errors": errors or {},
            "decided": decided,
            "words": words,
        },
        status_code=status_code,
    )


@router.get("/access-reviews")
def access_reviews(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    state: Annotated[str, Query()] = "pending",
    decided: Annotated[str, Query()] = "",
) -> Response:
    return _reviews_page(
        request, session, actor, state if state in STATES else "pending", decided=decided
    )


@router.post("/access-reviews/{grant_id}")
def decide_access_review(
    grant_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
    outcome: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    errors: dict[str, str] = {}
    if outcome not in ("appropriate", "inappropriate"):
        errors[f"outcome-{grant_id}"] = "Select whether the access was appropriate"
    elif outcome == "inappropriate" and not note.strip():
        errors[f"note-{grant_id}"] = "Say why the access was not appropriate"
    if not errors:
        try:
            with session.begin_nested():
                access.decide_review(
                    session, actor=actor, grant_id=grant_id, outcome=outcome, note=note
                )
        except Invalid as error:
            errors[f"{error.field or 'outcome'}-{grant_id}"] = error.message
    if errors:
        return _reviews_page(request, session, actor, "pending", errors=errors, status_code=400)
    return RedirectResponse(f"/access-reviews?decided={grant_id}", status_code=303)


def _audit_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    *,
    query: dict[str, str],
    page: int,
    verification: object | None = None,
) -> Response:
    errors: dict[str, str] = {}
    subject: uuid.UUID | None = None
    if query["person"].strip():
        try:
            subject = uuid.UUID(query["person"].strip())
        except ValueError:
            errors["person"] = "Enter the person's identifier as shown on their record"
    where = trail.TrailFilter(
        user_email=query["user"],
        subject_id=subject,
        record_id=query["record"],
        since=parse_day(query["since"], "since", errors),
        until=parse_day(query["until"], "until", errors),
    )
    found = None
    if not errors:
        try:
            with session.begin_nested():
                found = trail.search(
                    session,
                    actor=actor,
                    where=where,
                    limit=PAGE_SIZE,
                    offset=(page - 1) * PAGE_SIZE,
                )
        except Invalid as error:
            errors[error.field or "user"] = error.message
    return templates.TemplateResponse(
        request,
        "oversight/audit.html",
        {
            "query": query,
            "found": found,
            "page": page,
            "pages": max(1, -(-found.total // PAGE_SIZE)) if found else 1,
            "errors": errors,
            "verification": verification,
            "words": words,
        },
        status_code=400 if errors else 200,
    )


@router.get("/audit")
def audit_trail(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    user: str = "",
    person: str = "",
    record: str = "",
    since: str = "",
    until: str = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    query = {"user": user, "person": person, "record": record, "since": since, "until": until}
    return _audit_page(request, session, actor, query=query, page=page)


@router.post("/audit/verify")
def verify_audit_trail(
    request: Request, session: DbSession, actor: CurrentActor, _csrf: CsrfChecked
) -> Response:
    verification = trail.verify_trail(session, actor=actor)
    query = dict.fromkeys(("user", "person", "record", "since", "until"), "")
    return _audit_page(request, session, actor, query=query, page=1, verification=verification)
