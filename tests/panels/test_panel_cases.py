"""Community safety cases: referral forms with their people, meetings, minutes, actions and
partner updates, all through the gate, with retention clocks that follow the register."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.disclosures.service import disclosures_for_subject
from accord.gate.types import AccessDenied, Actor
from accord.panels.access import NotFound, PanelError
from accord.panels.actions import actions_of, add_action, partner_update
from accord.panels.cases import PartyIn, close_case, get_case, list_cases, open_case
from accord.panels.meetings import agenda, list_case, read_minutes, record_minutes, schedule_meeting
from accord.panels.models import CaseParty, PanelListing, SafetyCase
from accord.people.service import find_subjects
from accord.register.schema import Register
from accord.store.base import utcnow
from factories.panels import panel_case


def test_a_referral_opens_a_case_with_sealed_people(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    assert case.record_type == "marac-case"
    assert case.reference.startswith("MARAC-")
    parties = session.scalars(select(CaseParty).where(CaseParty.case_id == case.id)).all()
    assert sorted(p.role for p in parties) == ["perpetrator", "victim"]
    assert all(b"Example" not in p.details for p in parties)
    assert find_subjects(session, register="hounslow", kind="phone", value="+447700900456") == [
        case.subject_id
    ]
    view = get_case(session, actor=coordinator, case_id=case.id)
    victim = next(p for p in view.parties if p.role == "victim")
    assert victim.details["gp-details"] == "Bath Road Surgery"
    assert view.referral["referral-forms"].startswith("DASH")
    # marac-case counts its 6 years from closure: no clock while it is open.
    assert view.retention_due is None


@pytest.mark.parametrize(
    ("service", "party", "field"),
    [
        (
            "marac",
            PartyIn("victim", {"name": "X", "fgm-details": "n/a"}),
            r"parties\[0\]\.details\.fgm-details",
        ),
        ("marac", PartyIn("bystander", {"name": "X"}), r"parties\[0\]\.role"),
        ("bingo", PartyIn("victim", {"name": "X"}), "service"),
    ],
)
def test_categories_outside_the_record_type_are_refused(
    session: Session,
    hounslow: Register,
    coordinator: Actor,
    service: str,
    party: PartyIn,
    field: str,
) -> None:
    with pytest.raises(PanelError, match=rf"^{field}:"):
        open_case(
            session,
            actor=coordinator,
            register="hounslow",
            service=service,
            parties=[party],
            referral={},
        )
    assert session.scalars(select(SafetyCase)).all() == []


def test_meeting_minutes_actions_and_partner_updates(
    session: Session, hounslow: Register, coordinator: Actor, police_partner: Actor
) -> None:
    case = panel_case(session, coordinator, "community-risk-panel")
    meeting = schedule_meeting(
        session,
        actor=coordinator,
        register="hounslow",
        panel="community-risk-panel",
        held_on=date.today(),
        chair="Chair of the CRP",
    )
    list_case(session, actor=coordinator, meeting_id=meeting.id, case_id=case.id)
    with pytest.raises(PanelError, match="already on"):
        list_case(session, actor=coordinator, meeting_id=meeting.id, case_id=case.id)
    items = agenda(session, actor=coordinator, meeting_id=meeting.id).items
    assert [(i.position, i.reference) for i in items] == [(1, case.reference)]

    # Before any action the police cannot see the case at all.
    with pytest.raises(NotFound):
        get_case(session, actor=police_partner, case_id=case.id)

    first = case.retention_due
    record_minutes(
        session,
        actor=coordinator,
        meeting_id=meeting.id,
        case_id=case.id,
        minutes="Discussed repeated ASB; agreed joint visit.",
        at=utcnow() + timedelta(minutes=1),
    )
    assert read_minutes(session, actor=coordinator, meeting_id=meeting.id, case_id=case.id)
    action = add_action(
        session,
        actor=coordinator,
        case_id=case.id,
        owner_agency="metropolitan-police",
        description="Joint visit with housing officer",
        due_on=date.today() + timedelta(days=14),
        meeting_id=meeting.id,
        at=utcnow() + timedelta(minutes=2),
    )
    logged = disclosures_for_subject(session, subject_id=case.subject_id)
    assert [(d.recipient, d.basis) for d in logged] == [("metropolitan-police", "panel")]
    assert "gp-details" in logged[0].fields

    update_time = utcnow() + timedelta(days=3)
    partner_update(
        session,
        actor=police_partner,
        case_id=case.id,
        action_id=action.id,
        action_status="done",
        text="Visit done; warning issued.",
        at=update_time,
    )
    views = actions_of(session, actor=coordinator, case_id=case.id)
    assert views[0].status == "done"
    assert views[0].updates[0][1:] == ("metropolitan-police", "Visit done; warning issued.")
    # crp-case: 6 years from the last action, which moved with each step.
    assert case.retention_due is not None
    assert first is not None
    assert case.retention_due > first
    assert case.retention_due.date() == date(
        update_time.year + 6, update_time.month, update_time.day
    )


def test_partner_without_an_action_cannot_update(
    session: Session, hounslow: Register, coordinator: Actor, police_partner: Actor
) -> None:
    case = panel_case(session, coordinator)
    with pytest.raises(NotFound):
        partner_update(session, actor=police_partner, case_id=case.id, text="Nothing to add")


def test_closing_starts_a_case_closed_clock(
    session: Session, hounslow: Register, coordinator: Actor
) -> None:
    case = panel_case(session, coordinator)
    closed = close_case(session, actor=coordinator, case_id=case.id)
    assert closed.retention_from is not None
    assert closed.retention_due is not None
    assert closed.retention_due.year == closed.retention_from.year + 6
    with pytest.raises(PanelError, match="already closed"):
        close_case(session, actor=coordinator, case_id=case.id)


def test_listing_is_scoped_by_the_gate(
    session: Session, hounslow: Register, coordinator: Actor, outreach_worker: Actor
) -> None:
    panel_case(session, coordinator)
    panel_case(session, coordinator)
    mine = panel_case(session, outreach_worker, "dsv-outreach")
    rows, total = list_cases(session, actor=coordinator, register="hounslow", service="marac")
    assert total == 2
    assert len(rows) == 2
    rows, total = list_cases(
        session, actor=coordinator, register="hounslow", service="marac", limit=1, offset=1
    )
    assert (len(rows), total) == (1, 2)
    with pytest.raises(AccessDenied):
        list_cases(session, actor=coordinator, register="hounslow", service="dsv-outreach")
    rows, total = list_cases(
        session, actor=outreach_worker, register="hounslow", service="dsv-outreach"
    )
    assert [r.id for r in rows] == [mine.id]
    assert mine.record_type == "dsv-outreach-case"
    assert mine.retention_due is not None  # last_action, 7 years
    assert mine.retention_due.year == mine.opened_at.year + 7
    assert session.scalars(select(PanelListing)).all() == []
