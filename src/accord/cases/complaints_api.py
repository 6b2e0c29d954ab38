"""Complaints about the service."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from accord.accounts.deps import CurrentActor
from accord.cases import complaints
from accord.cases.schemas import (
    ComplaintIn,
    ComplaintOut,
    ComplaintStatus,
    ComplaintUpdateIn,
    Page,
)
from accord.deps import DbSession
from accord.gate.registers import register_for
from accord.paging import Limit, Offset
from accord.web.errors import ERROR_RESPONSES as _ERRORS

router = APIRouter(prefix="/api/complaints", tags=["complaints"])


@router.post("", status_code=201, responses=_ERRORS)
def create(body: ComplaintIn, session: DbSession, actor: CurrentActor) -> ComplaintOut:
    """Record a complaint (kept 6 years after the last contact about it)."""
    row = complaints.create_complaint(session, actor=actor, data=body)
    return row


@router.get("", responses=_ERRORS)
def list_complaints(
    session: DbSession,
    actor: CurrentActor,
    register: str | None = None,
    status: ComplaintStatus | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[ComplaintOut]:
    page = complaints.list_complaints(
        session,
        actor=actor,
        register=register_for(actor, register),
        status=status,
        limit=limit,
        offset=offset,
    )
    return page


@router.get("/{complaint_id}", responses=_ERRORS)
def get(complaint_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> ComplaintOut:
    row = complaints.get_complaint(session, actor=actor, complaint_id=complaint_id)
    return row


@router.post("/{complaint_id}/updates", responses=_ERRORS)
def update(
    complaint_id: uuid.UUID, body: ComplaintUpdateIn, session: DbSession, actor: CurrentActor
) -> ComplaintOut:
    """A contact, a response, or the closure (with its outcome); each moves the clock."""
    row = complaints.update_complaint(session, actor=actor, complaint_id=complaint_id, data=body)
    return row
