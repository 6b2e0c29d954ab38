"""Demo step: the information rights team's queue at MOPAC and a TVT request forwarded to
the partner holding the data, made through the same services as the API and pages.

Requests are dated back from today so the queue shows each state: due, overdue, paused for
clarification, extended, identity not yet received (with its reminder) and waiting on a
partner. People are fictional.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from accord.demo import DemoContext
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.rights import requests
from accord.rights.clock import Kind
from accord.rights.schemas import QUEUE_WORDS, EventIn, RequestIn

PEOPLE = [
    ("Priya", "Shah", "priya.shah@example.org"),
    ("Tom", "Okafor", "tom.okafor@example.org"),
    ("Mary", "Jones", "mary.jones@example.org"),
    ("Ahmed", "Hassan", "ahmed.hassan@example.org"),
    ("Lucy", "Brown", "lucy.brown@example.org"),
]


def _actor(ctx: DemoContext, register: str, role: str, organisation: str) -> Actor:
    accounts: dict[str, str] = ctx.facts.get("accounts", {})  # type: ignore[assignment]
    known = accounts.get(f"{register}:{role}")
    return Actor(
        id=uuid.UUID(known) if known else uuid.uuid4(),
        kind="user",
        organisation=organisation,
        roles=frozenset({role}),
        permissions=frozenset(current_registry().role(register, role).permissions),
        teams=frozenset({requests.TEAM}),
        name=f"demo {role}",
    )


def _log(
    session: Session, who: Actor, register: str, person: int, days_ago: int, **extra: Any
) -> uuid.UUID:
    given, family, email = PEOPLE[person]
    received = requests.today() - timedelta(days=days_ago)
    made = requests.log_request(
        session,
        actor=who,
        data=RequestIn.model_validate(
            {
                "register": register,
                "channel": extra.pop("channel", "email"),
                "rights": extra.pop("rights", ["access"]),
                "requester": {"given_name": given, "family_name": family, "email": email},
                "received_on": received.isoformat(),
                **extra,
            }
        ),
    )
    return made.id


def _event(
    session: Session, who: Actor, request_id: uuid.UUID, kind: Kind, days_ago: int, **kw: str
) -> None:
    on = requests.today() - timedelta(days=days_ago)
    requests.record_event(
        session, actor=who, request_id=request_id, data=EventIn(kind=kind, on=on, **kw)
    )


def run(ctx: DemoContext) -> list[str]:
    loaded = current_registry().registers
    if "mopac" not in loaded:
        return ["mopac register not loaded: skipped"]
    officer = _actor(ctx, "mopac", "information-rights-officer", "mopac")
    lines: list[str] = []
    with ctx.session_factory() as session:
        due = _log(session, officer, "mopac", 0, 10, identity_verified=True)
        _log(session, officer, "mopac", 1, 20, channel="letter", rights=["erasure"])
        paused = _log(session, officer, "mopac", 2, 12, identity_verified=True)
        _event(session, officer, paused, Kind.CLARIFICATION_ASKED, 5, note="Which years?")
        extended = _log(
            session, officer, "mopac", 3, 25, identity_verified=True, rights=["access", "erasure"]
        )
        _event(session, officer, extended, Kind.EXTENSION_DECIDED, 20, reason="complex")
        _event(session, officer, extended, Kind.EXTENSION_NOTIFIED, 19)
        _log(session, officer, "mopac", 4, 45, identity_verified=True, channel="phone")
        queue = requests.queue(session, actor=officer, register="mopac")
        shown = requests.get_request(session, actor=officer, request_id=extended)
        session.commit()
    counts = Counter(item.state for item in queue)
    lines.append(
        f"MOPAC rights queue: {len(queue)} open ("
        + ", ".join(f"{QUEUE_WORDS[s].lower()} {n}" for s, n in sorted(counts.items()))
        + ")"
    )
    first_due = next(i for i in queue if i.id == due)
    lines.append(f"request {first_due.reference} is due on {first_due.due}")
    lines.append(f"how request {shown.reference}'s date was reached:")
    lines.extend(f"  {step}" for step in shown.clock.steps)
    if "tvt" in loaded:
        dpo = _actor(ctx, "tvt", "dpo", "thames-valley-police")
        with ctx.session_factory() as session:
            forwarded = _log(session, dpo, "tvt", 0, 6, identity_verified=True, rights=["access"])
            _event(session, dpo, forwarded, Kind.FORWARDED, 4, partner="reading-bc")
            found = requests.get_request(session, actor=dpo, request_id=forwarded)
            session.commit()
        partner = found.clock.partners[0]
        lines.append(
            f"TVT request {found.reference} forwarded to {partner.partner_name} "
            f"({(partner.dpo or {}).get('email', 'no DPO email')}), answer due {partner.due}"
        )
    return lines
