"""Pydantic input and output for cases, their timeline and complaints."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from accord.paging import Page as Page  # one page model for every list
from accord.store.base import aware


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)


def _not_future(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    moment = aware(value)
    if moment > datetime.now(UTC):
        raise ValueError("is in the future")
    return moment


# The values each list's `status` filter takes (an unknown one is a 422, not an empty page).
CaseStatus = Literal["referred", "contacting", "engaged", "not-taken-up", "closed"]
ComplaintStatus = Literal["open", "responded", "closed"]


class CaseSummary(BaseModel):
    """A row in a caseload list: no identifying fields."""

    model_config = ConfigDict(populate_by_name=True)

    id: uuid.UUID
    reference: str | None = Field(
        default=None, description="The case reference people quote, e.g. LVWS-2026-000123."
    )
    register_id: str = Field(alias="register")
    organisation: str
    service: str | None
    proposed_service: str | None
    record_type: str
    status: str
    source: str
    crime_type: str | None
    age: int | None
    vulnerable: bool
    received_at: datetime
    last_contact_at: datetime | None
    retention_due: datetime | None


class CaseOut(CaseSummary):
    """One case with the identifying fields this purpose may see (minimised by the gate)."""

    subject_id: uuid.UUID
    person_role: str
    shared_with: list[str]
    assigned_user: uuid.UUID | None
    team: str | None
    domestic_abuse: bool
    requested_service: str | None
    proposed_rule: str | None
    routing_confirmed_at: datetime | None
    not_taken_up_at: datetime | None
    closed_at: datetime | None
    closure_reason: str | None
    retention_from: datetime | None
    consent_captured_by: str
    consent_captured_at: datetime
    consent_channel: str
    person: dict[str, Any]  # sealed fields the decision allows, by field name
    categories: list[str]  # what the gate allowed this response to hold


class RoutingIn(_In):
    service: str = Field(description="The service id the caseworker confirms or chooses.")
    reason: str | None = Field(
        default=None, max_length=500, description="Required when changing the proposal."
    )


class AssignmentIn(_In):
    user_id: uuid.UUID | None = None
    team: str | None = Field(default=None, max_length=64)


ContactOutcome = Literal["not-reached", "declined", "engaged"]
ContactChannel = Literal["phone", "email", "letter", "sms", "in-person", "video"]


class ContactIn(_In):
    outcome: ContactOutcome
    channel: ContactChannel
    at: datetime | None = Field(default=None, description="When; defaults to now.")
    note: str | None = Field(default=None, max_length=4000)

    _at = field_validator("at")(_not_future)


class NotTakenUpIn(_In):
    reason: Literal["unable-to-contact", "declined", "not-eligible", "other"]
    at: datetime | None = None
    note: str | None = Field(default=None, max_length=4000)

    _at = field_validator("at")(_not_future)


EventKind = Literal[
    "needs-assessment", "vulnerability", "note", "support", "translation", "feedback"
]


class EventIn(_In):
    """A timeline entry. `details` holds the kind's fields (see the API description)."""

    kind: EventKind
    at: datetime | None = None
    details: dict[str, Any] = Field(default_factory=dict)

    _at = field_validator("at")(_not_future)


class ReferralOnIn(_In):
    """A referral on. The person's consent is read from the consent ledger: consent given in
    this contact is recorded there first (`POST /api/consent`), never asserted here."""

    recipient: str = Field(description="A recipient the register's referral-on sharing names.")
    reason: str = Field(min_length=1, max_length=2000)
    fields: list[str] = Field(min_length=1, description="The data categories sent.")
    at: datetime | None = None

    _at = field_validator("at")(_not_future)

    @model_validator(mode="before")
    @classmethod
    def _consent_is_in_the_ledger(cls, value: Any) -> Any:
        if isinstance(value, dict) and {"consent_given_now", "consent_channel"} & set(value):
            raise ValueError(
                "consent is not given on a referral: record the person's statement in the "
                "consent ledger (POST /api/consent, purpose 'referral-on'), then refer them on"
            )
        return value


class ReopenIn(_In):
    """Reopening a closed case, or a referral not taken up, with the reason."""

    reason: str = Field(min_length=1, max_length=500)
    at: datetime | None = None

    _at = field_validator("at")(_not_future)


class CloseIn(_In):
    reason: Literal[
        "support-completed",
        "no-further-support-wanted",
        "unable-to-contact",
        "moved-away",
        "referred-elsewhere",
        "other",
    ]
    at: datetime | None = None
    note: str | None = Field(default=None, max_length=4000)

    _at = field_validator("at")(_not_future)


class TimelineEntry(BaseModel):
    id: uuid.UUID
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    organisation: str
    actor_id: uuid.UUID | None
    outcome: str | None
    channel: str | None
    service: str | None
    details: dict[str, Any] | None  # None when this purpose may not see them


class ComplaintIn(_In):
    register_id: str = Field(alias="register", description="The register id.")
    organisation: str | None = None
    case_id: uuid.UUID | None = None
    channel: Literal["phone", "email", "letter", "web-form", "in-person"]
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    details: str = Field(min_length=1, max_length=8000)
    received_at: datetime | None = None

    _at = field_validator("received_at")(_not_future)


class ComplaintUpdateIn(_In):
    kind: Literal["contact", "response", "closure"]
    note: str | None = Field(default=None, max_length=8000)
    outcome: Literal["upheld", "partly-upheld", "not-upheld", "withdrawn"] | None = None
    at: datetime | None = None

    _at = field_validator("at")(_not_future)


class ComplaintOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: uuid.UUID
    register_id: str = Field(alias="register")
    organisation: str
    case_id: uuid.UUID | None
    channel: str
    status: str
    outcome: str | None
    received_at: datetime
    last_contact_at: datetime
    closed_at: datetime | None
    retention_from: datetime | None
    retention_due: datetime | None
    content: dict[str, Any] | None = None
