"""Demo step: consents given, refused and withdrawn, and what each withdrawal does.

- Cambridgeshire hub: clients consent to support; one withdraws and is deleted at once.
- LVWS: engaged victims are asked about evaluation sharing with MOPAC; an extract is made, one
  person withdraws, and the next extract leaves them out.
- MOPAC newsletter: subscribers sign up, some unsubscribe, and the send list drops them
  however their address is written.
People are fictional (Faker en_GB).
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

from faker import Faker
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases import workflow
from accord.cases.models import Case
from accord.cases.schemas import AssignmentIn
from accord.consent.extract import ExtractRow, evaluation_extract
from accord.consent.ledger import record_consent
from accord.consent.optout import contactable
from accord.consent.withdrawal import withdraw
from accord.demo import DemoContext
from accord.disclosures.records import find_record
from accord.gate.types import Actor
from accord.people.models import Subject
from accord.people.service import create_subject, index_values
from accord.referrals import intake
from accord.referrals.schemas import Person, ReferralConsent
from accord.register.load import digest
from accord.register.registry import current_registry

SEED = 2028


def _actor(
    register: str,
    role: str,
    organisation: str,
    kind: str = "user",
    teams: frozenset[str] = frozenset(),
) -> Actor:
    # Bound to the register its role comes from, as people and tokens are.
    return Actor(
        id=None if kind == "system" else uuid.uuid4(),
        kind=kind,  # type: ignore[arg-type]
        organisation=organisation,
        roles=frozenset({role}),
        permissions=frozenset(current_registry().role(register, role).permissions),
        teams=teams,
        name=f"demo {role}",
        grants=frozenset({(register, role)}),
    )


def _given(
    session: Session,
    actor: Actor,
    register: str,
    controller: str,
    subject_id: uuid.UUID,
    purpose: str,
    state: str = "given",
    channel: str = "phone",
) -> None:
    record_consent(
        session,
        actor=actor,
        subject_id=subject_id,
        register=register,
        controller=controller,
        purpose=purpose,
        state=state,
        channel=channel,
        notice_digest=digest(current_registry().get(register)),
    )


def _cambs(session: Session) -> str:
    # Clients refer themselves online; the one who later withdraws has been assigned to a
    # caseworker, since only a person's own caseworker (or an organisation-wide caseload)
    # may act on them.
    caseworker = _actor("cambs-hub", "caseworker", "cambs-hub", teams=frozenset({"intake"}))
    manager = _actor("cambs-hub", "team-manager", "cambs-hub", teams=frozenset({"intake"}))
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    accepted = [
        intake.receive(
            session,
            actor=caseworker,
            intake=intake.Intake(
                register="cambs-hub",
                person=Person(
                    given_name=fake.first_name(),
                    family_name=fake.last_name(),
                    phone=f"07700 900{300 + n:03d}",
                ),
                consent=ReferralConsent(
                    given=True,
                    captured_by="the person (self-referral form)",
                    captured_at=datetime.now(UTC),
                    channel="online",
                ),
                source="self-referral",
                receiving_organisation="cambs-hub",
            ),
        )
        for n in range(5)
    ]
    for client in accepted:
        _given(
            session,
            caseworker,
            "cambs-hub",
            "cambs-hub",
            client.subject_id,
            "victim-support",
            channel="web-form",
        )
    workflow.assign(
        session,
        actor=manager,
        case_id=accepted[0].case_id,
        data=AssignmentIn(user_id=caseworker.id, team="intake"),
    )
    gone = accepted[0].subject_id
    withdraw(
        session,
        actor=caseworker,
        subject_id=gone,
        register="cambs-hub",
        controller="cambs-hub",
        purpose="victim-support",
        channel="phone",
        notice_digest=digest(current_registry().get("cambs-hub")),
    )
    left = session.get(Subject, gone) is None
    return f"cambs-hub: 5 clients consented; 1 withdrew and was deleted at once ({'no row left' if left else 'STILL PRESENT'})"


def _lvws(session: Session) -> str:
    cases = list(
        session.scalars(
            select(Case).where(Case.register == "lvws", Case.record_type == "case").limit(12)
        )
    )
    if len(cases) < 3:
        return "lvws: no engaged cases to ask about evaluation sharing (run the casework step)"
    caseworker = _actor("lvws", "caseworker", cases[0].organisation)
    dpo = _actor("lvws", "dpo", cases[0].organisation)
    consenting = []
    for case in cases:
        state = random.choice(["given", "given", "refused"])
        _given(
            session,
            caseworker,
            "lvws",
            case.organisation,
            case.subject_id,
            "evaluation-sharing",
            state,
        )
        if state == "given" and case.organisation == dpo.organisation:
            consenting.append(case)
    candidates = []
    for case in cases:
        record = find_record(session, record_id=case.id)
        candidates.append(
            ExtractRow(target=record.target, subject_id=record.subject_id, values=record.values)
        )
    args = {
        "actor": dpo,
        "register": "lvws",
        "purpose": "evaluation-sharing",
        "recipient": "mopac-evaluation",
    }
    first = evaluation_extract(session, candidates=candidates, **args)  # type: ignore[arg-type]
    leaving = consenting[0] if consenting else cases[0]
    withdraw(
        session,
        actor=caseworker,
        subject_id=leaving.subject_id,
        register="lvws",
        controller=leaving.organisation,
        purpose="evaluation-sharing",
        channel="phone",
        notice_digest=digest(current_registry().get("lvws")),
    )
    second = evaluation_extract(session, candidates=candidates, **args)  # type: ignore[arg-type]
    return (
        f"lvws evaluation extracts to MOPAC: {len(first.rows)} rows, then {len(second.rows)} "
        f"after a withdrawal ({second.excluded} excluded, {second.without_consent} refused, "
        f"{second.refused_by_gate} outside the DPO's organisation)"
    )


def _newsletter(session: Session, fake: Faker) -> str:
    form = _actor("mopac", "dpo", "mopac", kind="system")
    emails = []
    for _ in range(20):
        email = fake.unique.email()
        subscriber = create_subject(session, register="mopac", organisation="mopac")
        index_values(session, subject_id=subscriber.id, values={"email": email})
        _given(session, form, "mopac", "mopac", subscriber.id, "newsletter", channel="web-form")
        emails.append((subscriber.id, email))
    leaving = random.sample(emails, 5)
    for subject_id, email in leaving:
        withdraw(
            session,
            actor=form,
            subject_id=subject_id,
            register="mopac",
            controller="mopac",
            purpose="newsletter",
            channel="unsubscribe-link",
            notice_digest=digest(current_registry().get("mopac")),
            email=email,
        )
    shouted = [e.upper() for _, e in leaving]
    send = contactable(
        session, register="mopac", purpose="newsletter", emails=[e for _, e in emails] + shouted
    )
    return f"mopac newsletter: 20 subscribers, 5 unsubscribed; send list {len(send)} of {len(emails) + len(shouted)} addresses (re-typed opted-out addresses dropped too)"


def run(ctx: DemoContext) -> list[str]:
    random.seed(SEED)
    fake = Faker("en_GB")
    Faker.seed(SEED)
    loaded = current_registry().registers
    lines = []
    with ctx.session_factory() as session:
        if "cambs-hub" in loaded:
            lines.append(_cambs(session))
        if "lvws" in loaded:
            lines.append(_lvws(session))
        if "mopac" in loaded:
            lines.append(_newsletter(session, fake))
        session.commit()
    return lines
