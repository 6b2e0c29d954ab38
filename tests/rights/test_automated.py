"""Automated decisions: a person asks for a human review of a score that informed a decision
about them, gives their view, and gets an explanation from what was recorded."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.models import MatchProposal
from accord.errors import Conflict, Invalid
from accord.rights import automated
from accord.rights.decisions import open_text
from rights.decision_people import dpo, lvws, referred

__all__ = ["lvws"]

pytestmark = pytest.mark.usefixtures("lvws")


def test_a_match_score_is_explained_and_reviewed_by_someone_else(session: Session) -> None:
    first = referred(session)
    second = referred(session)  # the same details again: intake scores them against the first
    proposal = session.scalar(
        select(MatchProposal).where(MatchProposal.candidate_subject_id == first.subject_id)
    )
    assert proposal is not None
    recorder = dpo()
    asked = automated.request_review(
        session,
        actor=recorder,
        subject_id=second.subject_id,
        kind="match-score",
        reference=proposal.id,
        view="I have never been referred before; this is someone else.",
    )
    said = automated.explanation(session, asked)
    assert f"{proposal.score:.2f} out of 1" in said
    assert "no one has decided yet" in said
    assert "a person always decides" in said  # the register's statement
    assert "Amelia" not in said  # which details agreed, never their values
    assert open_text(session, second.subject_id, asked.view) == (
        "I have never been referred before; this is someone else."
    )
    with pytest.raises(Conflict):
        automated.review(
            session, actor=recorder, review_id=asked.id, outcome="changed", note="Not them."
        )
    reviewed = automated.review(
        session,
        actor=dpo(),
        review_id=asked.id,
        outcome="changed",
        note="Dates of birth differ on the police record.",
    )
    assert reviewed.outcome == "changed"
    assert reviewed.reviewed_at is not None


def test_a_review_needs_a_score_about_this_person_or_an_explanation(session: Session) -> None:
    person = referred(session)
    for kind, reference, explanation, field in (
        ("match-score", None, None, "reference"),
        ("match-score", uuid.uuid4(), None, "reference"),
        ("priority-list", None, None, "explanation"),
        ("horoscope", None, None, "kind"),
    ):
        with pytest.raises(Invalid) as refused:
            automated.request_review(
                session,
                actor=dpo(),
                subject_id=person.subject_id,
                kind=kind,
                reference=reference,
                explanation=explanation,
            )
        assert refused.value.field == field
    listed = automated.request_review(
        session,
        actor=dpo(),
        subject_id=person.subject_id,
        kind="priority-list",
        explanation="The weekly call list orders open cases by days since the last contact.",
    )
    assert "days since the last contact" in automated.explanation(session, listed)
