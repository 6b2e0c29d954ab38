"""Rights request input and output: who asks, for whom, which rights, and the clock."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from accord.people import plausible
from accord.rights.clock import Kind, Nation

Right = Literal[
    "access",
    "rectification",
    "erasure",
    "restriction",
    "portability",
    "objection",
    "withdraw-consent",
    "automated-decision-review",
    "complaint",
]
RIGHT_WORDS: dict[str, str] = {
    "access": "Get a copy of their information (access)",
    "rectification": "Correct information (rectification)",
    "erasure": "Delete information (erasure)",
    "restriction": "Limit how information is used (restriction)",
    "portability": "Move information to another organisation (portability)",
    "objection": "Object to how information is used",
    "withdraw-consent": "Withdraw consent",
    "automated-decision-review": "Human review of an automated decision",
    "complaint": "Complain about how a request was handled",
}
Channel = Literal["web", "api", "letter", "phone", "email", "in-person"]
Authority = Literal[
    "parent", "power-of-attorney", "court-appointed-deputy", "solicitor", "written-consent"
]
AUTHORITY_WORDS: dict[str, str] = {
    "parent": "Parent or guardian of a child",
    "power-of-attorney": "Lasting or enduring power of attorney",
    "court-appointed-deputy": "Deputy appointed by the Court of Protection",
    "solicitor": "Solicitor acting for the person",
    "written-consent": "Written consent from the person",
}
EARLIEST = date(2000, 1, 1)


def _text(value: str | None, *, multiline: bool = False) -> str | None:
    if value is None:
        return None
    found = plausible.control_character(value, multiline=multiline)
    if found is not None:
        raise ValueError(f"contains {found}")
    return value


class Contact(BaseModel):
    """A person's name and how to reach them; sealed under their own key."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=500)
    postcode: str | None = Field(default=None, max_length=10)

    @field_validator("given_name", "family_name", "phone", "postcode")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        return _text(value)

    @field_validator("address")
    @classmethod
    def _lines(cls, value: str | None) -> str | None:
        return _text(value, multiline=True)

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not (self.email or self.phone or self.address):
            raise ValueError("give an email address, phone number or postal address for replies")
        return self


class Requester(Contact):
    date_of_birth: date | None = None

    @field_validator("date_of_birth")
    @classmethod
    def _born(cls, value: date | None) -> date | None:
        if value is not None and not (date(1900, 1, 1) <= value <= datetime.now(UTC).date()):
            raise ValueError("must be a real date of birth, from 1900 to today")
        return value


class Representative(Contact):
    authority: Authority = Field(
        description="Why they may act for the person: without authority the request is refused."
    )
    organisation: str | None = Field(default=None, max_length=200)  # e.g. the solicitors' firm

    @field_validator("organisation")
    @classmethod
    def _firm(cls, value: str | None) -> str | None:
        return _text(value)


def _received(value: date | None) -> date | None:
    if value is None:
        return None
    if value > datetime.now(UTC).date():
        raise ValueError("is in the future")
    if value < EARLIEST:
        raise ValueError(f"must be on or after {EARLIEST.isoformat()}")
    return value


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    register_id: str = Field(alias="register", description="The register id.")
    organisation: str | None = Field(
        default=None, description="The controller answering; the caller's own by default."
    )
    service: str | None = Field(default=None, description="The service it concerns, if named.")
    channel: Channel
    rights: list[Right] = Field(min_length=1, description="The rights asked for.")
    requester: Requester = Field(description="The person whose information it is.")
    representative: Representative | None = Field(
        default=None, description="Someone asking for them, with their authority."
    )
    description: str | None = Field(default=None, max_length=20000)
    received_on: date | None = Field(default=None, description="The day it arrived; today.")
    identity_verified: bool = Field(
        default=False, description="The requester's identity was confirmed on the day it arrived."
    )
    nation: Nation = Field(
        default=Nation.ENGLAND_AND_WALES, description="Whose bank holidays the clock skips."
    )

    @field_validator("rights")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("names a right more than once")
        return value

    @field_validator("description")
    @classmethod
    def _description(cls, value: str | None) -> str | None:
        return _text(value, multiline=True)

    @field_validator("received_on")
    @classmethod
    def _day(cls, value: date | None) -> date | None:
        return _received(value)


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Kind
    on: date | None = Field(default=None, description="The day it happened; today by default.")
    reason: str | None = Field(default=None, max_length=32)
    partner: str | None = Field(default=None, max_length=64, description="For forwarding.")
    note: str | None = Field(default=None, max_length=5000)

    @field_validator("note")
    @classmethod
    def _note(cls, value: str | None) -> str | None:
        return _text(value, multiline=True)

    @field_validator("on")
    @classmethod
    def _day(cls, value: date | None) -> date | None:
        return _received(value)


class EventOut(BaseModel):
    id: uuid.UUID
    kind: str
    on: date
    recorded_at: datetime
    reason: str | None
    partner: str | None
    note: str | None = None


class PartnerClockOut(BaseModel):
    partner: str
    partner_name: str
    dpo: dict[str, str] | None
    forwarded_on: date
    due: date
    responded_on: date | None
    overdue: bool


class ClockOut(BaseModel):
    nation: str
    received_on: date
    started_on: date | None
    waiting_for: list[str]
    paused: bool
    paused_days: int
    extension_notice_deadline: date | None
    extended: bool
    due: date | None
    overdue: bool
    days_left: int | None
    partners: list[PartnerClockOut]
    steps: list[str] = Field(description="How the due date was reached, in plain words.")


class RequestOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: uuid.UUID
    reference: str
    register_id: str = Field(alias="register")
    organisation: str
    service: str | None
    channel: str
    rights: list[str]
    authority: str | None
    status: str
    outcome: str | None
    received_on: date
    retention_due: datetime | None
    clock: ClockOut
    events: list[EventOut]
    requester: dict[str, Any] | None = None
    representative: dict[str, Any] | None = None
    description: str | None = None


QueueState = Literal["overdue", "due", "partner", "paused", "identity", "waiting", "answered"]
# The queue's order, most urgent first, and what each state means to the team.
QUEUE_ORDER: tuple[QueueState, ...] = (
    "overdue",
    "due",
    "partner",
    "paused",
    "identity",
    "waiting",
    "answered",
)
QUEUE_WORDS: dict[str, str] = {
    "overdue": "Overdue",
    "due": "Due",
    "partner": "Waiting on a partner",
    "paused": "Paused for clarification",
    "identity": "Identity not yet confirmed",
    "waiting": "Waiting for authority or fee",
    "answered": "Answered, to close",
}


class QueueItem(BaseModel):
    id: uuid.UUID
    reference: str
    register_id: str = Field(alias="register")
    organisation: str
    rights: list[str]
    received_on: date
    state: QueueState
    due: date | None
    days_left: int | None
    waiting_for: list[str]
    partners: list[str]
    reminder: bool = Field(description="Identity still not confirmed after the reminder days.")

    model_config = ConfigDict(populate_by_name=True)
