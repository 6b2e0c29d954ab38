"""Demo step: Hounslow's risk panels and outreach, made through the same services as the API.

MARAC, Community Risk Panel and IOM meetings with cases listed, minuted and actioned; partner
agencies updating their actions; outreach and FGM cases; fair-processing notices sent to
victims and withheld (with reasons) from perpetrators; a risk-of-harm disclosure from an
outreach case approved by the DPO. People are fictional (Faker en_GB).
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from faker import Faker
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts.models import User
from accord.accounts.service import add_to_team
from accord.demo import DemoContext
from accord.disclosures.records import find_record
from accord.disclosures.requests import decide, release, request_disclosure
from accord.gate.types import Actor
from accord.notifications.service import record_sent, withhold
from accord.panels.access import case_target
from accord.panels.actions import add_action, partner_update
from accord.panels.cases import PartyIn, close_case, open_case
from accord.panels.meetings import list_case, record_minutes, schedule_meeting
from accord.panels.models import CaseParty, SafetyCase
from accord.register.registry import current_registry

REGISTER = "hounslow"
SEED = 2027
PANELS = ("marac", "community-risk-panel", "iom")
PARTNERS = {
    "marac": ["metropolitan-police", "nhs", "probation", "charitable-partners"],
    "community-risk-panel": ["metropolitan-police", "london-fire-brigade", "case-partners"],
    "iom": ["probation", "metropolitan-police", "nhs"],
}
ACTIONS = [
    "Flag the address for an urgent police response",
    "Offer an IDVA appointment within 48 hours",
    "Review licence conditions with the offender manager",
    "Fire safety visit and letterbox guard",
    "Share safety plan with the school's safeguarding lead",
    "Housing officer to discuss a management transfer",
]


def _actor(ctx: DemoContext, role: str, organisation: str = "hounslow") -> Actor:
    accounts: dict[str, str] = ctx.facts.get("accounts", {})  # type: ignore[assignment]
    known = accounts.get(f"{REGISTER}:{role}")
    return Actor(
        id=uuid.UUID(known) if known and organisation == "hounslow" else uuid.uuid4(),
        kind="user",
        organisation=organisation,
        roles=frozenset({role}),
        permissions=frozenset(current_registry().role(REGISTER, role).permissions),
        teams=frozenset({*PANELS, "dsv-outreach", "fgm-service"}),
        name=f"demo {role} ({organisation})",
    )


def _person(fake: Faker, role: str, service: str) -> dict[str, object]:
    details: dict[str, object] = {"name": fake.name()}
    if role in ("victim", "offender"):
        details["address"] = fake.address().replace("\n", ", ")
        details["telephone"] = f"07700 900{fake.random_int(100, 999)}"
        details["date-of-birth"] = fake.date_of_birth(minimum_age=18, maximum_age=70).isoformat()
    if role == "victim" and service in ("marac", "dsv-outreach"):
        details["children"] = [
            {
                "name": fake.first_name(),
                "date-of-birth": fake.date_of_birth(maximum_age=15).isoformat(),
            }
            for _ in range(fake.random_int(0, 2))
        ]
        details["gp-details"] = f"{fake.last_name()} Surgery"
    if role in ("perpetrator", "offender") and service != "dsv-outreach":
        details["convictions"] = random.choice(["ABH (2021)", "Criminal damage (2023)", "none"])
    if role == "offender":
        details["order-licence"] = random.choice(["Licence to 2027", "Community order"])
    return details


def _open(session: Session, fake: Faker, actor: Actor, service: str) -> SafetyCase:
    main_role = "offender" if service == "iom" else "victim"
    parties = [PartyIn(main_role, _person(fake, main_role, service))]
    if service in ("marac", "community-risk-panel", "dsv-outreach"):
        parties.append(PartyIn("perpetrator", _person(fake, "perpetrator", service)))
    return open_case(
        session,
        actor=actor,
        register=REGISTER,
        service=service,
        parties=parties,
        referral={"referral-forms": f"Referral received; risk score {fake.random_int(10, 24)}"},
        risk_level=random.choice(["medium", "high", "high"]),
        referred_by="metropolitan-police",
    )


def _coordinator_in_panel_teams(ctx: DemoContext) -> None:
    """The demo's panel coordinator works each panel's cases, so belongs to its team (a panel
    case's team is its service id: the gate's team caseload reads it)."""
    accounts: dict[str, str] = ctx.facts.get("accounts", {})  # type: ignore[assignment]
    known = accounts.get(f"{REGISTER}:panel-coordinator")
    if known is None:
        return
    with ctx.session_factory() as session:
        user = session.get(User, uuid.UUID(known))
        if user is None:
            return
        registry = current_registry()
        for panel in PANELS:
            add_to_team(
                session, user=user, team=panel, name=registry.get(REGISTER).service(panel).name
            )


def run(ctx: DemoContext) -> list[str]:
    if REGISTER not in current_registry().registers:
        return ["hounslow register not loaded: skipped"]
    random.seed(SEED)
    fake = Faker("en_GB")
    Faker.seed(SEED)
    _coordinator_in_panel_teams(ctx)
    coordinator = _actor(ctx, "panel-coordinator")
    outreach = _actor(ctx, "caseworker")
    dpo = _actor(ctx, "dpo")
    made: Counter[str] = Counter()
    meeting_ids: list[str] = []
    organisations = {o.id for o in current_registry().get(REGISTER).organisations}
    today = datetime.now(UTC)
    lines: list[str] = []
    with ctx.session_factory() as session:
        for panel in PANELS:
            meeting = schedule_meeting(
                session,
                actor=coordinator,
                register=REGISTER,
                panel=panel,
                held_on=date.today(),
                chair=f"{fake.name()} (chair)",
                location="Hounslow House",
            )
            made["meetings"] += 1
            for _ in range(4):
                case = _open(session, fake, coordinator, panel)
                list_case(session, actor=coordinator, meeting_id=meeting.id, case_id=case.id)
                record_minutes(
                    session,
                    actor=coordinator,
                    meeting_id=meeting.id,
                    case_id=case.id,
                    minutes=fake.paragraph(nb_sentences=3),
                )
                for agency in random.sample(PARTNERS[panel], 2):
                    action = add_action(
                        session,
                        actor=coordinator,
                        case_id=case.id,
                        owner_agency=agency,
                        description=random.choice(ACTIONS),
                        due_on=date.today() + timedelta(days=random.choice([7, 14, 28])),
                        meeting_id=meeting.id,
                    )
                    made["actions"] += 1
                    if random.random() < 0.5:
                        # Agencies with accounts update their own actions; the coordinator
                        # records the others' updates (e.g. the NHS, by secure email).
                        partner = (
                            _actor(ctx, "partner-agency", organisation=action.owner_agency)
                            if action.owner_agency in organisations
                            else coordinator
                        )
                        partner_update(
                            session,
                            actor=partner,
                            case_id=case.id,
                            action_id=action.id,
                            action_status="done",
                            text=f"Done: {fake.sentence()}",
                        )
                        made["partner updates"] += 1
                _notify(session, coordinator, case, made)
                made[f"{panel} cases"] += 1
            meeting_ids.append(str(meeting.id))
        for service in ("dsv-outreach", "fgm-service"):
            for _ in range(3):
                _open(session, fake, outreach, service)
                made[f"{service} cases"] += 1
        outreach_case = _open(session, fake, outreach, "dsv-outreach")
        released = _risk_of_harm(session, outreach, dpo, outreach_case)
        closed = session.scalars(
            # An open one: a second run of the demo finds last run's case already closed.
            select(SafetyCase).where(SafetyCase.service == "iom", SafetyCase.status != "closed")
        ).first()
        if closed is not None:
            close_case(session, actor=coordinator, case_id=closed.id, at=today)
            made["closed (clock started)"] += 1
        session.commit()
    lines.append(", ".join(f"{n} {what}" for what, n in made.items()))
    lines.append(f"risk-of-harm disclosure to the police approved by the DPO: {released}")
    lines.append(
        "try: accord panels agenda <meeting id> --as panel-coordinator.hounslow@example.org"
    )
    ctx.facts["panel_meetings"] = meeting_ids
    lines.append(f"  e.g. meeting {meeting_ids[0]}")
    return lines


def _notify(session: Session, actor: Actor, case: SafetyCase, made: Counter[str]) -> None:
    record_sent(
        session,
        actor=actor,
        target=case_target(case),
        subject_id=case.subject_id,
        purpose=case.service,
        channel=random.choice(["letter", "phone"]),
    )
    made["notices sent"] += 1
    for party in session.scalars(
        select(CaseParty).where(CaseParty.case_id == case.id, CaseParty.role == "perpetrator")
    ):
        withhold(
            session,
            actor=actor,
            target=case_target(case, party=party.subject_id),
            subject_id=party.subject_id,
            purpose=case.service,
            reason_code="prejudicial",
            reason="Telling the perpetrator would reveal the referral and increase the risk to the victim.",
            review_on=datetime.now(UTC) + timedelta(days=180),
        )
        made["notices withheld with a reason"] += 1


def _risk_of_harm(session: Session, caseworker: Actor, approver: Actor, case: SafetyCase) -> str:
    record = find_record(session, record_id=case.id)
    pending = request_disclosure(
        session,
        actor=caseworker,
        target=record.target,
        subject_id=record.subject_id,
        recipient="metropolitan-police",
        fields=["name", "address"],
        risk="Client reports the perpetrator has returned to the address with a weapon tonight.",
        risk_level="high",
        necessity="Police need only her name and address to attend; nothing else is shared.",
    )
    decide(session, actor=approver, request_id=pending.id, approve=True)
    out = release(
        session,
        actor=caseworker,
        request_id=pending.id,
        target=record.target,
        values=record.values,
        method="phone",
    )
    return ", ".join(sorted(out.values))
