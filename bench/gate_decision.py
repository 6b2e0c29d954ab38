"""Time per gate decision: the pure policy decision, and `authorize` with its audit write.

`.venv/bin/python -m bench.gate_decision [POSTGRESQL_URL]` (a temporary SQLite file; with a
PostgreSQL server URL, `authorize` is timed there too, in a database of its own). The shipped LVWS register; a caseworker reading
a case in their own caseload (every check runs: permission, role, purpose, organisation,
subject state, caseload, minimisation).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from accord.gate.policy import Facts, decide
from accord.gate.service import authorize, subject_facts
from accord.gate.types import Action, Actor, Target
from accord.people.models import Subject
from accord.register.registry import Registry, use_registry
from accord.store import migrate
from accord.store.engine import make_engine
from bench.audit_append import postgres_database
from bench.common import machine, repeat

ROOT = Path(__file__).resolve().parent.parent
PURE = 20_000
CALLS = 2_000
TARGET_MS = 1.0


def _actor(registry: Registry) -> Actor:
    role = registry.role("lvws", "caseworker")
    return Actor(
        id=uuid.uuid4(),
        kind="user",
        organisation="victim-support",
        roles=frozenset({role.id}),
        permissions=frozenset(role.permissions),
    )


def _target(actor: Actor, subject: uuid.UUID) -> Target:
    return Target(
        register="lvws",
        record_type="case",
        owner_organisation="victim-support",
        record_id=uuid.uuid4(),
        subject_ids=(subject,),
        assigned_user=actor.id,
    )


def _cpu_ms(fn: Callable[[], object], runs: int = 5) -> float:
    """Median ms of this process's CPU time per call of `fn` (what one free core takes when
    the machine is shared; on SQLite all the work is in this process)."""
    samples = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1000


def _authorize_ms(url: str, registry: Registry, actor: Actor) -> tuple[float, float, float]:
    """ms per authorize: in a transaction of CALLS, committed on its own, and CPU time."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            subject = Subject(register="lvws", organisation="victim-support")
            session.add(subject)
            session.commit()
            target = _target(actor, subject.id)

            def batch() -> None:
                for _ in range(CALLS):
                    authorize(
                        session,
                        actor=actor,
                        purpose="victim-support",
                        action=Action.READ,
                        target=target,
                    )
                session.commit()

            def single() -> None:
                for _ in range(200):
                    authorize(
                        session,
                        actor=actor,
                        purpose="victim-support",
                        action=Action.READ,
                        target=target,
                    )
                    session.commit()

            batched = repeat(batch, runs=5).median / CALLS * 1000
            committed = repeat(single, runs=5).median / 200 * 1000
            cpu = _cpu_ms(batch) / CALLS
            return batched, committed, cpu
    finally:
        engine.dispose()


def main(argv: list[str]) -> int:
    registry = Registry.from_directory(ROOT / "registers")
    actor = _actor(registry)
    print(f"machine: {machine()}")
    with use_registry(registry), tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/gate.db"
        migrate.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            subject = Subject(register="lvws", organisation="victim-support")
            session.add(subject)
            session.flush()
            target = _target(actor, subject.id)
            facts = Facts(
                actor=actor,
                purpose="victim-support",
                action=Action.READ,
                target=target,
                register=registry.get("lvws"),
                subjects=subject_facts(session, target.subject_ids, None, target),
            )
            assert decide(facts).allowed
        engine.dispose()
        pure_us = repeat(lambda: [decide(facts) for _ in range(PURE)], runs=5).median / PURE * 1e6
        print(f"pure decision (policy.decide): {pure_us:.1f} µs median per decision")
        results = {"SQLite": _authorize_ms(url, registry, actor)}
        if argv:
            # a database of its own, dropped afterwards
            with postgres_database(argv[0]) as pg:
                results["PostgreSQL"] = _authorize_ms(pg, registry, actor)
    ok = True
    for name, (batched, committed, cpu) in results.items():
        print(
            f"authorize + audit write, {name}: {batched:.3f} ms per decision in a transaction "
            f"({cpu:.3f} ms of this process's CPU), {committed:.3f} ms with a commit per decision"
        )
        ok = ok and batched <= TARGET_MS
    print(f"target ≤ {TARGET_MS} ms per decision: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
