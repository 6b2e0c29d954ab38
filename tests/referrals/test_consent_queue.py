"""Referrals waiting for consent: the hub's police referrals stay out of its caseload until
the person agrees; the queue lists them (reference only) to those whose caseload reaches them,
and an agreement recorded from it goes into the consent ledger, after which the gate shows
the referral like any other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.cases import caseload
from accord.cases.models import Case
from accord.consent.ledger import ConsentState, current_state
from accord.consent.models import ConsentEvent
from accord.errors import NotFound
from accord.referrals import consent_queue
from accord.referrals.schemas import ReferralAccepted
from accord.register.registry import Registry
from factories.actors import actor
from factories.cases import refer
from factories.registers import using


@pytest.fixture(autouse=True)
def lvws_registry() -> Iterator[Registry]:  # both registers, in place of LVWS alone
    with using("lvws", "cambs-hub") as both:
        yield both


def hub_referral(session: Session) -> ReferralAccepted:
    police = actor("cambs-hub", "police-referrer", "cambs-hub", kind="token")
    return refer(session, referrer=police, register="cambs-hub")


def test_a_hub_referral_waits_for_consent_then_is_in_the_caseload(session: Session) -> None:
    sent = hub_referral(session)
    lvws = refer(session)  # LVWS support does not rest on consent: never in this queue
    manager = actor("cambs-hub", "team-manager", "cambs-hub", teams=("intake",))
    reference = session.scalar(select(Case.reference).where(Case.id == sent.case_id))

    waiting = consent_queue.awaiting_consent(session, actor=manager)
    assert [w.reference for w in waiting if w.case_id == sent.case_id] == [reference]
    assert lvws.case_id not in {w.case_id for w in waiting}
    listed = caseload.list_cases(session, actor=manager)
    assert sent.case_id not in {r.id for r in listed.rows}
    # A caseworker's own caseload does not reach an unassigned referral.
    worker = actor("cambs-hub", "caseworker", "cambs-hub", teams=("intake",))
    assert sent.case_id not in {
        w.case_id for w in consent_queue.awaiting_consent(session, actor=worker)
    }

    consent_queue.record_agreement(session, actor=manager, case_id=sent.case_id, channel="phone")
    assert (
        current_state(
            session, subject_id=sent.subject_id, purpose="victim-support", controller="cambs-hub"
        )
        is ConsentState.GIVEN
    )
    assert sent.case_id not in {
        w.case_id for w in consent_queue.awaiting_consent(session, actor=manager)
    }
    listed = caseload.list_cases(session, actor=manager)
    assert sent.case_id in {r.id for r in listed.rows}
    assert next(r for r in listed.rows if r.id == sent.case_id).name == "Amelia Hughes"

    # Agreed once: it is no longer waiting, and nothing more is written.
    with pytest.raises(NotFound):
        consent_queue.record_agreement(
            session, actor=manager, case_id=sent.case_id, channel="phone"
        )
    count = select(func.count()).where(ConsentEvent.subject_id == sent.subject_id)
    assert session.scalar(count.select_from(ConsentEvent)) == 1


def test_another_organisation_sees_nothing_and_cannot_record(session: Session) -> None:
    sent = hub_referral(session)
    other = actor("lvws", "team-manager", "victim-support", teams=("intake",))
    assert consent_queue.awaiting_consent(session, actor=other) == []
    with pytest.raises(NotFound):
        consent_queue.record_agreement(session, actor=other, case_id=sent.case_id, channel="phone")
    assert current_state(session, subject_id=sent.subject_id, purpose="victim-support") is None
