"""Community safety cases (MARAC, Community Risk Panel, IOM, outreach, FGM) for tests.

A case opens from a referral form through `panels.cases.open_case`; the people's details
are cut to the categories the service's record type holds, so one set of details serves
every service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.gate.types import Actor
from accord.panels.access import record_type_for
from accord.panels.actions import add_action
from accord.panels.cases import PartyIn, open_case
from accord.panels.meetings import list_case, record_minutes, schedule_meeting
from accord.panels.models import CaseAction, CaseParty, PanelMeeting, SafetyCase
from accord.register.registry import current_registry

VICTIM: dict[str, Any] = {
    "name": "Priya Example",
    "date-of-birth": "1990-04-01",
    "telephone": "07700 900456",
    "address": "1 Bath Road, Hounslow",
    "children": [{"name": "A", "date-of-birth": "2018-02-02"}],
    "gp-details": "Bath Road Surgery",
}
PERPETRATOR: dict[str, Any] = {
    "name": "Sam Example",
    "convictions": "ABH 2021",
    "previous-dv-history": "yes",
}
REFERRAL: dict[str, Any] = {"referral-forms": "DASH 18 ticks; strangulation reported"}


def held(register: str, service: str, details: Mapping[str, Any]) -> dict[str, Any]:
    """`details` cut to the categories the service's record type holds."""
    record_type = record_type_for(current_registry().get(register), service)
    return {k: v for k, v in details.items() if k in record_type.categories}


def panel_case(
    session: Session,
    actor: Actor,
    service: str = "marac",
    *,
    register: str = "hounslow",
    parties: Sequence[tuple[str, Mapping[str, Any]]] | None = None,
    referral: Mapping[str, Any] | None = None,
    **kw: Any,
) -> SafetyCase:
    """A case of `service` opened by `actor` from a referral form naming a victim and a
    perpetrator (or the given (role, details) parties)."""
    named = parties if parties is not None else [("victim", VICTIM), ("perpetrator", PERPETRATOR)]
    return open_case(
        session,
        actor=actor,
        register=register,
        service=service,
        parties=[PartyIn(role, held(register, service, d)) for role, d in named],
        referral=held(register, service, REFERRAL if referral is None else referral),
        risk_level=kw.pop("risk_level", "high"),
        referred_by=kw.pop("referred_by", "metropolitan-police"),
        **kw,
    )


def party(session: Session, case: SafetyCase, role: str) -> CaseParty:
    """The case's (one) party in `role`."""
    return session.scalars(
        select(CaseParty).where(CaseParty.case_id == case.id, CaseParty.role == role)
    ).one()


def meeting(
    session: Session,
    actor: Actor,
    panel: str = "marac",
    *,
    register: str = "hounslow",
    held_on: date | None = None,
    chair: str = "Chair",
) -> PanelMeeting:
    """A sitting of `panel` (today unless `held_on`)."""
    return schedule_meeting(
        session,
        actor=actor,
        register=register,
        panel=panel,
        held_on=held_on or date.today(),
        chair=chair,
    )


def shared_action(
    session: Session,
    actor: Actor,
    case: SafetyCase,
    agency: str = "metropolitan-police",
    *,
    due_in_days: int = 14,
) -> CaseAction:
    """An action given to `agency`, which shares the case with it."""
    return add_action(
        session,
        actor=actor,
        case_id=case.id,
        owner_agency=agency,
        description="Joint visit with the housing officer",
        due_on=date.today() + timedelta(days=due_in_days),
    )


def minuted(
    session: Session, actor: Actor, case: SafetyCase, minutes: str = "Safety plan agreed"
) -> PanelMeeting:
    """A sitting of the case's panel at which it was listed and its discussion minuted."""
    sitting = meeting(session, actor, case.service, register=case.register)
    list_case(session, actor=actor, meeting_id=sitting.id, case_id=case.id)
    record_minutes(session, actor=actor, meeting_id=sitting.id, case_id=case.id, minutes=minutes)
    return sitting
