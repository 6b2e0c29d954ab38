"""The other registers at their boundaries: a MOPAC rights request (2 years after it closed),
a Cambridgeshire hub case (reviewed 2 years after closure) and a Cambridgeshire client who
withdraws consent (deleted at once: nothing is left for a run to find)."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy.orm import Session

from accord.cases import workflow
from accord.cases.models import Case
from accord.cases.schemas import CloseIn, ContactIn
from accord.consent.withdrawal import withdraw
from accord.register.notice import digest
from accord.register.registry import current_registry
from accord.retention.plan import plan
from accord.rights import requests as rights
from accord.rights.clock import Kind
from accord.rights.models import RightsRequest
from accord.rights.schemas import EventIn, RequestIn
from factories.actors import actor
from factories.registers import using
from retention.support import deleted, erased, exists, moment, run
from retention.test_triggers import _hub_case


def test_mopac_rights_request_goes_two_years_after_it_closed(session: Session) -> None:
    with using("mopac"):
        officer = actor("mopac", "information-rights-officer", teams=["information-rights"])
        with time_machine.travel(moment(2026, 9, 1), tick=False):
            made = rights.log_request(
                session,
                actor=officer,
                data=RequestIn.model_validate(
                    {
                        "register": "mopac",
                        "channel": "letter",
                        "rights": ["access"],
                        "requester": {
                            "given_name": "Ada",
                            "family_name": "Lovelace",
                            "email": "ada@example.org",
                        },
                        "identity_verified": True,
                    }
                ),
            )
            rights.record_event(
                session, actor=officer, request_id=made.id, data=EventIn(kind=Kind.RESPONDED)
            )
        with time_machine.travel(moment(2026, 9, 20), tick=False):
            rights.record_event(
                session, actor=officer, request_id=made.id, data=EventIn(kind=Kind.CLOSED)
            )
        request = session.get(RightsRequest, made.id)
        assert request is not None
        subject_id = request.subject_id
        with time_machine.travel(moment(2028, 9, 19), tick=False):
            assert deleted(run(session), "rights-request") == 0
        assert exists(session, RightsRequest, made.id)
        with time_machine.travel(moment(2028, 9, 21), tick=False):
            assert deleted(run(session), "rights-request") == 1
    assert not exists(session, RightsRequest, made.id)
    assert erased(session, subject_id)


def test_cambridgeshire_case_is_queued_for_review_two_years_after_closure(
    session: Session,
) -> None:
    with using("cambs-hub"):
        with time_machine.travel(moment(2026, 3, 2), tick=False):
            case_id, worker = _hub_case(session)
            workflow.record_contact(
                session,
                actor=worker,
                case_id=case_id,
                data=ContactIn(outcome="engaged", channel="phone"),  # type: ignore[arg-type]
            )
            workflow.close_case(
                session, actor=worker, case_id=case_id, data=CloseIn(reason="support-completed")
            )
        with time_machine.travel(moment(2028, 3, 1), tick=False):
            assert run(session).counts == {}
        with time_machine.travel(moment(2028, 3, 3), tick=False):
            result = run(session)
    assert result.counts == {("cambs-hub", "cambs-hub", "case", "review", "queued"): 1}
    assert exists(session, Case, case_id)


def test_cambridgeshire_withdrawal_deletes_at_once_and_leaves_nothing_due(
    session: Session,
) -> None:
    with using("cambs-hub"):
        with time_machine.travel(moment(2026, 3, 2), tick=False):
            case_id, worker = _hub_case(session)
            subject_id = session.get(Case, case_id).subject_id  # type: ignore[union-attr]
            outcome = withdraw(
                session,
                actor=worker,
                subject_id=subject_id,
                register="cambs-hub",
                controller="cambs-hub",
                purpose="victim-support",
                channel="phone",
                notice_digest=digest(current_registry().get("cambs-hub")),
                record_type="referral",
            )
            assert outcome.erased
        assert erased(session, subject_id)
        assert not exists(session, Case, case_id)
        with time_machine.travel(datetime(2040, 1, 1, tzinfo=UTC), tick=False):
            assert plan(session) == []
