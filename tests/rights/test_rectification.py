"""Rectification: corrected fields with their history, the person found by the new value
only, and every recipient of a corrected category told or recorded as impossible."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases import reading
from accord.cases.models import Complaint
from accord.errors import Conflict, Invalid, NotFound
from accord.gate.types import AccessDenied
from accord.people import service as people
from accord.rights import rectification
from accord.rights.decision_models import RecipientNotice
from accord.rights.recipients import list_notices, record_notice
from rights.decision_people import complaint_about, disclosed, dpo, lvws, referred

__all__ = ["lvws"]

pytestmark = pytest.mark.usefixtures("lvws")


def test_a_correction_keeps_the_old_value_who_when_and_why(session: Session) -> None:
    person = referred(session)
    officer = dpo()
    result = rectification.rectify(
        session,
        actor=officer,
        record_id=person.case_id,
        corrections={"family_name": "Hughes-Patel", "phone": "07700 900999"},
        reason="The person sent their passport and a phone bill.",
    )
    assert result.rectification.fields == ["family_name", "phone"]
    assert result.rectification.categories == ["contact-details", "name"]
    shown = reading.get_case(session, actor=person.worker, case_id=person.case_id)
    assert shown.person["family_name"] == "Hughes-Patel"
    assert shown.person["phone"] == "07700 900999"
    [past] = rectification.history(session, actor=officer, record_id=person.case_id)
    assert past.old_values == {"family_name": "Hughes", "phone": "07700 900123"}
    assert past.reason == "The person sent their passport and a phone bill."
    assert past.decided_by == officer.id
    assert past.decided_at is not None


def test_the_person_is_found_by_the_corrected_value_and_no_longer_by_the_wrong_one(
    session: Session,
) -> None:
    person = referred(session)
    rectification.rectify(
        session,
        actor=dpo(),
        record_id=person.case_id,
        corrections={"email": "amelia.hp@example.org"},
        reason="Typing error at referral.",
    )
    assert people.find_subjects(
        session, register="lvws", kind="email", value="amelia.hp@example.org"
    ) == [person.subject_id]
    assert person.subject_id not in people.find_subjects(
        session, register="lvws", kind="email", value="amelia.hughes@example.org"
    )


def test_recipients_of_a_corrected_category_are_told_or_recorded_as_impossible(
    session: Session,
) -> None:
    person = referred(session)
    disclosed(session, person, "catch22", ["name", "crime-number"])
    disclosed(session, person, "police-and-social-services", ["contact-details"])
    disclosed(session, person, "calm-mediation", ["crime-details"])  # not corrected
    officer = dpo()
    result = rectification.rectify(
        session,
        actor=officer,
        record_id=person.case_id,
        corrections={"given_name": "Amilia", "phone": "07700 900999"},
        reason="Spelling confirmed by the person.",
    )
    assert result.notices == 2
    notices, total = list_notices(
        session, actor=officer, register="lvws", decision_id=result.rectification.id
    )
    assert total == 2
    assert {(n.recipient, tuple(n.fields)) for n in notices} == {
        ("catch22", ("name",)),
        ("police-and-social-services", ("contact-details",)),
    }
    told = {n.recipient: n for n in notices}
    record_notice(session, actor=officer, notice_id=told["catch22"].id, state="notified")
    with pytest.raises(Invalid) as why:
        record_notice(
            session,
            actor=officer,
            notice_id=told["police-and-social-services"].id,
            state="impossible",
        )
    assert why.value.field == "note"
    record_notice(
        session,
        actor=officer,
        notice_id=told["police-and-social-services"].id,
        state="disproportionate",
        note="The disclosure was a one-off call; the team has no record of the number.",
    )
    pending, left = list_notices(session, actor=officer, register="lvws", state="pending")
    assert (left, pending) == (0, [])
    states = dict(
        session.execute(
            select(RecipientNotice.recipient, RecipientNotice.state).where(
                RecipientNotice.decision_id == result.rectification.id
            )
        ).all()
    )
    assert states == {"catch22": "notified", "police-and-social-services": "disproportionate"}
    with pytest.raises(Conflict):
        record_notice(session, actor=officer, notice_id=told["catch22"].id, state="notified")


def test_bad_corrections_are_refused_naming_the_field(session: Session) -> None:
    person = referred(session)
    cases = [
        ({"ethnicity": "x"}, "corrections.ethnicity"),
        ({"date_of_birth": "12/04/1986"}, "corrections.date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "corrections.date_of_birth"),
        ({"given_name": "x" * 201}, "corrections.given_name"),
        ({}, "corrections"),
        ({"given_name": "Amelia"}, "corrections"),  # already held
    ]
    for corrections, field in cases:
        with pytest.raises(Invalid) as refused:
            rectification.rectify(
                session,
                actor=dpo(),
                record_id=person.case_id,
                corrections=corrections,
                reason="Checked.",
            )
        assert refused.value.field == field, corrections
    with pytest.raises(Invalid) as reasonless:
        rectification.rectify(
            session,
            actor=dpo(),
            record_id=person.case_id,
            corrections={"gender": "male"},
            reason="",
        )
    assert reasonless.value.field == "reason"
    assert rectification.history(session, actor=dpo(), record_id=person.case_id) == []


def test_only_the_owning_organisations_rights_team_corrects(session: Session) -> None:
    person = referred(session)
    with pytest.raises(AccessDenied):
        rectification.rectify(
            session,
            actor=person.worker,
            record_id=person.case_id,
            corrections={"gender": "male"},
            reason="x",
        )
    with pytest.raises(NotFound):
        rectification.rectify(
            session,
            actor=dpo("catch22"),
            record_id=person.case_id,
            corrections={"gender": "male"},
            reason="x",
        )


def test_a_complaints_contact_details_are_corrected_and_its_words_are_not(
    session: Session,
) -> None:
    person = referred(session)
    complaint_id = complaint_about(session, person)
    rectification.rectify(
        session,
        actor=dpo(),
        record_id=complaint_id,
        corrections={"email": "a.hughes@example.net"},
        reason="The person gave a new address by phone.",
    )
    row = session.get(Complaint, complaint_id)
    assert row is not None
    held = people.unseal(session, subject_id=person.subject_id, blob=row.content)
    assert held["email"] == "a.hughes@example.net"
    assert held["details"] == "Nobody called me back for a week."
    # the case's own email still finds them, and so does the corrected one
    for email in ("a.hughes@example.net", "amelia.hughes@example.org"):
        assert people.find_subjects(session, register="lvws", kind="email", value=email) == [
            person.subject_id
        ]
    with pytest.raises(Invalid) as words:
        rectification.rectify(
            session,
            actor=dpo(),
            record_id=complaint_id,
            corrections={"details": "Somebody called me back."},
            reason="x",
        )
    assert words.value.field == "corrections.details"
