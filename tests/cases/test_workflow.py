"""Working a case: routing with a human decision, contacts and retention clocks, timeline
entries, referral on only with consent, closure."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases import entries, reading, workflow
from accord.cases.errors import Conflict, InvalidInput
from accord.cases.models import Case, CaseShare
from accord.cases.schemas import (
    AssignmentIn,
    CloseIn,
    ContactIn,
    EventIn,
    ReferralOnIn,
    RoutingIn,
)
from accord.consent.ledger import ConsentState, current_state
from accord.disclosures.models import DisclosureEntry
from accord.gate.types import AccessDenied, Actor
from cases.lvws import dob_for_age, make_actor, refer
from factories.consent import consent_statement

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _assigned(session: Session, case_id: object, organisation: str = "victim-support") -> Actor:
    worker = make_actor(organisation, "caseworker")
    manager = make_actor(organisation, "team-manager", teams=("intake",))
    workflow.assign(session, actor=manager, case_id=case_id, data=AssignmentIn(user_id=worker.id))  # type: ignore[arg-type]
    return worker


def _contact(
    session: Session, worker: Actor, case_id: uuid.UUID, outcome: str, channel: str = "phone"
) -> None:
    workflow.record_contact(
        session,
        actor=worker,
        case_id=case_id,
        data=ContactIn(outcome=outcome, channel=channel),  # type: ignore[arg-type]
    )


def _case(session: Session, case_id: object) -> Case:
    case = session.get(Case, case_id)
    assert case is not None
    return case


def test_declined_referral_gets_a_twelve_month_clock(session: Session) -> None:
    with time_machine.travel(T0, tick=False):
        accepted = refer(session)
        worker = _assigned(session, accepted.case_id)
    with time_machine.travel(datetime(2026, 3, 4, 15, 0, tzinfo=UTC), tick=False):
        _contact(session, worker, accepted.case_id, "not-reached")
        assert _case(session, accepted.case_id).retention_due is None  # still trying
        _contact(session, worker, accepted.case_id, "declined")
    case = _case(session, accepted.case_id)
    assert case.status == "not-taken-up"
    assert case.record_type == "referral"
    assert case.retention_due is not None
    assert case.retention_due.replace(tzinfo=UTC) == datetime(2027, 3, 4, 15, 0, tzinfo=UTC)


def test_engaged_case_clock_moves_with_every_contact(session: Session) -> None:
    with time_machine.travel(T0, tick=False):
        accepted = refer(session)
        worker = _assigned(session, accepted.case_id)
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=UTC), tick=False):
        _contact(session, worker, accepted.case_id, "engaged")
    case = _case(session, accepted.case_id)
    assert case.record_type == "case"
    assert case.retention_due is not None
    assert case.retention_due.replace(tzinfo=UTC) == datetime(2032, 3, 3, 10, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 6, 1, 11, 0, tzinfo=UTC), tick=False):
        _contact(session, worker, accepted.case_id, "not-reached")
    assert _case(session, accepted.case_id).retention_due.replace(tzinfo=UTC) == datetime(
        2032, 3, 3, 10, 0, tzinfo=UTC
    )  # type: ignore[union-attr]
    with time_machine.travel(datetime(2026, 6, 2, 11, 0, tzinfo=UTC), tick=False):
        entries.record_event(
            session,
            actor=worker,
            case_id=accepted.case_id,
            data=EventIn(
                kind="support", details={"type": "home visit", "delivered_by": "Sam Okafor"}
            ),
        )
    assert _case(session, accepted.case_id).retention_due.replace(tzinfo=UTC) == datetime(
        2032, 6, 2, 11, 0, tzinfo=UTC
    )  # type: ignore[union-attr]
    with time_machine.travel(datetime(2026, 9, 1, 9, 0, tzinfo=UTC), tick=False):
        workflow.close_case(
            session,
            actor=worker,
            case_id=accepted.case_id,
            data=CloseIn(reason="support-completed"),
        )
    case = _case(session, accepted.case_id)
    assert case.status == "closed"
    assert case.retention_due is not None
    assert case.retention_due.replace(tzinfo=UTC) == datetime(2032, 6, 2, 11, 0, tzinfo=UTC)


def test_routing_to_catch22_shares_the_case_and_logs_the_disclosure(session: Session) -> None:
    accepted = refer(session, person__date_of_birth=dob_for_age(15))
    worker = _assigned(session, accepted.case_id)
    with pytest.raises(InvalidInput) as caught:
        workflow.confirm_routing(
            session,
            actor=worker,
            case_id=accepted.case_id,
            data=RoutingIn(service="adult-da-support"),
        )
    assert caught.value.field == "reason"
    workflow.confirm_routing(
        session, actor=worker, case_id=accepted.case_id, data=RoutingIn(service="cyp-support")
    )
    case = _case(session, accepted.case_id)
    assert case.service == "cyp-support"
    assert session.get(CaseShare, (case.id, "catch22")) is not None
    logged = session.scalars(
        select(DisclosureEntry).where(DisclosureEntry.record_id == case.id)
    ).one()
    assert logged.recipient == "catch22"
    assert "name" in logged.fields
    assert "ethnicity" not in logged.fields
    catch22 = make_actor("catch22", "team-manager", teams=("intake",))
    listed = reading.list_cases(session, actor=catch22)
    assert [c.id for c in listed.items] == [case.id]
    assert (
        reading.get_case(session, actor=catch22, case_id=case.id).person["given_name"] == "Amelia"
    )
    with pytest.raises(AccessDenied):  # no longer in the Victim Support caseworker's caseload
        reading.get_case(session, actor=worker, case_id=case.id)


def test_referral_on_needs_consent(session: Session) -> None:
    accepted = refer(session)
    worker = _assigned(session, accepted.case_id)
    _contact(session, worker, accepted.case_id, "engaged")
    request = ReferralOnIn(
        recipient="specialist-services", reason="counselling", fields=["name", "contact-details"]
    )
    with pytest.raises(Conflict, match="consent"):
        entries.refer_on(session, actor=worker, case_id=accepted.case_id, data=request)
    consent_statement(  # the person agrees on the call: a statement in the ledger
        session,
        actor=worker,
        subject_id=accepted.subject_id,
        register="lvws",
        purpose="referral-on",
    )
    entries.refer_on(session, actor=worker, case_id=accepted.case_id, data=request)
    assert (
        current_state(session, subject_id=accepted.subject_id, purpose="referral-on")
        is ConsentState.GIVEN
    )
    logged = session.scalars(
        select(DisclosureEntry).where(DisclosureEntry.recipient == "specialist-services")
    ).one()
    assert logged.with_consent


def test_timeline_entries_are_checked_and_ordered(session: Session) -> None:
    with time_machine.travel(T0, tick=False):
        accepted = refer(session)
        worker = _assigned(session, accepted.case_id)
    with time_machine.travel(datetime(2026, 3, 10, tzinfo=UTC), tick=False):
        _contact(session, worker, accepted.case_id, "engaged")
        with pytest.raises(InvalidInput) as bad:
            entries.record_event(
                session,
                actor=worker,
                case_id=accepted.case_id,
                data=EventIn(
                    kind="translation",
                    details={"language": "Polish", "processor": "google-translate"},
                ),
            )
        assert bad.value.field == "details.processor"
        with pytest.raises(InvalidInput):
            entries.record_event(
                session,
                actor=worker,
                case_id=accepted.case_id,
                data=EventIn(kind="feedback", details={"rating": 9}),
            )
        entries.record_event(
            session,
            actor=worker,
            case_id=accepted.case_id,
            data=EventIn(
                kind="translation",
                details={"language": "Polish", "processor": "translation-provider"},
            ),
        )
        entries.record_event(
            session,
            actor=worker,
            case_id=accepted.case_id,
            data=EventIn(
                kind="needs-assessment",
                at=datetime(2026, 3, 9, tzinfo=UTC),
                details={"needs": ["emotional", "security"]},
            ),
        )
        entries.record_event(
            session,
            actor=worker,
            case_id=accepted.case_id,
            data=EventIn(kind="feedback", details={"rating": 5, "comment": "Very kind"}),
        )
        workflow.close_case(
            session,
            actor=worker,
            case_id=accepted.case_id,
            data=CloseIn(reason="support-completed"),
        )
    timeline = reading.timeline(session, actor=worker, case_id=accepted.case_id)
    kinds = [e.kind for e in timeline]
    assert kinds == [
        "received",
        "routing-proposed",
        "assignment",
        "needs-assessment",
        "contact-attempt",
        "translation",
        "feedback",
        "closure",
    ]
    assert timeline[3].details == {"needs": ["emotional", "security"]}
    with pytest.raises(Conflict):
        workflow.close_case(
            session, actor=worker, case_id=accepted.case_id, data=CloseIn(reason="other")
        )
