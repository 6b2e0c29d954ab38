"""Referred people and cases: a police referral payload, received through intake."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from accord.gate.types import Actor
from accord.referrals import intake
from accord.referrals.schemas import Person, PoliceReferralIn, ReferralAccepted, ReferralConsent
from factories.actors import actor
from factories.consent import consent_statement


def police(register: str = "lvws") -> Actor:
    """The Metropolitan Police's referral token."""
    return actor(register, "police-referrer", "metropolitan-police", kind="token")


def referral_body(**overrides: Any) -> dict[str, Any]:
    """A valid police referral (JSON-ready); `person__x=...` / `crime__x=...` override nested
    fields (None removes one), other keywords replace top-level ones."""
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "register": "lvws",
        "role": "victim",
        "person": {
            "given_name": "Amelia",
            "family_name": "Hughes",
            "date_of_birth": "1986-04-12",
            "gender": "female",
            "phone": "07700 900123",
            "email": "amelia.hughes@example.org",
            "address": "12 Acacia Road, London",
            "postcode": "SE5 0EG",
            "ethnicity": "White British",
            "vulnerable": False,
        },
        "crime": {
            "crime_number": "1234567/26",
            "crime_date": (now - timedelta(days=3)).date().isoformat(),
            "crime_time": "21:30",
            "crime_type": "burglary",
        },
        "consent": {
            "given": True,
            "captured_by": "PC 1234 Example",
            "captured_at": (now - timedelta(hours=2)).isoformat(),
            "channel": "in-person",
        },
    }
    for key, value in overrides.items():
        if "__" in key:
            outer, inner = key.split("__", 1)
            if value is None:
                body[outer].pop(inner, None)
            else:
                body[outer][inner] = value
        else:
            body[key] = value
    return body


def dob_for_age(age: int) -> str:
    """A date of birth (ISO) for someone `age` years old today."""
    return (date.today() - relativedelta(years=age, months=1)).isoformat()


def refer(session: Session, *, referrer: Actor | None = None, **overrides: Any) -> ReferralAccepted:
    """A referred person and their case: a police referral received through the intake
    service, as the police API would (overrides as for `referral_body`; the referrer is the
    police's LVWS token unless given)."""
    data = PoliceReferralIn.model_validate(referral_body(**overrides))
    referrer = referrer or police()
    return intake.receive(session, actor=referrer, intake=intake.from_police(data, actor=referrer))


def self_referral(
    session: Session,
    worker: Actor,
    *,
    register: str = "cambs-hub",
    consent_to: str | None = "victim-support",
    **person: Any,
) -> ReferralAccepted:
    """A person who referred themselves online to `worker`'s organisation (Hannah Walker
    unless `person` fields say otherwise), received by `worker` through intake, with their
    consent to `consent_to` recorded in the ledger as the web form does."""
    details = {
        "given_name": "Hannah",
        "family_name": "Walker",
        "phone": "07700 900321",
        "email": "hannah.walker@example.org",
        "address": "4 Mill Road, Cambridge",
    } | person
    accepted = intake.receive(
        session,
        actor=worker,
        intake=intake.Intake(
            register=register,
            person=Person(**details),
            consent=ReferralConsent(
                given=True,
                captured_by="the person (self-referral form)",
                captured_at=datetime.now(UTC),
                channel="online",
            ),
            source="self-referral",
            receiving_organisation=worker.organisation,
        ),
    )
    if consent_to is not None:
        consent_statement(
            session,
            actor=worker,
            subject_id=accepted.subject_id,
            register=register,
            purpose=consent_to,
            channel="web-form",
        )
    return accepted
