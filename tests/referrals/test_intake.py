"""Police referral intake through the service: sealed, routed, matched; refusals write nothing."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.cases.models import Case, CaseEvent, MatchProposal
from accord.people import service as people
from accord.people.models import Subject
from accord.referrals.schemas import PoliceReferralIn
from cases.lvws import dob_for_age, refer, referral_body


def test_referral_is_sealed_and_routed_to_the_lead_provider(session: Session) -> None:
    accepted = refer(session)
    case = session.get(Case, accepted.case_id)
    assert case is not None
    assert case.organisation == "victim-support"
    assert case.record_type == "referral"
    assert case.status == "referred"
    assert accepted.proposed_service == "adult-da-support"
    assert b"Hughes" not in case.identity
    assert b"1234567" not in case.identity
    values = people.unseal(session, subject_id=case.subject_id, blob=case.identity)
    assert values["family_name"] == "Hughes"
    assert values["crime_number"] == "1234567/26"
    assert "ethnicity" not in values  # equality data is sealed apart
    assert case.equality is not None
    assert people.unseal(session, subject_id=case.subject_id, blob=case.equality) == {
        "ethnicity": "White British"
    }
    assert case.retention_due is None  # no clock until it is taken up or not


def test_under_18_is_proposed_for_catch22(session: Session) -> None:
    accepted = refer(session, person__date_of_birth=dob_for_age(15))
    assert accepted.proposed_service == "cyp-support"
    assert accepted.proposed_by_rule == "under-18"


def test_restorative_justice_request_goes_to_calm_mediation(session: Session) -> None:
    accepted = refer(session, requested_service="restorative_justice")
    assert accepted.proposed_service == "restorative-justice"


def test_known_person_is_proposed_as_a_match_not_merged(session: Session) -> None:
    first = refer(session)
    second = refer(
        session,
        person__given_name="Amelia",
        person__family_name="Hughs",  # a typo: no exact name index
        person__email="new.address@example.org",
        crime__crime_number="7654321/26",
    )
    assert second.match_proposals == 1
    proposal = session.scalars(
        select(MatchProposal).where(MatchProposal.case_id == second.case_id)
    ).one()
    assert proposal.candidate_subject_id == first.subject_id
    assert proposal.status == "proposed"
    assert "same phone" in proposal.reasons
    assert "Hughes" not in proposal.reasons
    assert second.subject_id != first.subject_id


def test_different_person_sharing_a_phone_is_not_proposed(session: Session) -> None:
    refer(session)
    other = refer(
        session,
        person__given_name="Oliver",
        person__family_name="Patel",
        person__date_of_birth="2001-09-30",
        person__email="oliver@example.org",
    )
    assert other.match_proposals == 0


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"crime__crime_number": "12345/26"}, ("crime", "crime_number"), "CRIS number"),
        (
            {"crime__crime_number": "CAD 1234/32NOV26"},
            ("crime", "crime_number"),
            "no valid call date",
        ),
        ({"person__date_of_birth": "2999-01-01"}, ("person", "date_of_birth"), "in the future"),
        ({"crime__crime_type": "jaywalking"}, ("crime", "crime_type"), "unknown crime type"),
        ({"consent__given": False}, ("consent", "given"), "did not consent"),
        (
            {"person__phone": None, "person__email": None, "person__address": None},
            ("person",),
            "contact details",
        ),
        ({"person__date_of_birth": "0001-01-01"}, ("person", "date_of_birth"), "before 1900"),
        ({"person__postcode": "NOT A PC"}, ("person", "postcode"), "not a UK postcode"),
        ({"crime__crime_number": "１２３４５６７/26"}, ("crime", "crime_number"), "CRIS number"),
        ({"person__phone": "+44７７００９００１２３"}, ("person", "phone"), "not a UK phone"),
        ({"person__given_name": "Am\x1b[2Jelia"}, ("person", "given_name"), "control character"),
        ({"person__family_name": "Hug\u202ehes"}, ("person", "family_name"), "control character"),
        ({"person__family_name": "Hu\x00ghes"}, ("person", "family_name"), "a NUL byte"),
        ({"police_reference": "MPS\x00-1"}, ("police_reference",), "a NUL byte"),
        ({"consent__captured_by": "PC\x00 1"}, ("consent", "captured_by"), "a NUL byte"),
        ({"crime__crime_type": "theft\x00"}, ("crime", "crime_type"), "a NUL byte"),
    ],
)
def test_bad_or_implausible_referrals_are_refused_naming_the_field(
    override: dict[str, object], field: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        PoliceReferralIn.model_validate(referral_body(**override))
    errors = caught.value.errors()
    assert any(tuple(e["loc"][: len(field)]) == field and message in e["msg"] for e in errors), (
        errors
    )


def test_cad_reference_is_accepted_in_canonical_form() -> None:
    data = PoliceReferralIn.model_validate(referral_body(crime__crime_number="cad1234/23nov25"))
    assert data.crime.crime_number == "CAD 1234/23NOV25"


def test_refused_referral_writes_nothing(session: Session) -> None:
    from accord.gate.types import AccessDenied
    from accord.referrals import intake
    from cases.lvws import make_actor

    before = [
        session.scalar(select(func.count()).select_from(t)) for t in (Case, CaseEvent, Subject)
    ]
    nobody = make_actor("metropolitan-police", "administrator", kind="token")
    data = PoliceReferralIn.model_validate(referral_body())
    with pytest.raises(AccessDenied):
        intake.receive(session, actor=nobody, intake=intake.from_police(data, actor=nobody))
    after = [
        session.scalar(select(func.count()).select_from(t)) for t in (Case, CaseEvent, Subject)
    ]
    assert before == after


def test_postcode_is_kept_in_its_standard_form() -> None:
    data = PoliceReferralIn.model_validate(referral_body(person__postcode="se50eg"))
    assert data.person.postcode == "SE5 0EG"


def test_an_address_may_have_line_breaks() -> None:
    data = PoliceReferralIn.model_validate(referral_body(person__address="12 Acacia Road\nLondon"))
    assert data.person.address == "12 Acacia Road\nLondon"


def _rows_and_keys(session: Session) -> list[int]:
    from accord.people.crypto import current_crypto

    counts = [session.scalar(select(func.count()).select_from(t)) or 0 for t in (Case, Subject)]
    return [*counts, len(current_crypto().keystore.subject_ids())]


def test_age_that_disagrees_with_the_date_of_birth_is_refused(session: Session) -> None:
    from accord.cases.errors import InvalidInput

    before = _rows_and_keys(session)
    with pytest.raises(InvalidInput) as caught:
        refer(session, person__age=5, person__date_of_birth=dob_for_age(20))
    assert caught.value.field == "person.age"
    assert "person.date_of_birth" in caught.value.message
    assert "gives 20" in caught.value.message
    assert _rows_and_keys(session) == before


def test_age_that_agrees_with_the_date_of_birth_is_kept(session: Session) -> None:
    accepted = refer(session, person__age=20, person__date_of_birth=dob_for_age(20))
    case = session.get(Case, accepted.case_id)
    assert case is not None
    assert case.age == 20


def test_register_without_referrals_is_refused_naming_it(session: Session) -> None:
    from accord.cases.errors import InvalidInput
    from accord.register.load import load_file
    from accord.register.registry import Registry, use_registry
    from cases.lvws import ROOT, registry

    both = Registry({**registry().registers, "mopac": load_file(ROOT / "registers" / "mopac.yaml")})
    before = _rows_and_keys(session)
    with use_registry(both), pytest.raises(InvalidInput) as caught:
        refer(session, register="mopac")
    assert caught.value.field == "register"
    assert "'mopac' does not take referrals" in caught.value.message
    assert _rows_and_keys(session) == before
