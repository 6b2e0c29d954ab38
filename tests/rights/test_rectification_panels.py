"""Rectification of a community safety case: the person's identifying details in it
(as its main subject or a party) corrected with their history, the person found by the
corrected value, and the recipients of a corrected category told (Art 19)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from accord.disclosures.service import log_disclosure
from accord.errors import Invalid
from accord.people import service as people
from accord.register.registry import Registry
from accord.rights import rectification
from accord.rights.recipients import list_notices
from factories.actors import actor
from factories.panels import panel_case, party
from factories.registers import using


@pytest.fixture(autouse=True)
def registers() -> Iterator[Registry]:
    with using("hounslow") as found:
        yield found


def test_a_partys_details_in_a_safety_case_are_corrected_and_recipients_told(
    session: Session,
) -> None:
    coordinator = actor("hounslow", "panel-coordinator", teams=("marac",))
    case = panel_case(session, coordinator)
    victim, perpetrator = party(session, case, "victim"), party(session, case, "perpetrator")
    officer = actor("hounslow", "dpo", case.organisation)
    log_disclosure(
        session, actor=coordinator, subject_id=perpetrator.subject_id, register="hounslow",
        recipient="metropolitan-police", fields=["name"], with_consent=False,
        basis="legal-requirement", record_type=case.record_type, record_id=case.id,
    )  # fmt: skip
    result = rectification.rectify(
        session,
        actor=officer,
        record_id=case.id,
        subject_id=perpetrator.subject_id,
        corrections={"name": "Samuel Example", "email": "sam.example@example.org"},
        reason="Name as on his driving licence; his email added.",
    )
    assert result.rectification.fields == ["email", "name"]
    assert result.rectification.subject_id == perpetrator.subject_id
    assert result.notices == 1
    session.refresh(perpetrator)
    details = people.unseal(session, subject_id=perpetrator.subject_id, blob=perpetrator.details)
    assert details["name"] == "Samuel Example"
    session.refresh(victim)
    assert people.unseal(session, subject_id=victim.subject_id, blob=victim.details)["name"] == (
        "Priya Example"
    )
    [past] = rectification.history(session, actor=officer, record_id=case.id)
    assert past.old_values == {"name": "Sam Example", "email": None}
    assert people.find_subjects(
        session, register="hounslow", kind="email", value="sam.example@example.org"
    ) == [perpetrator.subject_id]
    notices, _ = list_notices(session, actor=officer, register="hounslow", state="pending")
    assert [n.recipient for n in notices] == ["metropolitan-police"]
    # the victim's own correction on the same case keeps its history apart, under her key
    rectification.rectify(
        session, actor=officer, record_id=case.id, subject_id=victim.subject_id,
        corrections={"telephone": "07700 900457"}, reason="New number.",
    )  # fmt: skip
    history = rectification.history(session, actor=officer, record_id=case.id)
    assert [h.old_values for h in history] == [
        {"name": "Sam Example", "email": None},
        {"telephone": "07700 900456"},
    ]


def test_the_main_subject_is_corrected_by_default_and_bad_dates_are_refused(
    session: Session,
) -> None:
    coordinator = actor("hounslow", "panel-coordinator", teams=("marac",))
    case = panel_case(session, coordinator)
    officer = actor("hounslow", "dpo", case.organisation)
    with pytest.raises(Invalid) as bad:
        rectification.rectify(
            session, actor=officer, record_id=case.id,
            corrections={"date-of-birth": "01/04/1990"}, reason="Wrong date.",
        )  # fmt: skip
    assert bad.value.field == "corrections.date-of-birth"
    done = rectification.rectify(
        session, actor=officer, record_id=case.id,
        corrections={"date-of-birth": "1990-04-02"}, reason="Birth certificate seen.",
    )  # fmt: skip
    assert done.rectification.subject_id == case.subject_id
