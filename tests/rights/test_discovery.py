"""Finding a person's data: every record about them in each service, and nobody else's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.models import Case
from accord.disclosures.service import log_disclosure
from accord.errors import Gone, Invalid, NotFound
from accord.gate.models import AuditEntry
from accord.gate.types import AccessDenied
from accord.people import service as people
from accord.register.registry import Registry
from accord.rights import discovery
from factories.actors import actor
from factories.panels import PERPETRATOR, VICTIM, panel_case, party
from factories.registers import using
from rights.bundle_people import EMAIL, NAME_DOB, PHONE, dpo, known_person, manager


@pytest.fixture(autouse=True)
def registers() -> Iterator[Registry]:
    with using("lvws", "hounslow") as found:
        yield found


def _found(view: discovery.SearchView) -> dict[tuple[str, uuid.UUID], tuple[str, ...]]:
    return {(c.kind, c.record_id): c.matched_on for c in view.candidates}


def test_discovery_finds_each_service_record_with_why_and_nobody_elses(session: Session) -> None:
    known = known_person(session)
    owner = dpo(known.owner)
    log_disclosure(
        session,
        actor=manager(known.owner),
        subject_id=known.case_subject,
        register="lvws",
        recipient=_a_recipient(),
        fields=["name"],
        with_consent=False,
        basis="legal-requirement",
        record_type="case",
        record_id=known.case_id,
    )
    view = discovery.discover(
        session,
        actor=owner,
        register="lvws",
        identifiers={"name_dob": NAME_DOB, "email": EMAIL, "phone": PHONE},
    )
    found = _found(view)
    assert found[("case", known.case_id)] == ("email", "name_dob", "phone")
    assert found[("enquiry", known.enquiry_id)] == ("email",)
    assert found[("complaint", known.complaint_id)] == ("phone",)
    kinds = {kind for kind, _ in found}
    assert {"case", "enquiry", "complaint", "disclosure", "consent"} <= kinds
    other = session.get(Case, known.other_case_id)
    assert other is not None
    assert all(c.subject_id != other.subject_id for c in view.candidates)
    assert ("case", known.other_case_id) not in found
    assert all(c.status == "proposed" for c in view.candidates)
    assert "email address" in next(c.why for c in view.candidates if c.kind == "enquiry")


def _a_recipient() -> str:
    from accord.register.registry import current_registry

    return current_registry().get("lvws").recipients[0].id


def test_confirmation_is_recorded_and_audited_and_only_confirmed_count(session: Session) -> None:
    known = known_person(session)
    owner = dpo(known.owner)
    view = discovery.discover(session, actor=owner, register="lvws", identifiers={"email": EMAIL})
    enquiry = next(c for c in view.candidates if c.kind == "enquiry")
    case = next(c for c in view.candidates if c.kind == "case")
    decided = discovery.decide(
        session, actor=owner, search_id=view.id, confirmed=[case.id], rejected=[enquiry.id]
    )
    statuses = {c.id: c.status for c in decided.candidates}
    assert statuses[case.id] == "confirmed"
    assert statuses[enquiry.id] == "rejected"
    assert [c.id for c in decided.confirmed] == [case.id]
    again = discovery.get_search(session, actor=owner, search_id=view.id)
    assert [c.id for c in again.confirmed] == [case.id]
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.ref == str(view.id), AuditEntry.action == "confirm")
    ).all()
    assert len(entries) == 1
    assert entries[0].actor_id == owner.id


def test_a_bad_decision_changes_nothing_and_names_the_field(session: Session) -> None:
    known = known_person(session)
    owner = dpo(known.owner)
    view = discovery.discover(session, actor=owner, register="lvws", identifiers={"email": EMAIL})
    first = view.candidates[0]
    with pytest.raises(Invalid) as refused:
        discovery.decide(
            session, actor=owner, search_id=view.id, confirmed=[first.id, uuid.uuid4()]
        )
    assert refused.value.field == "confirmed[1]"
    assert discovery.get_search(session, actor=owner, search_id=view.id).undecided == len(
        view.candidates
    )


def test_another_organisation_finds_nothing_and_cannot_read_the_search(session: Session) -> None:
    known = known_person(session)
    view = discovery.discover(
        session, actor=dpo(known.owner), register="lvws", identifiers={"email": EMAIL}
    )
    elsewhere = "calm-mediation" if known.owner != "calm-mediation" else "victim-support"
    theirs = discovery.discover(
        session, actor=dpo(elsewhere), register="lvws", identifiers={"email": EMAIL}
    )
    assert theirs.candidates == ()
    with pytest.raises(NotFound):
        discovery.get_search(session, actor=dpo(elsewhere), search_id=view.id)


def test_only_the_rights_team_searches(session: Session) -> None:
    known = known_person(session)
    with pytest.raises(AccessDenied):
        discovery.discover(
            session, actor=manager(known.owner), register="lvws", identifiers={"email": EMAIL}
        )


@pytest.mark.parametrize(
    ("identifiers", "field"),
    [
        ({"shoe_size": "9"}, "identifiers.shoe_size"),
        ({"email": "not an email"}, "identifiers.email"),
        ({"postcode": "SE5 0EG"}, "identifiers"),
        ({}, "identifiers"),
    ],
)
def test_bad_identifiers_are_refused_naming_the_field(
    session: Session, identifiers: dict[str, str], field: str
) -> None:
    known = known_person(session)
    with pytest.raises(Invalid) as refused:
        discovery.discover(
            session, actor=dpo(known.owner), register="lvws", identifiers=identifiers
        )
    assert refused.value.field == field


def test_a_shredded_person_named_in_the_request_is_said_to_be_erased(session: Session) -> None:
    known = known_person(session)
    people.shred_subject(session, subject_id=known.case_subject)
    with pytest.raises(Gone) as gone:
        discovery.discover(
            session, actor=dpo(known.owner), register="lvws", subject_ids=[known.case_subject]
        )
    assert "erased" in str(gone.value)
    found = discovery.discover(
        session, actor=dpo(known.owner), register="lvws", identifiers={"name_dob": NAME_DOB}
    )
    assert found.candidates == ()


def test_panel_cases_are_found_for_the_subject_and_for_a_party(session: Session) -> None:
    coordinator = actor("hounslow", "panel-coordinator", teams=("marac",))
    case = panel_case(session, coordinator)
    victim, perpetrator = party(session, case, "victim"), party(session, case, "perpetrator")
    owner = actor("hounslow", "dpo", case.organisation)
    as_victim = discovery.discover(
        session, actor=owner, register="hounslow", identifiers={"phone": VICTIM["telephone"]}
    )
    assert [(c.kind, c.record_id, c.subject_id) for c in as_victim.candidates] == [
        ("safety-case", case.id, victim.subject_id)
    ]
    as_perpetrator = discovery.discover(
        session, actor=owner, register="hounslow", subject_ids=[perpetrator.subject_id]
    )
    assert [(c.record_id, c.subject_id, c.matched_on) for c in as_perpetrator.candidates] == [
        (case.id, perpetrator.subject_id, ("named-in-request",))
    ]
    assert PERPETRATOR["name"] not in repr(as_perpetrator)
