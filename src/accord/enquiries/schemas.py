"""Enquiry input and output."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from accord.store.base import aware

Channel = Literal["phone", "email", "live-chat", "web"]
EnquiryStatus = Literal["open", "closed"]  # the values the list's `status` filter takes


class EnquiryIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    register_id: str = Field(alias="register", description="The register id.")
    organisation: str | None = None
    channel: Channel
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=40)
    message: str = Field(
        min_length=1, max_length=20000, description="The enquiry, or the chat transcript."
    )
    wants_updates: bool = Field(default=False, description="Opted in to further updates.")
    received_at: datetime | None = None

    @field_validator("received_at")
    @classmethod
    def _past(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        moment = aware(value)
        if moment > datetime.now(UTC):
            raise ValueError("is in the future")
        return moment

    @model_validator(mode="after")
    def _reply_to(self) -> EnquiryIn:
        if self.channel in ("email", "web") and not (self.email or self.phone):
            raise ValueError("give an email address or phone number so we can reply")
        return self


class EnquiryOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: uuid.UUID
    register_id: str = Field(alias="register")
    organisation: str
    record_type: str
    channel: str
    status: str
    wants_updates: bool
    received_at: datetime
    retention_due: datetime | None
    content: dict[str, Any] | None = None
