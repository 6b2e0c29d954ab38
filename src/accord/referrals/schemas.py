"""Pydantic input and output for intake. Errors name the field and why (422 on the API)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from accord.keys import normalise
from accord.people import plausible
from accord.referrals import codes


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)
    # Free-text fields that may hold line breaks; every other text field is one line.
    MULTILINE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*")
    @classmethod
    def _no_control_characters(cls, value: object, info: ValidationInfo) -> object:
        # A NUL byte cannot be stored and an escape sequence rewrites a reader's terminal.
        if isinstance(value, str):
            plausible.check_text(value, multiline=info.field_name in cls.MULTILINE)
        return value


class ReferralConsent(_In):
    """The victim's or witness's recorded consent to be referred (the police capture it)."""

    given: bool = Field(description="Must be true: nobody is referred without consent.")
    captured_by: str = Field(min_length=1, max_length=120, description="Officer or staff member.")
    captured_at: datetime
    channel: str = Field(description=f"One of {', '.join(sorted(codes.CONSENT_CHANNELS))}.")

    @field_validator("given")
    @classmethod
    def _must_be_given(cls, value: bool) -> bool:
        if not value:
            raise ValueError(
                "the person did not consent to be referred; the referral cannot be accepted"
            )
        return value

    @field_validator("captured_at")
    @classmethod
    def _not_future(cls, value: datetime) -> datetime:
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        if aware > datetime.now(UTC):
            raise ValueError("consent cannot be captured in the future")
        return aware

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        if value not in codes.CONSENT_CHANNELS:
            raise ValueError(
                f"unknown channel; expected one of {', '.join(sorted(codes.CONSENT_CHANNELS))}"
            )
        return value


class Person(_In):
    """Who is referred: identifying fields are sealed per subject; equality data apart."""

    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: date | None = None
    age: int | None = Field(
        default=None, ge=0, le=120, description="When the date of birth is not known."
    )
    gender: str | None = None
    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None
    address: str | None = Field(default=None, max_length=300)
    postcode: str | None = Field(default=None, max_length=10)
    # special category, kept only for equality monitoring
    disability: str | None = Field(default=None, max_length=200)
    ethnicity: str | None = Field(default=None, max_length=100)
    religion: str | None = Field(default=None, max_length=100)
    vulnerable: bool = False

    MULTILINE = frozenset({"address"})

    @field_validator("date_of_birth")
    @classmethod
    def _dob_plausible(cls, value: date | None) -> date | None:
        if value is not None:
            plausible.check_birth_date(value, today=datetime.now(UTC).date())
        return value

    @field_validator("gender")
    @classmethod
    def _gender(cls, value: str | None) -> str | None:
        if value is not None and value.lower() not in codes.GENDERS:
            raise ValueError(f"unknown gender; expected one of {', '.join(sorted(codes.GENDERS))}")
        return value.lower() if value else None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                if not plausible.ascii_digits(value):
                    raise ValueError
                normalise.phone(value)
            except ValueError:
                raise ValueError(
                    "not a UK phone number (starting 0 or +44) or a +country number"
                ) from None
        return value

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str | None) -> str | None:
        if not value:
            return None
        return plausible.uk_postcode(value)

    @model_validator(mode="after")
    def _contactable(self) -> Person:
        if not (self.phone or self.email or self.address):
            raise ValueError("contact details: give at least one of phone, email or address")
        return self

    def age_on(self, day: date) -> int | None:
        return codes.age_on(self.date_of_birth, day) if self.date_of_birth else self.age


class Crime(_In):
    crime_number: str
    crime_date: date
    crime_time: time | None = None
    crime_type: str
    domestic_abuse: bool = False

    @field_validator("crime_number")
    @classmethod
    def _crime_number(cls, value: str) -> str:
        return codes.normalise_crime_number(value)

    @field_validator("crime_type")
    @classmethod
    def _crime_type(cls, value: str) -> str:
        return codes.check_crime_type(value)

    @field_validator("crime_date")
    @classmethod
    def _crime_past(cls, value: date) -> date:
        if value > datetime.now(UTC).date():
            raise ValueError("crime date is in the future")
        return value


class PoliceReferralIn(_In):
    """A referral from a police system (API body, or one row of a bulk file)."""

    register_id: str = Field(alias="register", description="The register id.")
    role: Literal["victim", "witness"] = "victim"
    person: Person
    crime: Crime
    consent: ReferralConsent
    requested_service: str | None = Field(
        default=None, description="A service id or kind asked for, e.g. restorative_justice."
    )
    police_reference: str | None = Field(default=None, max_length=60)
    receiving_organisation: str | None = Field(
        default=None, description="Defaults to the register's lead provider."
    )

    @model_validator(mode="after")
    def _crime_after_birth(self) -> PoliceReferralIn:
        dob = self.person.date_of_birth
        if dob is not None and self.crime.crime_date < dob:
            raise ValueError("crime.crime_date is before person.date_of_birth")
        return self


class MatchOut(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    candidate_subject_id: uuid.UUID
    candidate_case_id: uuid.UUID | None
    score: float
    reasons: list[str]
    status: str
    decided_at: datetime | None = None
    decision_reason: str | None = None


class MatchDecisionIn(_In):
    MULTILINE = frozenset({"reason"})

    decision: Literal["confirmed", "rejected"]
    reason: str = Field(min_length=1, max_length=500)


class ReferralAccepted(BaseModel):
    case_id: uuid.UUID
    subject_id: uuid.UUID
    organisation: str
    proposed_service: str | None
    proposed_by_rule: str | None
    match_proposals: int
