"""Telling people their data is processed, or recording (with a reason) why not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.gate import audit
from accord.gate.types import Actor
from accord.notifications.models import FairProcessingNotice
from accord.notifications.queue import pending_notifications
from accord.notifications.service import (
    NotificationError,
    decisions_for,
    record_sent,
    reviews_due,
    withhold,
)
from accord.panels.access import case_target
from accord.panels.models import CaseParty, SafetyCase
from accord.register.schema import Register
from accord.store.base import utcnow
from factories.notifications import tell, withhold_from
from factories.panels import panel_case, party

REASON = "Telling the perpetrator would alert him to the referral and put the victim at risk."


def _case(session: Session, actor: Actor) -> tuple[SafetyCase, CaseParty]:
    case = panel_case(
        session, actor, parties=[("victim", {"name": "V"}), ("perpetrator", {"name": "P"})]
    )
    return case, party(session, case, "perpetrator")


def test_withheld_only_with_a_reason_and_audited(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case, perpetrator = _case(session, coordinator)
    target = case_target(case, party=perpetrator.subject_id)
    base = {
        "actor": coordinator,
        "target": target,
        "subject_id": perpetrator.subject_id,
        "purpose": "marac",
    }
    with pytest.raises(NotificationError, match=r"^reason:"):
        withhold(session, reason_code="prejudicial", reason="  ", **base)  # type: ignore[arg-type]
    with pytest.raises(NotificationError, match=r"^reason_code:"):
        withhold(session, reason_code="inconvenient", reason=REASON, **base)  # type: ignore[arg-type]
    assert session.scalars(select(FairProcessingNotice)).all() == []

    row = withhold(
        session,
        reason_code="prejudicial",
        reason=REASON,
        review_on=utcnow() + timedelta(days=90),
        **base,  # type: ignore[arg-type]
    )
    assert row.status == "withheld"
    assert row.reason is not None
    assert b"perpetrator" not in row.reason
    trail = audit.history(session, subject_id=perpetrator.subject_id)
    assert trail[-1].action == "create"
    assert trail[-1].record_type == "fair-processing-notice"
    assert "alert" not in repr(trail)
    decisions = decisions_for(session, actor=coordinator, target=target, purpose="marac")
    assert [(d.status, d.reason_code, d.reason) for d in decisions] == [
        ("withheld", "prejudicial", REASON)
    ]
    assert reviews_due(session, at=utcnow() + timedelta(days=91)) == [row]
    assert reviews_due(session) == []


def test_the_victim_is_told_once(session: Session, hounslow: Register, coordinator: Actor) -> None:
    case, _ = _case(session, coordinator)
    target = case_target(case)
    sent = tell(session, coordinator, case, channel="phone")
    assert sent.status == "sent"
    assert len(sent.notice_digest) == 64
    with pytest.raises(NotificationError, match="already told"):
        tell(session, coordinator, case, channel="letter")
    with pytest.raises(NotificationError, match=r"^channel:"):
        tell(session, coordinator, case, channel="pigeon")
    with pytest.raises(NotificationError, match=r"^purpose:"):
        record_sent(
            session,
            actor=coordinator,
            target=target,
            subject_id=case.subject_id,
            purpose="fgm-service",
            channel="phone",
        )


def test_the_queue_lists_who_is_still_to_be_told(
    session: Session, hounslow: Register, coordinator: Actor, outreach_worker: Actor
) -> None:
    case, perpetrator = _case(session, coordinator)
    queued = pending_notifications(session, actor=coordinator, register="hounslow").items
    assert {(p.reference, p.role) for p in queued} == {
        (case.reference, "victim"),
        (case.reference, "perpetrator"),
    }
    assert all(not p.overdue for p in queued)
    assert queued[0].due_by == queued[0].received_at + relativedelta(months=1)
    tell(session, coordinator, case, channel="letter")
    withhold_from(
        session, coordinator, case, subject_id=perpetrator.subject_id, reason_code="serious-harm"
    )
    assert pending_notifications(session, actor=coordinator, register="hounslow").items == []
    # An outreach worker does not see the MARAC queue at all.
    _case(session, coordinator)
    assert pending_notifications(session, actor=outreach_worker, register="hounslow").total == 0
    assert pending_notifications(session, actor=coordinator, register="hounslow").total == 2
