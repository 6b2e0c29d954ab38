"""Timeline entries a caseworker records on an engaged case (needs, vulnerability, notes,
support delivered, translation through a processor, feedback) and referrals on to
specialist services, which need the person's consent and are logged as disclosures."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from accord.cases import purposes, recipients
from accord.cases.access import load_case
from accord.cases.errors import Conflict, InvalidInput
from accord.cases.models import Case, CaseEvent
from accord.cases.schemas import EventIn, ReferralOnIn
from accord.cases.workflow import (
    OPEN,
    add_event,
    categories_for,
    moment,
    not_before_received,
    refresh_clock,
    require_state,
    touch_contact,
)
from accord.consent import ledger
from accord.disclosures import service as disclosures
from accord.gate.types import Action, Actor
from accord.register.registry import current_registry

# Fields each timeline kind accepts in `details`, and which of them are required.
EVENT_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "needs-assessment": ({"needs", "risk_level", "summary"}, {"needs"}),
    "vulnerability": ({"vulnerable", "factors", "note"}, {"vulnerable"}),
    "note": ({"text"}, {"text"}),
    "support": ({"type", "delivered_by", "duration_minutes", "note"}, {"type", "delivered_by"}),
    "translation": ({"language", "processor", "note"}, {"language", "processor"}),
    "feedback": ({"rating", "comment"}, {"rating"}),
}


def record_event(session: Session, *, actor: Actor, case_id: uuid.UUID, data: EventIn) -> CaseEvent:
    allowed, required = EVENT_FIELDS[data.kind]
    unknown = set(data.details) - allowed
    if unknown:
        raise InvalidInput(
            f"details.{sorted(unknown)[0]}",
            f"not a field of a {data.kind} entry; expected {', '.join(sorted(allowed))}",
        )
    missing = required - {k for k, v in data.details.items() if v not in (None, "")}
    if missing:
        raise InvalidInput(f"details.{sorted(missing)[0]}", f"required for a {data.kind} entry")
    case, _ = load_case(
        session,
        actor=actor,
        case_id=case_id,
        purpose=purposes.CASEWORK,
        action=Action.UPDATE,
        categories=categories_for(session, case_id, data.kind),
    )
    require_state(
        case,
        states=("engaged",)
        if data.kind in ("support", "needs-assessment", "translation")
        else OPEN,
    )
    _check_event(case, data, sender=actor.organisation)
    at = moment(data.at)
    not_before_received(case, at)
    event = add_event(session, case, actor, data.kind, at, details=data.details)
    if data.kind == "vulnerability":
        case.vulnerable = bool(data.details["vulnerable"])
    if data.kind == "support":
        touch_contact(case, at)  # support is delivered in contact with the person
        refresh_clock(case)
    session.flush()
    return event


def _check_event(case: Case, data: EventIn, *, sender: str) -> None:
    details = data.details
    if data.kind == "translation":
        register = current_registry().get(case.register)
        processors = recipients.translation_processors(register, sender)
        if details["processor"] not in processors:
            raise InvalidInput(
                "details.processor",
                f"{details['processor']!r} is not a processor {case.register!r} lists for "
                f"translation in casework (listed: {', '.join(sorted(processors)) or 'none'})",
            )
    if data.kind == "feedback":
        rating = details["rating"]
        if not isinstance(rating, int) or not 1 <= rating <= 5:
            raise InvalidInput(
                "details.rating", "a whole number from 1 (very poor) to 5 (very good)"
            )


def refer_on(
    session: Session, *, actor: Actor, case_id: uuid.UUID, data: ReferralOnIn
) -> CaseEvent:
    """A referral to a specialist service the register's referral-on sharing names, only
    while the consent ledger holds the person's consent to it; logged as a disclosure.

    Consent given in this contact is recorded in the ledger first (who captured it, when,
    how); any other recipient, or no consent, is a disclosure without consent and goes
    through a disclosure request instead."""
    case, _ = load_case(
        session, actor=actor, case_id=case_id, purpose=purposes.CASEWORK, action=Action.UPDATE
    )
    require_state(case, states=("engaged",))
    register = current_registry().get(case.register)
    entry = recipients.referral_on_recipient(register, actor.organisation, data.recipient)
    fields = disclosures.check_fields(register, data.fields)
    if entry is not None and entry.categories:
        _within("fields", fields, set(entry.categories), f"what {data.recipient!r} receives")
    at = moment(data.at)
    not_before_received(case, at)
    state = ledger.current_state(
        session,
        subject_id=case.subject_id,
        purpose=purposes.REFERRAL_ON,
        controller=case.organisation,
    )
    if state is not ledger.ConsentState.GIVEN:
        shown = state.value if state else "not recorded"
        raise Conflict(
            f"consent to be referred on is {shown} in the consent ledger: record the person's "
            f"consent (POST /api/consent, purpose {purposes.REFERRAL_ON!r}) before referring "
            f"them on; without it, sharing is a disclosure ({recipients.DISCLOSURE_ROUTE})"
        )
    _, decision = load_case(
        session,
        actor=actor,
        case_id=case.id,
        purpose=purposes.REFERRAL_ON,
        action=Action.DISCLOSE,
        categories=fields,
    )
    _within("fields", fields, set(decision.categories), "what referral on may send")
    disclosures.log_disclosure(
        session,
        actor=actor,
        subject_id=case.subject_id,
        register=case.register,
        recipient=data.recipient,
        fields=fields,
        with_consent=True,
        basis=disclosures.DisclosureBasis.CONSENT,
        purpose=purposes.REFERRAL_ON,
        from_organisation=case.organisation,
        record_type=case.record_type,
        record_id=case.id,
        method="referral-on",
        disclosed_at=at,
    )
    event = add_event(
        session,
        case,
        actor,
        "referral-on",
        at,
        details={"recipient": data.recipient, "reason": data.reason, "fields": list(fields)},
    )
    session.flush()
    return event


def _within(field: str, given: tuple[str, ...], allowed: set[str], what: str) -> None:
    extra = [f for f in given if f not in allowed]
    if extra:
        raise InvalidInput(
            field,
            f"{', '.join(extra)} not in {what} ({', '.join(sorted(allowed)) or 'nothing'})",
        )
