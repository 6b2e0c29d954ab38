"""Disclosures over HTTP: the log (for rights requests and corrections) and risk-of-harm
requests: raise, decide (a different approver), release only the approved fields."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.disclosures import requests
from accord.disclosures.models import DisclosureRequest
from accord.disclosures.records import find_record
from accord.disclosures.service import (
    LoggedDisclosure,
    disclosures_for_subject,
    recipients_to_notify_of_correction,
)
from accord.errors import NotFound
from accord.paging import Limit, Offset, Page
from accord.web.errors import ERROR_RESPONSES as ERRORS

router = APIRouter(prefix="/api/disclosures", tags=["disclosures"])


class DisclosureOut(BaseModel):
    id: uuid.UUID
    subject_id: uuid.UUID
    register_id: str = Field(alias="register", description="The register id.")
    from_organisation: str
    recipient: str
    recipient_name: str
    purpose: str | None
    fields: list[str]
    with_consent: bool
    basis: str
    record_type: str | None
    record_id: uuid.UUID | None
    approved_by: uuid.UUID | None
    disclosed_at: datetime

    @classmethod
    def of(cls, d: LoggedDisclosure) -> DisclosureOut:
        return cls(
            id=d.id,
            subject_id=d.subject_id,
            register=d.register,
            from_organisation=d.from_organisation,
            recipient=d.recipient,
            recipient_name=d.recipient_name,
            purpose=d.purpose,
            fields=list(d.fields),
            with_consent=d.with_consent,
            basis=d.basis,
            record_type=d.record_type,
            record_id=d.record_id,
            approved_by=d.approved_by,
            disclosed_at=d.disclosed_at,
        )


class RecipientOut(BaseModel):
    recipient: str
    name: str
    fields: list[str]
    last_disclosed_at: datetime


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    record_id: uuid.UUID = Field(description="The case the data is disclosed from.")
    recipient: str
    fields: list[str] = Field(min_length=1, description="Register category ids to disclose.")
    risk: str = Field(description="The risk of harm, in words a reviewer can weigh.")
    risk_level: requests.RiskLevel
    necessity: str = Field(description="Why this disclosure, and only these fields, is needed.")


class RequestOut(BaseModel):
    id: uuid.UUID
    subject_id: uuid.UUID
    recipient: str
    purpose: str
    fields: list[str]
    risk_level: str
    state: str
    requested_by: uuid.UUID | None
    requested_at: datetime
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    risk: str | None = None
    necessity: str | None = None

    @classmethod
    def of(cls, v: requests.RequestView) -> RequestOut:
        return cls(
            id=v.id,
            subject_id=v.subject_id,
            recipient=v.recipient,
            purpose=v.purpose,
            fields=list(v.fields),
            risk_level=v.risk_level.value,
            state=v.state.value,
            requested_by=v.requested_by,
            requested_at=v.requested_at,
            decided_by=v.decided_by,
            decided_at=v.decided_at,
            risk=v.risk,
            necessity=v.necessity,
        )


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    approve: bool


class ReleaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    method: str | None = Field(None, max_length=32, description="secure-email, phone, meeting")


class ReleaseOut(BaseModel):
    disclosure: DisclosureOut
    values: dict[str, Any]


@router.get("", responses=ERRORS)
def log_of_subject(
    session: DbSession,
    actor: CurrentActor,
    subject_id: uuid.UUID,
    recipient: str | None = None,
    with_consent: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[DisclosureOut]:
    """Every disclosure of a person's data, oldest first (filter by recipient or basis)."""
    found = disclosures_for_subject(session, subject_id=subject_id, actor=actor)
    if recipient is not None:
        found = [d for d in found if d.recipient == recipient]
    if with_consent is not None:
        found = [d for d in found if d.with_consent == with_consent]
    items = [DisclosureOut.of(d) for d in found[offset : offset + limit]]
    return Page[DisclosureOut](items=items, total=len(found), limit=limit, offset=offset)


@router.get("/recipients-to-notify", responses=ERRORS)
def to_notify(
    session: DbSession,
    actor: CurrentActor,
    subject_id: uuid.UUID,
    category: list[str] | None = Query(None, description="Corrected categories (all if none)."),
) -> list[RecipientOut]:
    """Who must hear of a correction or erasure of these categories (Art 19)."""
    found = recipients_to_notify_of_correction(
        session, subject_id=subject_id, categories=category, actor=actor
    )
    return [
        RecipientOut(
            recipient=r.recipient,
            name=r.name,
            fields=list(r.fields),
            last_disclosed_at=r.last_disclosed_at,
        )
        for r in found
    ]


@router.post("/requests", status_code=201, responses=ERRORS)
def raise_request(body: RequestIn, session: DbSession, actor: CurrentActor) -> RequestOut:
    """Ask to disclose without consent for a risk of harm. Nothing is sent until a different
    person with the approve permission approves it."""
    record = find_record(session, record_id=body.record_id)
    view = requests.request_disclosure(
        session,
        actor=actor,
        target=record.target,
        subject_id=record.subject_id,
        recipient=body.recipient,
        fields=body.fields,
        risk=body.risk,
        risk_level=body.risk_level,
        necessity=body.necessity,
    )
    return RequestOut.of(view)


@router.get("/requests", responses=ERRORS)
def pending(
    session: DbSession, actor: CurrentActor, register: str | None = None
) -> list[RequestOut]:
    """Requests awaiting a decision, oldest first."""
    found = requests.pending_requests(session, actor=actor, register=register)
    return [RequestOut.of(v) for v in found]


@router.get("/requests/{request_id}", responses=ERRORS)
def get_request(request_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> RequestOut:
    view = requests.get_request(session, actor=actor, request_id=request_id)
    return RequestOut.of(view)


@router.post("/requests/{request_id}/decision", responses=ERRORS)
def decide(
    request_id: uuid.UUID, body: DecisionIn, session: DbSession, actor: CurrentActor
) -> RequestOut:
    view = requests.decide(session, actor=actor, request_id=request_id, approve=body.approve)
    return RequestOut.of(view)


@router.post(
    "/requests/{request_id}/release",
    responses=ERRORS | {409: {"description": "The request was already released."}},
)
def release(
    request_id: uuid.UUID, body: ReleaseIn, session: DbSession, actor: CurrentActor
) -> ReleaseOut:
    """Release an approved request, once: the approved fields only, taken from the record's
    sealed data, and logged."""
    record = find_record(session, record_id=_record_of(session, request_id))
    out = requests.release(
        session,
        actor=actor,
        request_id=request_id,
        target=record.target,
        values=record.values,
        method=body.method,
    )
    return ReleaseOut(disclosure=DisclosureOut.of(out.disclosure), values=out.values)


def _record_of(session: DbSession, request_id: uuid.UUID) -> uuid.UUID:
    row = session.get(DisclosureRequest, request_id)
    if row is None:
        raise NotFound("request", f"No disclosure request {request_id}.")
    return row.record_id
