"""A person's past rights decisions: every kind, newest first, in plain words, for the rights
team of the organisation holding them only."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy.orm import Session

from accord.errors import NotFound
from accord.gate.types import AccessDenied
from accord.rights import history, portability, rectification, restriction
from rights.decision_people import complaint_about, dpo, lvws, referred

__all__ = ["lvws"]

pytestmark = pytest.mark.usefixtures("lvws")


def test_each_decision_is_listed_newest_first_with_its_reasons(session: Session) -> None:
    person = referred(session)
    complaint_id = complaint_about(session, person)
    rectification.rectify(
        session, actor=dpo(), record_id=complaint_id,
        corrections={"name": "Amelia Hughes-Patel"}, reason="Married name.",
    )  # fmt: skip
    made = restriction.restrict(
        session, actor=dpo(), subject_id=person.subject_id, grounds="legal-claims"
    )
    restriction.record_lift_notice(session, actor=dpo(), restriction_id=made.id, channel="letter")
    restriction.lift(session, actor=dpo(), restriction_id=made.id)
    portability.export(session, actor=dpo(), subject_id=person.subject_id)
    past = history.past_decisions(session, actor=dpo(), subject_id=person.subject_id)
    assert [d.title for d in past] == ["Copy to take elsewhere", "Restriction", "Correction"]
    assert all(a.at >= b.at for a, b in itertools.pairwise(past))
    rows = {d.title: dict(d.rows) for d in past}
    assert rows["Correction"]["Why"] == "Married name."
    assert rows["Correction"]["Corrected"] == "name"
    assert rows["Restriction"]["Why"] == "They needed it kept for a legal claim"
    assert rows["Restriction"]["Lifted"] != "Still restricted"


def test_only_the_owning_organisations_rights_team_reads_them(session: Session) -> None:
    person = referred(session)
    with pytest.raises(AccessDenied):
        history.past_decisions(session, actor=person.worker, subject_id=person.subject_id)
    with pytest.raises(NotFound):
        history.past_decisions(session, actor=dpo("catch22"), subject_id=person.subject_id)
    assert history.past_decisions(session, actor=dpo(), subject_id=person.subject_id) == []
