"""Receiving a referral: police (API or bulk file) or self-referral, in one transaction.

The caller commits; anything refused raises before a row is written or inside the caller's
transaction, so a rejected referral leaves nothing behind.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts.actor import role_permissions
from accord.cases import purposes, references
from accord.cases.access import authorize
from accord.cases.errors import Conflict, InvalidInput
from accord.cases.inputs import loaded_register
from accord.cases.models import Case, MatchProposal
from accord.cases.workflow import add_event
from accord.consent import ledger
from accord.gate import audit
from accord.gate.types import Action, Actor, Target
from accord.people import plausible
from accord.people import service as people
from accord.people.crypto import current_crypto
from accord.referrals import codes, routing
from accord.referrals.matching import index_values, propose_matches
from accord.referrals.schemas import Person, PoliceReferralIn, ReferralAccepted, ReferralConsent
from accord.register.load import digest
from accord.register.registry import current_registry
from accord.register.schema import Register

SOURCES = ("police-api", "police-file", "self-referral")
MATCHING_ROLE = "intake-matching"


@dataclass(frozen=True)
class Intake:
    """One referral, whatever the channel (police body, bulk row or public form)."""

    register: str
    person: Person
    consent: ReferralConsent
    source: str
    role: str = "victim"
    crime: dict[str, Any] | None = None  # crime_number, crime_date, crime_time, crime_type, ...
    requested_service: str | None = None
    source_organisation: str | None = None
    police_reference: str | None = None
    receiving_organisation: str | None = None
    description: str | None = None  # the person's own words (self-referral)


def from_police(data: PoliceReferralIn, *, actor: Actor, source: str = "police-api") -> Intake:
    return Intake(
        register=data.register_id,
        person=data.person,
        consent=data.consent,
        source=source,
        role=data.role,
        crime=data.crime.model_dump(),
        requested_service=data.requested_service,
        source_organisation=actor.organisation,
        police_reference=data.police_reference,
        receiving_organisation=data.receiving_organisation,
    )


def _register(register_id: str) -> Register:
    register = loaded_register(register_id)
    if not any(rt.id == purposes.REFERRAL for rt in register.record_types):
        raise InvalidInput(
            "register", f"{register_id!r} does not take referrals (no 'referral' record type)"
        )
    return register


def _check_age(person: Person, on: date) -> None:
    """An age given with a date of birth must be the age that date gives on the referral's
    date: one of them is wrong, and routing by age would follow the wrong one."""
    if person.age is None or person.date_of_birth is None:
        return
    expected = codes.age_on(person.date_of_birth, on)
    if person.age != expected:
        raise InvalidInput(
            "person.age",
            f"{person.age} disagrees with person.date_of_birth, which gives {expected} "
            f"on the referral date {on.isoformat()}",
        )


def _check_description(text: str | None) -> None:
    if text is not None:
        try:
            plausible.check_text(text, multiline=True)
        except ValueError as exc:
            raise InvalidInput("description", str(exc)) from None


def _receiver(register: Register, requested: str | None) -> str:
    if requested is None:
        return routing.lead_provider(register)
    try:
        organisation = register.organisation(requested)
    except KeyError:
        raise InvalidInput(
            "receiving_organisation", f"{requested!r} is not an organisation in {register.id!r}"
        ) from None
    if organisation.role.value not in ("controller", "joint_controller"):
        raise InvalidInput(
            "receiving_organisation",
            f"{requested!r} is a {organisation.role.value}, not a provider",
        )
    return requested


def _check_requested_service(register: Register, requested: str | None) -> None:
    if requested is None:
        return
    known = {s.id for s in register.services} | {s.kind for s in register.services}
    known |= {r.when.requested_service for r in register.routing if r.when.requested_service}
    if requested not in known and requested.replace("-", "_") not in known:
        raise InvalidInput(
            "requested_service", f"{requested!r} is not a service of {register.id!r}"
        )


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _refuse_repeat(session: Session, register_id: str, intake: Intake) -> None:
    """A police system sending the same referral again (a re-sent file, a retried request)
    is told so; it does not create a second referral."""
    if not intake.police_reference or not intake.source_organisation:
        return
    existing = session.scalar(
        select(Case.id).where(
            Case.register == register_id,
            Case.source_organisation == intake.source_organisation,
            Case.police_reference == intake.police_reference,
        )
    )
    if existing is not None:
        raise Conflict(f"police_reference: already received as referral {existing}")


def _source_of(register: Register, actor: Actor) -> frozenset[str]:
    """A referring organisation the register names as a source of referrals writes into the
    receiving provider's record: the gate sees the new record as coming from it."""
    sources = set(register.record_type(purposes.REFERRAL).sources)
    return frozenset({actor.organisation}) if actor.organisation in sources else frozenset()


def identity_values(intake: Intake) -> dict[str, Any]:
    person = intake.person
    values: dict[str, Any] = {
        field: _plain(getattr(person, field))
        for field in (
            "given_name",
            "family_name",
            "date_of_birth",
            "gender",
            "phone",
            "address",
            "postcode",
        )
        if getattr(person, field) is not None
    }
    if person.email is not None:
        values["email"] = str(person.email)
    for field in ("crime_number", "crime_date", "crime_time"):
        if intake.crime and intake.crime.get(field) is not None:
            values[field] = _plain(intake.crime[field])
    if intake.description:
        values["description"] = intake.description
    return values


def equality_values(person: Person) -> dict[str, str]:
    return {
        field: value
        for field in purposes.EQUALITY_FIELDS
        if (value := getattr(person, field)) is not None
    }


def receive(
    session: Session, *, actor: Actor, intake: Intake, now: datetime | None = None
) -> ReferralAccepted:
    """Validate against the register, pass the gate, seal and store, propose route and matches."""
    if intake.source not in SOURCES:
        raise InvalidInput("source", f"unknown source {intake.source!r}")
    now = now or datetime.now(UTC)
    register = _register(intake.register)
    _check_age(intake.person, now.date())
    _check_description(intake.description)
    receiving = _receiver(register, intake.receiving_organisation)
    _check_requested_service(register, intake.requested_service)
    _refuse_repeat(session, register.id, intake)
    crime = intake.crime or {}
    domestic_abuse = (
        bool(crime.get("domestic_abuse")) or crime.get("crime_type") in codes.DOMESTIC_ABUSE_TYPES
    )
    age = intake.person.age_on(now.date())
    proposal = routing.propose(
        register, age=age, domestic_abuse=domestic_abuse, requested_service=intake.requested_service
    )
    identity = identity_values(intake)
    equality = equality_values(intake.person)
    categories = purposes.field_categories(register, purposes.REFERRAL)
    written = {categories[f] for f in identity}
    written.add(categories["vulnerable"])
    if age is not None:
        written.add(categories["age"])
    if crime.get("crime_type"):
        written.add(categories["crime_type"])
    target = Target(
        register=register.id,
        record_type=purposes.REFERRAL,
        owner_organisation=receiving,
        shared_with=_source_of(register, actor),
    )
    # Two decisions, two entries, written to the audit trail in one append.
    with audit.together(session):
        authorize(
            session,
            actor=actor,
            purpose=purposes.INTAKE,
            action=Action.CREATE,
            target=target,
            categories=written,
        )
        if equality:
            authorize(
                session,
                actor=actor,
                purpose=purposes.EQUALITY,
                action=Action.CREATE,
                target=target,
                categories={categories[f] for f in equality},
            )

    subject = people.create_subject(session, register=register.id, organisation=receiving)
    try:
        case, matches = _store(
            session,
            actor=actor,
            intake=intake,
            register=register,
            subject_id=subject.id,
            receiving=receiving,
            proposal=proposal,
            identity=identity,
            equality=equality,
            age=age,
            domestic_abuse=domestic_abuse,
            now=now,
        )
    except BaseException:
        # The caller rolls the rows back; the key went to the keystore first and would
        # outlive them, so it goes too (a refused referral leaves no key behind).
        current_crypto().keystore.destroy(subject.id)
        raise
    return ReferralAccepted(
        case_id=case.id,
        subject_id=subject.id,
        organisation=receiving,
        proposed_service=proposal.service,
        proposed_by_rule=proposal.rule,
        match_proposals=len(matches),
    )


def _store(
    session: Session,
    *,
    actor: Actor,
    intake: Intake,
    register: Register,
    subject_id: uuid.UUID,
    receiving: str,
    proposal: routing.Proposal,
    identity: dict[str, Any],
    equality: dict[str, str],
    age: int | None,
    domestic_abuse: bool,
    now: datetime,
) -> tuple[Case, list[MatchProposal]]:
    """Write the case, its indexes, timeline and consent, and propose matches."""
    crime = intake.crime or {}
    case = Case(
        id=uuid.uuid4(),
        register=register.id,
        organisation=receiving,
        reference=references.next_reference(session, register=register.id, at=now),
        record_type=purposes.REFERRAL,
        status="referred",
        subject_id=subject_id,
        source=intake.source,
        source_organisation=intake.source_organisation,
        police_reference=intake.police_reference,
        person_role=intake.role,
        crime_type=crime.get("crime_type"),
        domestic_abuse=domestic_abuse,
        age=age,
        vulnerable=intake.person.vulnerable,
        requested_service=intake.requested_service,
        identity=people.seal(session, subject_id=subject_id, values=identity),
        equality=people.seal(session, subject_id=subject_id, values=equality) if equality else None,
        consent_captured_by=intake.consent.captured_by,
        consent_captured_at=intake.consent.captured_at,
        consent_channel=intake.consent.channel,
        proposed_service=proposal.service,
        proposed_rule=proposal.rule,
        received_at=now,
        team=purposes.INTAKE_TEAM,
    )
    session.add(case)
    session.flush()
    people.index_values(session, subject_id=subject_id, values=index_values(identity))
    add_event(session, case, actor, "received", now, channel=intake.source, position=1)
    add_event(
        session,
        case,
        actor,
        "routing-proposed",
        now,
        service=proposal.service,
        outcome=proposal.rule,
        position=2,
    )
    _record_consent(session, actor=actor, case=case, register=register, consent=intake.consent)
    matches = propose_matches(
        session, actor=matching_actor(register.id, receiving), case=case, values=identity
    )
    return case, matches


def _record_consent(
    session: Session, *, actor: Actor, case: Case, register: Register, consent: ReferralConsent
) -> None:
    """The consent to be referred goes into the consent ledger, citing the notice's digest."""
    if not any(p.id == purposes.REFERRAL_CONSENT and p.consent for p in register.purposes):
        return  # the register does not make referral rest on consent: the row keeps the record
    ledger.record_consent(
        session,
        actor=actor,
        subject_id=case.subject_id,
        register=register.id,
        controller=case.organisation,
        purpose=purposes.REFERRAL_CONSENT,
        state=ledger.ConsentState.GIVEN,
        channel="police-referral" if case.source.startswith("police") else "web-form",
        notice_digest=digest(register),
        recorded_at=consent.captured_at,
    )


def matching_actor(register_id: str, organisation: str) -> Actor:
    """The service itself comparing a new referral with its own earlier ones (no person),
    with the register's `intake-matching` role; without that role the gate refuses and no
    match is proposed."""
    permissions = role_permissions(current_registry(), register_id, MATCHING_ROLE)
    return Actor(
        id=None,
        kind="system",
        organisation=organisation,
        roles=frozenset({MATCHING_ROLE}),
        permissions=permissions,
        name="intake matching",
    )
