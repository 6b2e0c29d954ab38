"""Hounslow Safer Communities (shared/seeds/003): a MARAC case from referral to closure.

The police refer a high-risk domestic abuse case. It is listed at MARAC, discussed (minutes),
actioned (an owner agency and a due date) and updated by the police; each step moves the
case's last action, and closing it starts the register's 6-year clock. The victim is told
their information is processed; the perpetrator is not, and that is allowed only with a
recorded reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.disclosures.service import disclosures_for_subject, recipients_to_notify_of_correction
from accord.gate import audit
from accord.gate.types import Actor
from accord.notifications.service import NotificationError, decisions_for, record_sent, withhold
from accord.panels.access import NotFound, PanelError, case_target
from accord.panels.actions import actions_of, add_action, partner_update
from accord.panels.cases import PartyIn, close_case, get_case, open_case
from accord.panels.meetings import agenda, list_case, read_minutes, record_minutes, schedule_meeting
from accord.panels.models import CaseParty
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from accord.register.schema import Register

REGISTER = Path(__file__).resolve().parents[2] / "registers" / "hounslow.yaml"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def hounslow() -> Iterator[Register]:
    register = load_file(REGISTER)
    with use_registry(Registry({register.id: register})):
        yield register


def _actor(register: Register, role: str, organisation: str = "hounslow") -> Actor:
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation=organisation,
        roles=frozenset({role}),
        permissions=frozenset(register.role(role).permissions),
        teams=frozenset({"marac"}),
        name=role,
    )


def test_marac_case_from_referral_to_closure(session: Session, hounslow: Register) -> None:
    coordinator = _actor(hounslow, "panel-coordinator")
    police = _actor(hounslow, "partner-agency", organisation="metropolitan-police")
    probation = _actor(hounslow, "partner-agency", organisation="probation-service")

    with time_machine.travel(START, tick=False):
        case = open_case(
            session,
            actor=coordinator,
            register="hounslow",
            service="marac",
            parties=[
                PartyIn(
                    "victim",
                    {
                        "name": "Leila Haddad",
                        "address": "12 Staines Road, Hounslow",
                        "telephone": "07700 900777",
                        "children": [{"name": "Omar", "date-of-birth": "2019-05-01"}],
                        "gp-details": "Heart of Hounslow Centre for Health",
                        "intimate-abuse-details": "Non-fatal strangulation, threats to kill",
                    },
                ),
                PartyIn(
                    "perpetrator",
                    {
                        "name": "Karim Haddad",
                        "convictions": "ABH (2022)",
                        "previous-dv-history": "2 prior call-outs",
                    },
                ),
            ],
            referral={"referral-forms": "DASH risk checklist: 19 yes answers"},
            risk_level="high",
            referred_by="metropolitan-police",
        )
    opened_action = case.last_action_at
    assert case.record_type == "marac-case"
    assert case.retention_due is None  # 6 years from closure (Appendix 1, 4.1)

    # Listed at the next MARAC and discussed.
    meeting = schedule_meeting(
        session,
        actor=coordinator,
        register="hounslow",
        panel="marac",
        held_on=date(2026, 3, 12),
        chair="DI Morgan (MARAC chair)",
    )
    list_case(session, actor=coordinator, meeting_id=meeting.id, case_id=case.id)
    assert [
        i.reference for i in agenda(session, actor=coordinator, meeting_id=meeting.id).items
    ] == [case.reference]
    discussed = START + timedelta(days=10)
    record_minutes(
        session,
        actor=coordinator,
        meeting_id=meeting.id,
        case_id=case.id,
        minutes="Risk remains high. Police to flag address; probation to review licence.",
        at=discussed,
    )
    assert case.last_action_at is not None
    assert case.last_action_at > opened_action  # type: ignore[operator]

    # Actioned: owners and due dates; the police and probation now work the case.
    with time_machine.travel(discussed, tick=False):
        flag = add_action(
            session,
            actor=coordinator,
            case_id=case.id,
            owner_agency="metropolitan-police",
            description="Flag the address for an urgent response",
            due_on=date(2026, 3, 19),
            meeting_id=meeting.id,
            at=discussed,
        )
        add_action(
            session,
            actor=coordinator,
            case_id=case.id,
            owner_agency="probation",
            description="Review licence conditions",
            due_on=date(2026, 3, 26),
            meeting_id=meeting.id,
            at=discussed,
        )
    shared = disclosures_for_subject(session, subject_id=case.subject_id)
    assert sorted(d.recipient for d in shared) == ["metropolitan-police", "probation"]
    assert all(d.basis == "panel" and not d.with_consent for d in shared)

    # Updated by a partner: only their own action, and the clock's trigger moves again.
    updated = START + timedelta(days=14)
    partner_update(
        session,
        actor=police,
        case_id=case.id,
        action_id=flag.id,
        action_status="done",
        text="Address flagged on CAD; response plan in place.",
        at=updated,
    )
    assert case.last_action_at == updated
    probation_action = next(
        a
        for a in actions_of(session, actor=coordinator, case_id=case.id)
        if a.owner_agency == "probation-service"
    )
    with pytest.raises(PanelError, match="owning agency"):
        partner_update(
            session,
            actor=police,
            case_id=case.id,
            action_id=probation_action.id,
            action_status="done",
            text="Not ours to close",
        )
    partner_update(
        session,
        actor=probation,
        case_id=case.id,
        action_id=probation_action.id,
        text="Licence review booked with the offender manager.",
        at=updated + timedelta(hours=2),
    )
    views = actions_of(session, actor=coordinator, case_id=case.id, today=date(2026, 3, 27))
    assert [(v.owner_agency, v.status, v.overdue) for v in views] == [
        ("metropolitan-police", "done", False),
        ("probation-service", "open", True),
    ]
    assert views[0].updates[0][2] == "Address flagged on CAD; response plan in place."
    assert [u[1:] for u in views[1].updates] == [
        ("probation-service", "Licence review booked with the offender manager.")
    ]
    # The police read the case, but only what the MARAC purpose allows.
    seen = get_case(session, actor=police, case_id=case.id)
    assert seen.reference == case.reference
    assert read_minutes(session, actor=police, meeting_id=meeting.id, case_id=case.id)

    # Fair processing: the victim is told; the perpetrator is not, only with a reason.
    record_sent(
        session,
        actor=coordinator,
        target=case_target(case),
        subject_id=case.subject_id,
        purpose="marac",
        channel="phone",
    )
    perpetrator = session.scalars(
        select(CaseParty).where(CaseParty.case_id == case.id, CaseParty.role == "perpetrator")
    ).one()
    perpetrator_target = case_target(case, {"metropolitan-police"}, party=perpetrator.subject_id)
    with pytest.raises(NotificationError, match=r"^reason:"):
        withhold(
            session,
            actor=coordinator,
            target=perpetrator_target,
            subject_id=perpetrator.subject_id,
            purpose="marac",
            reason_code="prejudicial",
            reason="",
        )
    withhold(
        session,
        actor=coordinator,
        target=perpetrator_target,
        subject_id=perpetrator.subject_id,
        purpose="marac",
        reason_code="prejudicial",
        reason="Telling him would reveal the MARAC referral and raise the risk to the victim.",
        review_on=datetime.now(UTC) + timedelta(days=180),
    )
    decisions = decisions_for(
        session, actor=coordinator, target=perpetrator_target, purpose="marac"
    )
    assert [(d.status, d.reason_code) for d in decisions] == [
        ("sent", None),
        ("withheld", "prejudicial"),
    ]
    entries = audit.history(session, subject_id=perpetrator.subject_id)
    assert ("create", "fair-processing-notice") in [(e.action, e.record_type) for e in entries]
    assert "reveal" not in repr(entries)

    # Closed: the 6-year clock starts from closure.
    closed_at = START + timedelta(days=60)
    close_case(session, actor=coordinator, case_id=case.id, at=closed_at)
    assert case.retention_from == closed_at
    assert case.retention_due == datetime(2032, 5, 1, 9, 0, tzinfo=UTC)

    # Partners who received the case hear of a correction to the victim's address.
    notify = recipients_to_notify_of_correction(
        session, subject_id=case.subject_id, categories=["address"]
    )
    assert sorted(r.recipient for r in notify) == ["metropolitan-police", "probation"]
    # An agency that never worked the case cannot see it.
    london_fire = _actor(hounslow, "partner-agency", organisation="london-fire-brigade")
    with pytest.raises(NotFound):
        get_case(session, actor=london_fire, case_id=case.id)
    assert audit.verify(session).ok
