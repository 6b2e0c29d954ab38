"""Request and response bodies for the panels API (kept apart from the tables)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class PartyBody(In):
    role: str = Field(description="victim, perpetrator, offender, child, resident or other")
    details: dict[str, Any] = Field(description="Values keyed by register category id.")


class CaseIn(In):
    register_id: str = Field(alias="register", description="The register id.")
    service: str = Field(description="marac, community-risk-panel, iom, dsv-outreach, fgm-service")
    parties: list[PartyBody] = Field(min_length=1)
    referral: dict[str, Any] = Field(default_factory=dict)
    risk_level: str | None = None
    referred_by: str | None = None
    assigned_user: uuid.UUID | None = None


class CaseSummary(BaseModel):
    id: uuid.UUID
    reference: str
    service: str
    record_type: str
    status: str
    risk_level: str | None
    opened_at: datetime
    last_action_at: datetime | None
    retention_due: datetime | None


class PartyOut(BaseModel):
    subject_id: uuid.UUID
    role: str
    details: dict[str, Any]


class CaseOut(CaseSummary):
    register_id: str = Field(alias="register", description="The register id.")
    referred_by: str | None
    closed_at: datetime | None
    retention_from: datetime | None
    referral: dict[str, Any]
    parties: list[PartyOut]


class MeetingIn(In):
    register_id: str = Field(alias="register", description="The register id.")
    panel: str
    held_on: date
    chair: str = Field(min_length=1, max_length=120)
    location: str | None = Field(None, max_length=120)


class MeetingOut(BaseModel):
    id: uuid.UUID
    panel: str
    held_on: date
    chair: str
    location: str | None
    status: str


class ListingIn(In):
    case_id: uuid.UUID


class AgendaItemOut(BaseModel):
    position: int
    listing_id: uuid.UUID
    case_id: uuid.UUID
    reference: str
    risk_level: str | None
    status: str
    discussed: bool


class AgendaOut(MeetingOut):
    items: list[AgendaItemOut] = Field(description="The listed cases you may see, in order.")
    others: int = Field(
        0, description="How many other cases are listed that you may not see (not identified)."
    )


class MinutesIn(In):
    minutes: str = Field(min_length=1, max_length=20000)


class MinutesOut(BaseModel):
    meeting_id: uuid.UUID
    case_id: uuid.UUID
    minutes: str | None


class ActionIn(In):
    owner_agency: str
    description: str = Field(min_length=1, max_length=5000)
    due_on: date
    meeting_id: uuid.UUID | None = None


class UpdateIn(In):
    text: str = Field(min_length=1, max_length=5000)
    action_id: uuid.UUID | None = None
    action_status: str | None = None


class UpdateOut(BaseModel):
    at: datetime
    agency: str
    text: str | None


class ActionOut(BaseModel):
    id: uuid.UUID
    owner_agency: str
    due_on: date
    status: str
    overdue: bool
    description: str | None
    updates: list[UpdateOut]


class Created(BaseModel):
    id: uuid.UUID
