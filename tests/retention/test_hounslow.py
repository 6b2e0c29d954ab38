"""Hounslow at its boundaries: MARAC (6 years after closure, deleted with its minutes, actions
and people), IOM (reviewed at closure plus 6 years, never deleted automatically), and legal
holds (a held case survives its date and is disposed of after release)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.errors import Invalid
from accord.gate import audit
from accord.gate.types import Actor
from accord.panels.cases import close_case
from accord.panels.models import CaseAction, CaseParty, PanelListing, SafetyCase
from accord.register.schema import Register
from accord.retention import certificates, holds, reviews
from accord.retention.models import RetentionReview
from factories.actors import actor
from factories.panels import minuted, panel_case, shared_action
from factories.registers import using
from retention.support import deleted, erased, exists, moment, run

PANELS = ("marac", "community-risk-panel", "iom")


@pytest.fixture
def hounslow() -> Iterator[Register]:
    with using("hounslow") as registry:
        yield registry.get("hounslow")


@pytest.fixture
def coordinator(hounslow: Register) -> Actor:
    return actor(hounslow, "panel-coordinator", teams=PANELS)


@pytest.fixture
def dpo(hounslow: Register) -> Actor:
    return actor(hounslow, "dpo")


def _count(session: Session, model: type, case_id: object) -> int:
    return int(
        session.scalar(select(func.count()).select_from(model).where(model.case_id == case_id))  # type: ignore[attr-defined]
        or 0
    )


@dataclass(frozen=True)
class Closed:
    id: uuid.UUID
    subject_id: uuid.UUID


def _closed_case(session: Session, coordinator: Actor, service: str) -> Closed:
    with time_machine.travel(moment(2026, 3, 2), tick=False):
        case = panel_case(session, coordinator, service)
        minuted(session, coordinator, case)
        shared_action(session, coordinator, case)
    with time_machine.travel(moment(2026, 9, 1), tick=False):
        close_case(session, actor=coordinator, case_id=case.id)
    return Closed(case.id, case.subject_id)


def test_marac_case_is_deleted_six_years_after_closure_with_all_it_holds(
    session: Session, coordinator: Actor
) -> None:
    case = _closed_case(session, coordinator, "marac")
    people = list(session.scalars(select(CaseParty.subject_id).where(CaseParty.case_id == case.id)))
    assert len(people) == 2
    with time_machine.travel(moment(2032, 8, 31), tick=False):
        assert deleted(run(session), "marac-case") == 0
    assert exists(session, SafetyCase, case.id)
    with time_machine.travel(moment(2032, 9, 2), tick=False):
        result = run(session)
    assert deleted(result, "marac-case") == 1
    assert not exists(session, SafetyCase, case.id)
    for model in (CaseParty, CaseAction, PanelListing):
        assert _count(session, model, case.id) == 0, model.__name__
    assert all(erased(session, person) for person in people)  # victim and perpetrator
    assert result.keys_destroyed == 2


def test_iom_case_is_queued_for_review_never_deleted_and_a_reviewer_decides(
    session: Session, coordinator: Actor, dpo: Actor
) -> None:
    case = _closed_case(session, coordinator, "iom")
    with time_machine.travel(moment(2032, 9, 2), tick=False):
        result = run(session)
        assert deleted(result, "iom-case") == 0
        assert result.counts[("hounslow", "hounslow", "iom-case", "review", "queued")] == 1
        assert exists(session, SafetyCase, case.id)
        run(session)  # a second run queues it once only
        waiting = reviews.pending(session, actor=dpo)
        assert [(r.record_id, r.record_type) for r in waiting] == [(case.id, "iom-case")]
        with pytest.raises(Invalid, match="review_on"):
            reviews.decide(
                session,
                actor=dpo,
                review_id=waiting[0].id,
                decision="keep",
                reason="offender back in custody",
            )
        reviews.decide(
            session,
            actor=dpo,
            review_id=waiting[0].id,
            decision="keep",
            reason="offender back in custody, panel still managing",
            review_on=moment(2034, 9, 2),
        )
    with time_machine.travel(moment(2034, 9, 1), tick=False):
        run(session)
        assert reviews.pending(session, actor=dpo) == []
    with time_machine.travel(moment(2034, 9, 3), tick=False):
        run(session)
        again = reviews.pending(session, actor=dpo)
        assert len(again) == 1
        reviews.decide(
            session,
            actor=dpo,
            review_id=again[0].id,
            decision="dispose",
            reason="no longer managed by the panel",
        )
    assert not exists(session, SafetyCase, case.id)
    decided = session.scalars(select(RetentionReview.status).order_by(RetentionReview.queued_at))
    assert list(decided) == ["kept", "disposed"]


def test_a_held_case_survives_its_date_and_goes_after_release(
    session: Session, coordinator: Actor, dpo: Actor
) -> None:
    case = _closed_case(session, coordinator, "marac")
    hold = holds.place_hold(
        session,
        actor=dpo,
        register="hounslow",
        scope="record",
        record_id=case.id,
        kind="litigation",
        reason="civil claim against the council, solicitor's letter 2031",
    )
    with time_machine.travel(moment(2032, 9, 2), tick=False):
        result = run(session)
    assert result.counts[("hounslow", "hounslow", "marac-case", "delete", "held")] == 1
    assert exists(session, SafetyCase, case.id)
    holds.release_hold(session, actor=dpo, hold_id=hold.id)
    with time_machine.travel(moment(2032, 9, 3), tick=False):
        assert deleted(run(session), "marac-case") == 1
    assert not exists(session, SafetyCase, case.id)


def test_a_hold_on_the_person_or_the_record_type_blocks_too(
    session: Session, coordinator: Actor, dpo: Actor
) -> None:
    case = _closed_case(session, coordinator, "marac")
    holds.place_hold(
        session,
        actor=dpo,
        register="hounslow",
        scope="subject",
        subject_id=case.subject_id,
        kind="inquiry",
        reason="domestic homicide review asked for the records",
    )
    type_hold = holds.place_hold(
        session,
        actor=dpo,
        register="hounslow",
        scope="record-type",
        record_type="crp-case",
        kind="investigation",
        reason="IOPC investigation of panel decisions",
    )
    assert type_hold.record_type == "crp-case"
    with time_machine.travel(moment(2032, 9, 2), tick=False):
        assert deleted(run(session), "marac-case") == 0
    assert exists(session, SafetyCase, case.id)


def test_the_certificate_counts_without_personal_data_and_its_hash_is_in_the_chain(
    session: Session, coordinator: Actor
) -> None:
    case = _closed_case(session, coordinator, "marac")
    with time_machine.travel(moment(2032, 9, 2), tick=False):
        result = run(session)
    assert result.certificate is not None
    assert result.certificate["keys_destroyed"] == 2
    assert {
        "register": "hounslow",
        "organisation": "hounslow",
        "record_type": "marac-case",
        "rule": "6 years after case closed",
        "action": "delete",
        "outcome": "deleted",
        "count": 1,
    } in result.certificate["counts"]
    text = repr(result.certificate)
    for value in ("Priya", "Sam Example", "Bath Road", str(case.subject_id), str(case.id)):
        assert value not in text
    view = certificates.show_certificate(session, actor=None, run_id=result.run_id)  # type: ignore[arg-type]
    assert view.intact
    assert view.in_audit_chain
    assert audit.verify(session).ok


def test_a_dry_run_changes_nothing(session: Session, coordinator: Actor) -> None:
    case = _closed_case(session, coordinator, "marac")
    with time_machine.travel(moment(2032, 9, 2), tick=False):
        result = run(session, dry_run=True)
    assert deleted(result, "marac-case") == 1
    assert result.run_id is None
    assert exists(session, SafetyCase, case.id)
    assert not erased(session, case.subject_id)
