"""Demo step: a synthetic LVWS caseload made through the same services the API uses.

Police referrals (API-style and a bulk file with some bad rows), ages from 9 to 84, every
crime type, restorative justice requests, repeat victims proposed as matches, caseworkers
routing, contacting, supporting and closing, a self-referral, complaints and enquiries.
All people are fictional (Faker en_GB; phone numbers from Ofcom's drama ranges).
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from faker import Faker
from sqlalchemy.orm import Session

from accord.accounts import service
from accord.accounts.models import User
from accord.cases import complaints, entries, purposes, workflow
from accord.cases.models import Case
from accord.cases.schemas import (
    AssignmentIn,
    CloseIn,
    ComplaintIn,
    ContactIn,
    EventIn,
    NotTakenUpIn,
    ReferralOnIn,
    RoutingIn,
)
from accord.consent import ledger
from accord.demo import DemoContext
from accord.enquiries import service as enquiries
from accord.enquiries.schemas import EnquiryIn
from accord.gate.types import Actor
from accord.referrals import bulk, codes, intake
from accord.referrals.cli import file_actor
from accord.referrals.rejects import write_for_correction
from accord.referrals.schemas import PoliceReferralIn
from accord.register.load import digest
from accord.register.registry import current_registry

REGISTER = "lvws"
REFERRALS = 48
SEED = 2026


def _actor(ctx: DemoContext, organisation: str, role: str, teams: tuple[str, ...] = ()) -> Actor:
    registry = current_registry()
    accounts: dict[str, str] = ctx.facts.get("accounts", {})  # type: ignore[assignment]
    known = accounts.get(f"{REGISTER}:{role}")
    return Actor(
        id=uuid.UUID(known) if known and organisation == "victim-support" else uuid.uuid4(),
        kind="user",
        organisation=organisation,
        roles=frozenset({role}),
        permissions=frozenset(registry.role(REGISTER, role).permissions),
        teams=frozenset(teams),
        name=f"demo {role} ({organisation})",
    )


def _phone(rng: random.Random) -> str:
    return f"07700 900{rng.randrange(0, 1000):03d}"


def _person(fake: Faker, rng: random.Random, age: int) -> dict[str, Any]:
    born = datetime.now(UTC).date() - timedelta(days=age * 365 + rng.randrange(1, 360))
    female = rng.random() < 0.55
    return {
        "given_name": fake.first_name_female() if female else fake.first_name_male(),
        "family_name": fake.last_name(),
        "date_of_birth": born.isoformat(),
        "gender": "female" if female else "male",
        "phone": _phone(rng),
        "email": f"{fake.user_name()}@example.org" if rng.random() < 0.6 else None,
        "address": fake.street_address(),
        "postcode": rng.choice(["SE5 0EG", "EC1V 3AG", "SE1 0LL", "N1 9GU", "E8 1DY", "SW9 8LF"]),
        "ethnicity": rng.choice(
            [None, "White British", "Black British", "Asian British", "Mixed", "Other"]
        ),
        "vulnerable": rng.random() < 0.2,
    }


def _referral(
    fake: Faker, rng: random.Random, person: dict[str, Any], when: datetime
) -> dict[str, Any]:
    crime_type = rng.choice(sorted(codes.CRIME_TYPES))
    return {
        "register": REGISTER,
        "role": "witness" if rng.random() < 0.15 else "victim",
        "person": {k: v for k, v in person.items() if v is not None},
        "crime": {
            "crime_number": f"{rng.randrange(1_000_000, 9_999_999)}/{when:%y}",
            "crime_date": (when - timedelta(days=rng.randrange(0, 10))).date().isoformat(),
            "crime_time": f"{rng.randrange(0, 24):02d}:{rng.choice(['00', '15', '30', '45'])}",
            "crime_type": crime_type,
            "domestic_abuse": crime_type == "domestic-abuse" or rng.random() < 0.1,
        },
        "consent": {
            "given": True,
            "captured_by": f"PC {rng.randrange(100, 9999)} {fake.last_name()}",
            "captured_at": (when - timedelta(hours=rng.randrange(1, 48))).isoformat(),
            "channel": rng.choice(["in-person", "phone"]),
        },
        "requested_service": "restorative_justice" if rng.random() < 0.1 else None,
        "police_reference": f"MPS-{uuid.uuid4().hex[:10].upper()}",  # unique per run
    }


def run(ctx: DemoContext) -> list[str]:
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    police = file_actor(REGISTER, "metropolitan-police")
    vs_manager = _actor(ctx, "victim-support", "team-manager", ("intake", "complaints"))
    vs_workers = [_actor(ctx, "victim-support", "caseworker") for _ in range(3)]
    partners = {
        org: (_actor(ctx, org, "team-manager", ("intake",)), _actor(ctx, org, "caseworker"))
        for org in ("catch22", "calm-mediation")
    }
    now = datetime.now(UTC)
    counts: Counter[str] = Counter()
    matches = 0
    with ctx.session_factory() as session:
        people: list[dict[str, Any]] = []
        case_ids = []
        for n in range(REFERRALS):
            if people and rng.random() < 0.12:
                person = dict(rng.choice(people))  # a repeat victim: proposed as a match
                person["email"] = None
            else:
                age = (
                    rng.choice([9, 12, 14, 15, 16, 17])
                    if rng.random() < 0.25
                    else rng.randrange(18, 85)
                )
                person = _person(fake, rng, age)
                people.append(person)
            when = now - timedelta(days=REFERRALS - n)
            body = _referral(fake, rng, person, when)
            data = PoliceReferralIn.model_validate(body)
            accepted = intake.receive(
                session, actor=police, intake=intake.from_police(data, actor=police), now=when
            )
            counts[f"proposed {accepted.proposed_service}"] += 1
            matches += accepted.match_proposals
            case_ids.append(accepted.case_id)
        session.commit()
        # Work is left for the pages: the newest referrals wait in the intake queue; a few
        # from about two weeks ago are assigned and now overdue their first contact (the
        # first of them with its service still to be accepted by the caseworker).
        waiting = min(4, REFERRALS // 8)
        first_due = max(0, len(case_ids) - waiting - 14)
        due = range(first_due, first_due + min(3, REFERRALS // 8))
        for n, case_id in enumerate(case_ids):
            if n >= len(case_ids) - waiting:
                counts["waiting in the intake queue"] += 1
                continue
            _work(
                session,
                rng,
                case_id,
                vs_manager,
                rng.choice(vs_workers),
                partners,
                counts,
                contact=n not in due,
                route=n != first_due,
            )
            session.commit()
        bulk_lines = _bulk_file(ctx.out, session, police, fake, rng)
        session.commit()
        _complaints_and_enquiries(session, vs_manager, vs_workers[0], fake, rng, counts)
        session.commit()
        shared = _share_team_caseload(ctx, session)
        session.commit()
    lines = [
        f"{REFERRALS} police referrals through the intake service; {matches} match proposals for caseworkers to decide"
    ]
    lines.append(
        ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()) if k.startswith("proposed"))
    )
    lines.append(
        ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()) if not k.startswith("proposed"))
    )
    if shared:
        lines.append("the demo caseworker also sees the intake team's cases in outline")
    lines.extend(bulk_lines)
    return lines


def _share_team_caseload(ctx: DemoContext, session: Session) -> bool:
    """The demo caseworker shares the intake team's caseload (the register's `team-member`
    role: the team's cases in outline, their own in full), so "My team's cases" has work."""
    accounts: dict[str, str] = ctx.facts.get("accounts", {})  # type: ignore[assignment]
    known = accounts.get(f"{REGISTER}:caseworker")
    register = current_registry().get(REGISTER)
    if known is None or not any(r.id == "team-member" for r in register.roles):
        return False
    user = session.get(User, uuid.UUID(known))
    if user is None:
        return False
    if not any(g.register == REGISTER and g.role_id == "team-member" for g in user.roles):
        service.add_role(session, user=user, register=REGISTER, role="team-member")
    return True


def _work(
    session: Session,
    rng: random.Random,
    case_id: uuid.UUID,
    manager: Actor,
    worker: Actor,
    partners: dict[str, tuple[Actor, Actor]],
    counts: Counter[str],
    *,
    contact: bool = True,
    route: bool = True,
) -> None:
    """Triage, routing by a person, contacts and what follows, as a caseworker would
    (without `contact`, the referral is left assigned and due its first contact; without
    `route` too, its service is left for the caseworker to accept)."""
    workflow.assign(session, actor=manager, case_id=case_id, data=AssignmentIn(user_id=worker.id))
    if not route:
        counts["assigned, service to accept"] += 1
        return
    case = session.get(Case, case_id)
    assert case is not None
    proposed = case.proposed_service or "adult-da-support"
    if proposed == "adult-da-support" and case.requested_service is None and rng.random() < 0.05:
        routing = RoutingIn(
            service="restorative-justice", reason="asked the caseworker for restorative justice"
        )
        counts["routing changed by caseworker"] += 1
    else:
        routing = RoutingIn(service=proposed)
    case = workflow.confirm_routing(session, actor=worker, case_id=case_id, data=routing)
    holder = current_registry().get(REGISTER).service(case.service or proposed).organisation
    if holder != "victim-support":
        partner_manager, partner_worker = partners[holder]
        workflow.assign(
            session,
            actor=partner_manager,
            case_id=case_id,
            data=AssignmentIn(user_id=partner_worker.id),
        )
        worker = partner_worker
        counts[f"shared with {holder}"] += 1
    if not contact:
        counts["assigned, due first contact"] += 1
        return
    roll = rng.random()
    if roll < 0.2:
        for _ in range(3):
            workflow.record_contact(
                session,
                actor=worker,
                case_id=case_id,
                data=ContactIn(outcome="not-reached", channel="phone"),
            )
        workflow.mark_not_taken_up(
            session, actor=worker, case_id=case_id, data=NotTakenUpIn(reason="unable-to-contact")
        )
        counts["not taken up (unable to contact)"] += 1
        return
    if roll < 0.3:
        workflow.record_contact(
            session,
            actor=worker,
            case_id=case_id,
            data=ContactIn(outcome="declined", channel="phone"),
        )
        counts["not taken up (declined)"] += 1
        return
    workflow.record_contact(
        session, actor=worker, case_id=case_id, data=ContactIn(outcome="engaged", channel="phone")
    )
    counts["engaged"] += 1
    entries.record_event(
        session,
        actor=worker,
        case_id=case_id,
        data=EventIn(
            kind="needs-assessment",
            details={
                "needs": rng.sample(
                    [
                        "emotional",
                        "practical",
                        "security",
                        "information",
                        "criminal-justice-process",
                    ],
                    2,
                ),
                "risk_level": rng.choice(["standard", "medium", "high"]),
            },
        ),
    )
    entries.record_event(
        session,
        actor=worker,
        case_id=case_id,
        data=EventIn(
            kind="support",
            details={
                "type": rng.choice(
                    ["emotional support call", "home security", "court familiarisation", "advocacy"]
                ),
                "delivered_by": worker.name,
            },
        ),
    )
    if rng.random() < 0.15:
        entries.record_event(
            session,
            actor=worker,
            case_id=case_id,
            data=EventIn(
                kind="translation",
                details={
                    "language": rng.choice(["Polish", "Somali", "Bengali"]),
                    "processor": "translation-provider",
                },
            ),
        )
        counts["translation arranged"] += 1
    if rng.random() < 0.15:
        case = session.get(Case, case_id)
        assert case is not None
        # The person agrees on the call: the statement goes into the ledger, then the referral.
        ledger.record_consent(
            session,
            actor=worker,
            subject_id=case.subject_id,
            register=case.register,
            controller=case.organisation,
            purpose=purposes.REFERRAL_ON,
            state=ledger.ConsentState.GIVEN,
            channel=ledger.Channel.PHONE,
            notice_digest=digest(current_registry().get(case.register)),
        )
        entries.refer_on(
            session,
            actor=worker,
            case_id=case_id,
            data=ReferralOnIn(
                recipient="specialist-services",
                reason="specialist counselling",
                fields=["name", "contact-details"],
            ),
        )
        counts["referred on with consent"] += 1
    if rng.random() < 0.6:
        entries.record_event(
            session,
            actor=worker,
            case_id=case_id,
            data=EventIn(kind="feedback", details={"rating": rng.randrange(3, 6)}),
        )
        workflow.close_case(
            session, actor=worker, case_id=case_id, data=CloseIn(reason="support-completed")
        )
        counts["closed"] += 1


def _bulk_file(
    out: Path, session: Session, police: Actor, fake: Faker, rng: random.Random
) -> list[str]:
    folder = out / "casework"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "met-referrals.csv"
    rows = []
    now = datetime.now(UTC)
    for n in range(12):
        body = _referral(
            fake, rng, _person(fake, rng, rng.randrange(12, 80)), now - timedelta(days=n)
        )
        row = {**{k: v for k, v in body["person"].items()}, **body["crime"]}
        row.update({f"consent_{k}": v for k, v in body["consent"].items()})
        row.update(role=body["role"], police_reference=body["police_reference"])
        rows.append(
            {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in row.items()}
        )
    rows[3]["crime_number"] = "12/3456"  # bad rows, as police exports sometimes have
    rows[7]["date_of_birth"] = "2099-01-01"
    rows[9]["consent_given"] = "no"
    # Written as accord writes every CSV: a cell a spreadsheet would run is escaped (the
    # import takes the escape off again).
    write_for_correction(path, list(bulk.COLUMNS), rows)
    _, read = bulk.read_rows(path)
    report = bulk.import_rows(session, actor=police, rows=read, register=REGISTER)
    rejects = folder / "met-referrals.rejects.csv"
    bulk.write_rejects(rejects, report.rejected)
    return [
        f"bulk file {path.name}: {report.rows} rows, {report.loaded} loaded, {len(report.rejected)} rejected "
        f"(reasons in {rejects.name}); reconciles: {'yes' if report.reconciles else 'NO'}",
    ]


def _complaints_and_enquiries(
    session: Session,
    manager: Actor,
    worker: Actor,
    fake: Faker,
    rng: random.Random,
    counts: Counter[str],
) -> None:
    for _ in range(3):
        complaints.create_complaint(
            session,
            actor=manager,
            data=ComplaintIn(
                register_id=REGISTER,
                channel="email",
                name=fake.name(),
                email=f"{fake.user_name()}@example.org",
                details="I waited two weeks for a call back.",
            ),
        )
    for channel in ("phone", "email", "live-chat", "web"):
        enquiries.record_enquiry(
            session,
            actor=worker,
            data=EnquiryIn(
                register_id=REGISTER,
                channel=channel,
                name=fake.name(),
                phone=_phone(rng),
                message="Can you help a witness of a robbery?",
            ),
        )
    counts["complaints"] += 3
    counts["enquiries (one per channel)"] += 4
