"""The disclosure log: what every disclosure records, and what rights requests can read."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from accord.disclosures.service import (
    DisclosureError,
    disclosures_for_subject,
    log_disclosure,
    recipients_to_notify_of_correction,
)
from accord.gate.types import Actor
from accord.people.service import create_subject, erase_subject
from accord.register.schema import Register
from accord.store.base import utcnow
from factories.consent import consent_statement


def _consent(
    session: Session, actor: Actor, register: Register, subject_id: uuid.UUID, state: str = "given"
) -> None:
    consent_statement(
        session,
        actor=actor,
        subject_id=subject_id,
        register=register.id,
        purpose="referral-on",
        state=state,
    )


def test_a_referral_with_consent_is_logged_and_listed(
    session: Session, register: Register, caseworker: Actor, manager: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    _consent(session, caseworker, register, subject.id)
    entry = log_disclosure(
        session,
        actor=caseworker,
        subject_id=subject.id,
        register=register.id,
        recipient="idva",
        fields=["name", "phone", "name"],
        with_consent=True,
        basis="consent",
        purpose="referral-on",
    )
    assert entry.fields == ("name", "phone")
    assert entry.recipient_name == "IDVA service"
    assert entry.from_organisation == "hub"
    # Read by someone whose caseload holds the person (the organisation's manager).
    listed = disclosures_for_subject(session, subject_id=subject.id, actor=manager)
    assert [d.id for d in listed] == [entry.id]


def test_with_consent_needs_consent_given_now(
    session: Session, register: Register, caseworker: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    kwargs = {
        "actor": caseworker,
        "subject_id": subject.id,
        "register": register.id,
        "recipient": "idva",
        "fields": ["name"],
        "with_consent": True,
        "basis": "consent",
        "purpose": "referral-on",
    }
    with pytest.raises(DisclosureError, match="never given"):
        log_disclosure(session, **kwargs)  # type: ignore[arg-type]
    _consent(session, caseworker, register, subject.id, state="refused")
    with pytest.raises(DisclosureError, match="refused"):
        log_disclosure(session, **kwargs)  # type: ignore[arg-type]
    assert disclosures_for_subject(session, subject_id=subject.id) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recipient": "the-press"}, "recipient"),
        ({"fields": ["shoe-size"]}, "fields"),
        ({"fields": []}, "fields"),
        ({"basis": "because"}, "basis"),
        ({"basis": "consent"}, "basis"),  # without consent but claiming consent
        ({"purpose": "gossip"}, "purpose"),
        ({"approved_by": None}, "approved_by"),
    ],
)
def test_bad_entries_are_refused_naming_the_field(
    session: Session,
    register: Register,
    caseworker: Actor,
    manager: Actor,
    change: dict[str, object],
    field: str,
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    kwargs = {
        "actor": caseworker,
        "subject_id": subject.id,
        "register": register.id,
        "recipient": "police-safeguarding",
        "fields": ["address"],
        "with_consent": False,
        "basis": "risk-of-harm",
        "purpose": "risk-of-harm-disclosure",
        "approved_by": manager.id,
    } | change
    with pytest.raises(DisclosureError, match=rf"^{field}:"):
        log_disclosure(session, **kwargs)  # type: ignore[arg-type]


def test_self_approval_is_refused(session: Session, register: Register, manager: Actor) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    with pytest.raises(DisclosureError, match="someone other than you"):
        log_disclosure(
            session,
            actor=manager,
            subject_id=subject.id,
            register=register.id,
            recipient="police-safeguarding",
            fields=["address"],
            with_consent=False,
            basis="risk-of-harm",
            approved_by=manager.id,
        )


def test_recipients_to_notify_of_a_correction(
    session: Session, register: Register, caseworker: Actor, manager: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    _consent(session, caseworker, register, subject.id)
    start = utcnow()
    for offset, (recipient, fields, consent) in enumerate(
        [
            ("idva", ["name", "phone"], True),
            ("police-safeguarding", ["address"], False),
            ("idva", ["needs"], True),
        ]
    ):
        log_disclosure(
            session,
            actor=caseworker,
            subject_id=subject.id,
            register=register.id,
            recipient=recipient,
            fields=fields,
            with_consent=consent,
            basis="consent" if consent else "risk-of-harm",
            purpose="referral-on" if consent else "risk-of-harm-disclosure",
            approved_by=None if consent else manager.id,
            disclosed_at=start + timedelta(minutes=offset),
        )
    everyone = recipients_to_notify_of_correction(session, subject_id=subject.id)
    assert [(r.recipient, r.fields) for r in everyone] == [
        ("idva", ("name", "needs", "phone")),
        ("police-safeguarding", ("address",)),
    ]
    phone_only = recipients_to_notify_of_correction(
        session, subject_id=subject.id, categories=["phone"]
    )
    assert [(r.recipient, r.fields) for r in phone_only] == [("idva", ("phone",))]
    assert (
        recipients_to_notify_of_correction(
            session, subject_id=subject.id, categories=["nothing-shared"]
        )
        == []
    )


def test_erasure_takes_the_log_with_the_subject(
    session: Session, register: Register, caseworker: Actor
) -> None:
    subject = create_subject(session, register=register.id, organisation="hub")
    _consent(session, caseworker, register, subject.id)
    log_disclosure(
        session,
        actor=caseworker,
        subject_id=subject.id,
        register=register.id,
        recipient="idva",
        fields=["name"],
        with_consent=True,
        basis="consent",
        purpose="referral-on",
    )
    erase_subject(session, subject_id=subject.id)
    session.expunge_all()
    assert disclosures_for_subject(session, subject_id=subject.id) == []
