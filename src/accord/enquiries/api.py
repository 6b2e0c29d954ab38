"""Enquiries recorded by staff (phone, email, live chat transcript) and read back."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from accord.accounts.deps import CurrentActor
from accord.cases.schemas import Page
from accord.deps import DbSession
from accord.enquiries import service
from accord.enquiries.schemas import Channel, EnquiryIn, EnquiryOut, EnquiryStatus
from accord.gate.registers import register_for
from accord.paging import Limit, Offset
from accord.web.errors import ERROR_RESPONSES as _ERRORS

router = APIRouter(prefix="/api/enquiries", tags=["enquiries"])


@router.post("", status_code=201, responses=_ERRORS)
def create(body: EnquiryIn, session: DbSession, actor: CurrentActor) -> EnquiryOut:
    """Record an enquiry; its channel decides its record type and retention rule."""
    row = service.record_enquiry(session, actor=actor, data=body)
    return row


@router.get("", responses=_ERRORS)
def list_enquiries(
    session: DbSession,
    actor: CurrentActor,
    register: str | None = None,
    channel: Channel | None = None,
    status: EnquiryStatus | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[EnquiryOut]:
    page = service.list_enquiries(
        session,
        actor=actor,
        register=register_for(actor, register),
        channel=channel,
        status=status,
        limit=limit,
        offset=offset,
    )
    return page


@router.get("/{enquiry_id}", responses=_ERRORS)
def get(enquiry_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> EnquiryOut:
    row = service.get_enquiry(session, actor=actor, enquiry_id=enquiry_id)
    return row


@router.post("/{enquiry_id}/closure", responses=_ERRORS)
def close(enquiry_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> EnquiryOut:
    row = service.close_enquiry(session, actor=actor, enquiry_id=enquiry_id)
    return row
