"""Portability: only what the person gave under consent or a contract, as structured JSON;
everything else explained, never exported."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import Session

from accord.cases import workflow
from accord.cases.schemas import AssignmentIn, ContactIn
from accord.errors import NotFound
from accord.gate.types import AccessDenied
from accord.rights import portability
from factories.actors import actor
from factories.cases import self_referral
from rights.decision_people import complaint_about, dpo, lvws, referred

__all__ = ["lvws"]

pytestmark = pytest.mark.usefixtures("lvws")


def test_a_self_referral_exports_only_what_the_consent_purposes_hold(session: Session) -> None:
    worker = actor("lvws", "caseworker", "victim-support")
    accepted = self_referral(session, worker, register="lvws", consent_to=None)
    # A referral not taken up is held for the public task only: nothing is portable yet.
    before = portability.export(session, actor=dpo(), subject_id=accepted.subject_id)
    assert before.document["records"] == []
    assert "consent or a contract" in before.document["not_included"][0]["reason"]
    manager = actor("lvws", "team-manager", "victim-support", teams=("intake",))
    workflow.assign(
        session, actor=manager, case_id=accepted.case_id, data=AssignmentIn(user_id=worker.id)
    )
    workflow.record_contact(
        session,
        actor=worker,
        case_id=accepted.case_id,
        data=ContactIn(outcome="engaged", channel="phone"),
    )
    result = portability.export(session, actor=dpo(), subject_id=accepted.subject_id)
    document = json.loads(json.dumps(result.document))  # structured JSON as it leaves
    assert document["format"] == "accord-portability/1"
    [record] = document["records"]
    assert record["record_id"] == str(accepted.case_id)
    exported = record["data"]
    assert exported["name"] == {"given_name": "Hannah", "family_name": "Walker"}
    assert exported["contact-details"]["email"] == "hannah.walker@example.org"
    assert document["categories"]["contact-details"].startswith("Contact details")
    # equality data rests on a public task: never exported
    assert not set(exported) & {"ethnicity", "religion", "disability"}
    assert document["not_included"] == []


def test_what_others_gave_us_or_we_hold_for_other_reasons_is_explained_not_exported(
    session: Session,
) -> None:
    person = referred(session)  # the police referred them, and they took up support
    workflow.record_contact(
        session,
        actor=person.worker,
        case_id=person.case_id,
        data=ContactIn(outcome="engaged", channel="phone"),
    )
    complaint_id = complaint_about(session, person)
    result = portability.export(session, actor=dpo(), subject_id=person.subject_id)
    assert result.document["records"] == []
    reasons = {e["record_id"]: e["reason"] for e in result.document["not_included"]}
    assert set(reasons) == {str(person.case_id), str(complaint_id)}
    assert "came from someone else" in reasons[str(person.case_id)]
    assert "consent or a" in reasons[str(complaint_id)]
    text = json.dumps(result.document)
    assert "Amelia" not in text
    assert "1234567/26" not in text


def test_only_the_rights_team_exports(session: Session) -> None:
    person = referred(session)
    with pytest.raises(AccessDenied):
        portability.export(session, actor=person.worker, subject_id=person.subject_id)
    with pytest.raises(NotFound):
        portability.export(session, actor=dpo("catch22"), subject_id=person.subject_id)
