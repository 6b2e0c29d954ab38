"""LVWS retention at its boundaries: a referral never taken up (12 months), an engaged case
(6 years after the last contact, moved by a later contact), a web-form enquiry (6 weeks),
restorative justice (6 years after closure on 29 February)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import time_machine
from sqlalchemy.orm import Session

from accord.cases import workflow
from accord.cases.models import Case
from accord.cases.reopen import reopen
from accord.cases.schemas import AssignmentIn, CloseIn, ContactIn, NotTakenUpIn, RoutingIn
from accord.enquiries import service as enquiries
from accord.enquiries.models import Enquiry
from accord.enquiries.schemas import EnquiryIn
from accord.errors import Conflict, NotFound
from accord.gate.history import erased_owner
from accord.gate.types import Actor
from accord.register.registry import Registry
from accord.retention import holds
from factories.actors import actor
from factories.cases import refer
from factories.registers import using
from retention.support import deleted, erased, exists, moment, run


@pytest.fixture(autouse=True)
def lvws() -> Iterator[Registry]:
    with using("lvws") as found:
        yield found


def _worker(session: Session, case_id: object) -> Actor:
    worker = actor("lvws", "caseworker", "victim-support", checked=False)
    manager = actor("lvws", "team-manager", "victim-support", teams=("intake",), checked=False)
    workflow.assign(session, actor=manager, case_id=case_id, data=AssignmentIn(user_id=worker.id))  # type: ignore[arg-type]
    return worker


def test_referral_never_taken_up_is_deleted_twelve_months_on(session: Session) -> None:
    with time_machine.travel(moment(2026, 3, 2), tick=False):
        accepted = refer(session)
        worker = _worker(session, accepted.case_id)
        workflow.mark_not_taken_up(
            session, actor=worker, case_id=accepted.case_id, data=NotTakenUpIn(reason="declined")
        )
    with time_machine.travel(moment(2027, 3, 1), tick=False):
        result = run(session)
    assert deleted(result, "referral") == 0
    assert exists(session, Case, accepted.case_id)
    with time_machine.travel(moment(2027, 3, 3), tick=False):
        result = run(session)
    assert deleted(result, "referral") == 1
    assert not exists(session, Case, accepted.case_id)
    assert erased(session, accepted.subject_id)
    # the trail keeps whose person this was (their history stays with that organisation)
    assert erased_owner(session, accepted.subject_id) == ("victim-support", "lvws")


def _contact(session: Session, worker: Actor, case_id: object, outcome: str) -> None:
    workflow.record_contact(
        session,
        actor=worker,
        case_id=case_id,  # type: ignore[arg-type]
        data=ContactIn(outcome=outcome, channel="phone"),  # type: ignore[arg-type]
    )


def test_engaged_case_is_kept_six_years_from_the_last_contact_which_a_later_contact_moves(
    session: Session,
) -> None:
    with time_machine.travel(moment(2026, 3, 2), tick=False):
        accepted = refer(session)
        worker = _worker(session, accepted.case_id)
        _contact(session, worker, accepted.case_id, "engaged")
    with time_machine.travel(moment(2027, 5, 10), tick=False):
        _contact(session, worker, accepted.case_id, "engaged")
    # six years after the first contact: kept, the later contact moved the clock
    with time_machine.travel(moment(2032, 3, 3), tick=False):
        assert deleted(run(session), "case") == 0
    assert exists(session, Case, accepted.case_id)
    with time_machine.travel(moment(2033, 5, 9), tick=False):
        assert deleted(run(session), "case") == 0
    assert exists(session, Case, accepted.case_id)
    with time_machine.travel(moment(2033, 5, 11), tick=False):
        assert deleted(run(session), "case") == 1
    assert not exists(session, Case, accepted.case_id)
    assert erased(session, accepted.subject_id)


def test_a_person_who_comes_back_reopens_the_case_under_the_engaged_rule(session: Session) -> None:
    with time_machine.travel(moment(2026, 3, 2), tick=False):
        accepted = refer(session)
        worker = _worker(session, accepted.case_id)
        workflow.mark_not_taken_up(
            session, actor=worker, case_id=accepted.case_id, data=NotTakenUpIn(reason="declined")
        )
    with time_machine.travel(moment(2027, 1, 15), tick=False):
        _contact(session, worker, accepted.case_id, "engaged")
    case = session.get(Case, accepted.case_id)
    assert case is not None
    assert (case.status, case.record_type) == ("engaged", "case")
    assert case.retention_due == moment(2033, 1, 15)
    # past the 12 months the referral would have had: kept
    with time_machine.travel(moment(2027, 3, 3), tick=False):
        assert deleted(run(session), "referral") == 0
    assert exists(session, Case, accepted.case_id)


def test_reopen_refuses_a_case_that_was_not_declined(session: Session) -> None:
    with time_machine.travel(moment(2026, 3, 2), tick=False):
        accepted = refer(session)
        worker = _worker(session, accepted.case_id)
        with pytest.raises(Conflict, match="only a case not taken up"):
            reopen(session=session, actor=worker, case=accepted.case_id, reason="came back")


def _enquiry(session: Session, channel: str) -> uuid.UUID:
    worker = actor("lvws", "caseworker", "victim-support")
    made = enquiries.record_enquiry(
        session,
        actor=worker,
        data=EnquiryIn(
            register_id="lvws", channel=channel, name="Lee", email="lee@example.org", message="hi"
        ),  # type: ignore[arg-type]
    )
    return made.id


def test_web_form_enquiry_goes_after_six_weeks_a_live_chat_stays(session: Session) -> None:
    with time_machine.travel(moment(2026, 2, 2), tick=False):
        web = _enquiry(session, "web")
        chat = _enquiry(session, "live-chat")
    with time_machine.travel(moment(2026, 3, 15), tick=False):  # 6 weeks less a day
        assert deleted(run(session), "web-enquiry") == 0
    assert exists(session, Enquiry, web)
    with time_machine.travel(moment(2026, 3, 17), tick=False):
        assert deleted(run(session), "web-enquiry") == 1
    assert not exists(session, Enquiry, web)
    assert exists(session, Enquiry, chat)


def test_restorative_justice_closed_on_29_february_is_kept_six_years(session: Session) -> None:
    calm = actor("lvws", "caseworker", "calm-mediation", checked=False)
    manager = actor("lvws", "team-manager", "victim-support", teams=("intake",), checked=False)
    with time_machine.travel(moment(2028, 1, 10), tick=False):
        accepted = refer(session, requested_service="restorative_justice")
        workflow.confirm_routing(
            session,
            actor=manager,
            case_id=accepted.case_id,
            data=RoutingIn(service="restorative-justice"),
        )
        calm_manager = actor(
            "lvws", "team-manager", "calm-mediation", teams=("intake",), checked=False
        )
        workflow.assign(
            session,
            actor=calm_manager,
            case_id=accepted.case_id,
            data=AssignmentIn(user_id=calm.id),  # type: ignore[arg-type]
        )
        _contact(session, calm, accepted.case_id, "engaged")
    with time_machine.travel(moment(2028, 2, 29), tick=False):
        workflow.close_case(
            session, actor=calm, case_id=accepted.case_id, data=CloseIn(reason="support-completed")
        )
    case = session.get(Case, accepted.case_id)
    assert case is not None
    assert case.record_type == "rj-case"
    with time_machine.travel(moment(2034, 2, 27), tick=False):
        assert deleted(run(session), "rj-case") == 0
    assert exists(session, Case, accepted.case_id)
    with time_machine.travel(moment(2034, 3, 1), tick=False):
        assert deleted(run(session), "rj-case") == 1
    assert not exists(session, Case, accepted.case_id)


def test_a_hold_covers_only_the_records_of_the_organisation_that_placed_it(
    session: Session,
) -> None:
    catch22 = actor("lvws", "dpo", "catch22", checked=False)
    victim_support = actor("lvws", "dpo", "victim-support", checked=False)
    with time_machine.travel(moment(2026, 3, 2), tick=False):
        accepted = refer(session)
        worker = _worker(session, accepted.case_id)
        workflow.mark_not_taken_up(
            session, actor=worker, case_id=accepted.case_id, data=NotTakenUpIn(reason="declined")
        )
    hold = holds.place_hold(
        session,
        actor=catch22,
        register="lvws",
        scope="record-type",
        record_type="referral",
        kind="inquiry",
        reason="an inquiry into Catch22's referrals",
    )
    assert [h.id for h in holds.list_holds(session, actor=catch22)] == [hold.id]
    assert holds.list_holds(session, actor=victim_support) == []
    with pytest.raises(NotFound):
        holds.release_hold(session, actor=victim_support, hold_id=hold.id)
    with time_machine.travel(moment(2027, 3, 3), tick=False):
        assert deleted(run(session), "referral") == 1  # Victim Support's own referral
