"""MOPAC newsletter (shared/seeds/001): "where you unsubscribe we will retain your email on an
opted-out list" so that you are never contacted again, however the address is written, and
even after the subscriber record itself is deleted."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.consent.ledger import current_state, record_consent
from accord.consent.models import OptOut
from accord.consent.optout import contactable, may_contact
from accord.consent.withdrawal import withdraw
from accord.gate.service import authorize
from accord.gate.types import AccessDenied, Action, Actor, ReasonCode, Target
from accord.people.service import create_subject, erase_subject, index_values
from accord.register.load import digest, load_file
from accord.register.registry import Registry, use_registry
from accord.register.schema import Register

REGISTER = Path(__file__).resolve().parents[2] / "registers" / "mopac.yaml"
SUBSCRIBER = "Sam.Subscriber@Example.org"


@pytest.fixture
def mopac() -> Iterator[Register]:
    register = load_file(REGISTER)
    with use_registry(Registry({register.id: register})):
        yield register


def test_unsubscribed_is_never_contacted_again(session: Session, mopac: Register) -> None:
    web_form = Actor(
        id=None,
        kind="system",
        organisation="mopac",
        roles=frozenset(),
        permissions=frozenset(),
        name="newsletter sign-up form",
    )
    officer = Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation="mopac",
        roles=frozenset({"dpo"}),
        permissions=frozenset(mopac.role("dpo").permissions),
    )
    check = {"register": "mopac", "purpose": "newsletter"}

    # Sign-up: a subscriber with consent, findable by email.
    subscriber = create_subject(session, register="mopac", organisation="mopac")
    index_values(session, subject_id=subscriber.id, values={"email": SUBSCRIBER})
    record_consent(
        session,
        actor=web_form,
        subject_id=subscriber.id,
        register="mopac",
        controller="mopac",
        purpose="newsletter",
        state="given",
        channel="web-form",
        notice_digest=digest(mopac),
    )
    send_list = [SUBSCRIBER, "other.reader@example.org"]
    assert contactable(session, emails=send_list, **check) == send_list

    # Unsubscribe link in the newsletter.
    outcome = withdraw(
        session,
        actor=web_form,
        subject_id=subscriber.id,
        register="mopac",
        controller="mopac",
        purpose="newsletter",
        channel="unsubscribe-link",
        notice_digest=digest(mopac),
        email=SUBSCRIBER,
    )
    assert outcome.opted_out == 1
    assert current_state(session, subject_id=subscriber.id, purpose="newsletter") == "withdrawn"

    for spelling in (SUBSCRIBER, "sam.subscriber@example.org", "  SAM.SUBSCRIBER@EXAMPLE.ORG "):
        assert not may_contact(session, email=spelling, **check), spelling
    assert contactable(session, emails=send_list, **check) == ["other.reader@example.org"]

    # Processing for the newsletter stops at the gate too.
    target = Target(
        register="mopac",
        record_type="newsletter-subscriber",
        owner_organisation="mopac",
        record_id=uuid.uuid4(),
        subject_ids=(subscriber.id,),
    )
    with pytest.raises(AccessDenied) as refused:
        authorize(session, actor=officer, purpose="newsletter", action=Action.READ, target=target)
    assert refused.value.decision.reason is ReasonCode.NO_CONSENT

    # The subscriber record goes (retention: 0 days after unsubscribing); the list stays,
    # holding no address at all.
    erase_subject(session, subject_id=subscriber.id)
    assert not may_contact(session, email="Sam.Subscriber@example.ORG", **check)
    stored = session.scalars(select(OptOut.blind_index)).all()
    assert stored
    assert all("@" not in value and "subscriber" not in value.lower() for value in stored)
