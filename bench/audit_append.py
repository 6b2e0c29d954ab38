"""Audit trail append rate on SQLite and PostgreSQL, and the time to verify the chain.

`.venv/bin/python -m bench.audit_append [POSTGRESQL_URL]`. SQLite is a temporary file; the
PostgreSQL run (default: the local server's `test` database, skipped when it does not answer)
uses a database of its own, dropped afterwards. Each run appends ENTRIES entries, each about
one subject, in batches of BATCH per transaction; medians of RUNS runs. The target is at least
5,000 entries per second on each.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from accord.gate import audit
from accord.gate.types import Actor
from accord.store import migrate
from accord.store.engine import make_engine
from accord.store.reachable import answers
from bench.common import machine, repeat

ENTRIES = 20_000
BATCH = 1_000
RUNS = 5
TARGET = 5_000
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

ACTOR = Actor(
    id=uuid.uuid4(),
    kind="user",
    organisation="victim-support",
    roles=frozenset({"caseworker"}),
    permissions=frozenset(),
)


def _events(count: int) -> list[audit.Event]:
    return [
        audit.Event(
            actor=ACTOR,
            action="read",
            purpose="victim-support",
            register="lvws",
            record_type="case",
            reason="allowed",
            outcome="allowed",
            record_ids=(uuid.uuid4(),),
            subject_ids=(uuid.uuid4(),),
            categories=frozenset({"name", "contact-details", "support-needs"}),
        )
        for _ in range(count)
    ]


def _measure(url: str) -> dict[str, float]:
    engine = make_engine(url)
    events = _events(BATCH)
    try:

        def batched() -> None:
            with Session(engine) as session:
                for _ in range(ENTRIES // BATCH):
                    audit.append(session, events)
                    session.commit()

        def one_by_one() -> None:
            with Session(engine) as session:
                for event in events[:500]:
                    audit.record(session, event)
                session.commit()

        rate = repeat(batched, runs=RUNS).rate(ENTRIES)
        cpu = _cpu_rate(batched, ENTRIES)
        single = repeat(one_by_one, runs=RUNS).rate(500)
        with Session(engine) as session:
            verification = repeat(lambda: audit.verify(session), runs=3, warmup=0)
            result = audit.verify(session)
            assert result.ok, result.problem
            checked = result.checked
        return {
            "batched": rate,
            "cpu": cpu,
            "single": single,
            "verify": verification.rate(checked),
            "entries": float(checked),
        }
    finally:
        engine.dispose()


def _cpu_rate(fn: Callable[[], object], items: int) -> float:
    """Items per second of this process's CPU time (median of RUNS): what one free core gives
    when the machine is shared. On SQLite that is all the work; PostgreSQL's own is not in it."""
    samples = []
    for _ in range(RUNS):
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
    return items / statistics.median(samples)


@contextmanager
def postgres_database(base: str) -> Iterator[str]:
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    name = f"accord_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str]) -> int:
    print(f"machine: {machine()}")
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/audit.db"
        migrate.upgrade(url)
        results["SQLite"] = _measure(url)
    pg = argv[0] if argv else DEFAULT_PG
    if answers(pg):
        with postgres_database(pg) as url:
            results["PostgreSQL"] = _measure(url)
    else:
        print(f"PostgreSQL not answering at {pg}: skipped")
    ok = True
    for name, figures in results.items():
        print(
            f"{name}: {figures['batched']:,.0f} entries/s appended in batches of {BATCH} "
            f"({figures['cpu']:,.0f}/s of this process's CPU time); "
            f"{figures['single']:,.0f} entries/s one append at a time (one transaction); "
            f"verify {figures['verify']:,.0f} entries/s over {figures['entries']:,.0f} entries"
        )
        ok = ok and figures["batched"] >= TARGET
    print(f"target ≥ {TARGET:,} entries/s batched: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
