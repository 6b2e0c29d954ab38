"""Rights requests over HTTP: log one, read it with its clock explained, record the clock's
events, and the information rights team's queue."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.paging import Limit, Offset, Page
from accord.rights import requests
from accord.rights.schemas import EventIn, QueueItem, QueueState, RequestIn, RequestOut
from accord.web.errors import ERROR_RESPONSES as _ERRORS

router = APIRouter(prefix="/api/rights", tags=["rights"])


@router.post("/requests", status_code=201, responses=_ERRORS)
def create(body: RequestIn, session: DbSession, actor: CurrentActor) -> RequestOut:
    """Log a request received by letter, call, email, in person or from another system."""
    made = requests.log_request(session, actor=actor, data=body)
    return made


@router.get("/requests/{request_id}", responses=_ERRORS)
def get(request_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> RequestOut:
    """The request, its events and its clock with the steps to the due date."""
    found = requests.get_request(session, actor=actor, request_id=request_id)
    return found


@router.post("/requests/{request_id}/events", status_code=201, responses=_ERRORS)
def add_event(
    request_id: uuid.UUID, body: EventIn, session: DbSession, actor: CurrentActor
) -> RequestOut:
    """Record a dated event (identity confirmed, clarification, extension, forwarded ...)."""
    changed = requests.record_event(session, actor=actor, request_id=request_id, data=body)
    return changed


@router.get("/queue", responses=_ERRORS)
def queue(
    session: DbSession,
    actor: CurrentActor,
    register: str,
    state: QueueState | None = None,
    reminder_days: Annotated[
        int, Query(ge=1, le=90, description="Remind when identity is this many days late.")
    ] = requests.IDENTITY_REMINDER_DAYS,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[QueueItem]:
    """Open requests, most urgent first: overdue, due, waiting on a partner, paused,
    identity not yet confirmed (with a reminder flag), waiting for authority or fee."""
    items = requests.queue(
        session, actor=actor, register=register, state=state, reminder_days=reminder_days
    )
    return Page(items=items[offset : offset + limit], total=len(items), limit=limit, offset=offset)
