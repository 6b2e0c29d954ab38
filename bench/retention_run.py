"""Retention: a run over N due records, and a plan over a large store with 1% due.

`.venv/bin/python -m bench.retention_run [RUN_RECORDS] [PLAN_RECORDS] [POSTGRESQL_URL]
[--only sqlite|postgresql] [--batch N] [--runs N] [--skip-plan|--skip-run]`

The run: RUN_RECORDS not-taken-up LVWS referrals long past their 12 months, each its own
person with a data key in the keystore (with an erasure log), bulk-inserted; `retention.run`
deletes each, erases each person (tombstone in the audit trail, key destroyed and logged)
and certifies the run, in batches of `--batch` records. Reported: wall seconds, this
process's CPU seconds (the machine is shared: wall time depends on the load, printed with
it), records per second, peak resident memory. The plan: PLAN_RECORDS cases with 1% due,
`retention.plan` timed (median of `--runs`). SQLite is a temporary file; PostgreSQL
(default: the local server's `test` database, skipped when it does not answer) gets a
database of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from accord.cases.models import Case
from accord.keys.blind import BlindIndexer
from accord.keys.erasures import ErasureLog
from accord.keys.keyring import LocalKeyring
from accord.keys.keystore import DataKey, Keystore
from accord.people.crypto import Crypto, use_crypto
from accord.people.models import Subject
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from accord.retention import run as running
from accord.retention.plan import plan
from accord.store import migrate
from accord.store.engine import make_engine
from accord.store.reachable import answers
from bench.common import ROOT, machine, repeat

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
CHUNK = 10_000


@contextmanager
def database(kind: str, folder: Path, pg: str) -> Iterator[str]:
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'accord.db'}"
        migrate.upgrade(url)
        yield url
        return
    admin = make_engine(pg, isolation_level="AUTOCOMMIT")
    name = f"accord_bench_retention_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _case(subject_id: uuid.UUID, due: datetime, n: int) -> dict[str, object]:
    received = due - timedelta(days=400)
    return {
        "id": uuid.uuid4(),
        "register": "lvws",
        "organisation": "victim-support",
        "service": None,
        "record_type": "referral",
        "status": "not-taken-up",
        "subject_id": subject_id,
        "source": "police-api",
        "person_role": "victim",
        "domestic_abuse": False,
        "vulnerable": False,
        "identity": b"\x00" * 96,  # stands for the sealed identity
        "consent_captured_by": "PC 1",
        "consent_captured_at": received,
        "consent_channel": "in-person",
        "received_at": received,
        "not_taken_up_at": received,
        "retention_from": received,
        "retention_due": due,
        "created_at": received,
        "updated_at": received,
        "police_reference": f"{n:07d}/20",
    }


def fill(engine: Engine, keystore: Keystore | None, records: int, due_every: int) -> int:
    """`records` referrals, every `due_every`-th one due; keys for the due ones' people."""
    due_count = 0
    for start in range(0, records, CHUNK):
        subjects, cases, keys = [], [], []
        for n in range(start, min(records, start + CHUNK)):
            sid = uuid.uuid4()
            due = n % due_every == 0
            due_count += due
            subjects.append(
                {
                    "id": sid,
                    "register": "lvws",
                    "organisation": "victim-support",
                    "state": "active",
                    "restricted": False,
                    "objection_pending": False,
                    "created_at": NOW - timedelta(days=800),
                }
            )
            when = NOW - timedelta(days=30) if due else NOW + timedelta(days=300)
            cases.append(_case(sid, when, n))
            if due and keystore is not None:
                keys.append(
                    {
                        "subject_id": sid,
                        "key_id": "bench",
                        "wrapped": b"\x01" * 60,
                        "created_at": NOW,
                    }
                )
        with engine.begin() as connection:
            connection.execute(insert(Subject), subjects)
            connection.execute(insert(Case), cases)
        if keys and keystore is not None:
            with keystore.engine.begin() as connection:
                connection.execute(insert(DataKey), keys)
    return due_count


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    return " ".join(f"{n:.1f}" for n in os.getloadavg())


def bench_run(kind: str, records: int, pg: str, batch: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        keystore = Keystore(
            f"sqlite:///{folder / 'keys.db'}",
            erasures=ErasureLog(f"sqlite:///{folder / 'erasures.db'}"),
        )
        crypto = Crypto(
            keyring=LocalKeyring(b"accord-bench-master-key-32-byte!"),
            keystore=keystore,
            indexer=BlindIndexer(b"accord-bench-index-key"),
        )
        with database(kind, folder, pg) as url, use_crypto(crypto):
            engine = make_engine(url)
            due = fill(engine, keystore, records, 1)
            if kind == "postgresql":
                with engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
            before = peak_mib()
            load_before = load()
            start, cpu = time.perf_counter(), time.process_time()
            result = running.run(sessionmaker(engine), ran_by="bench", now=NOW, batch=batch)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            engine.dispose()
        keystore.dispose()
    deleted = sum(n for k, n in result.counts.items() if k[4] == "deleted")
    assert deleted == due, (deleted, due)
    print(
        f"run {kind}: {due} due records deleted in {seconds:.1f} s wall, {cpu:.1f} s CPU of "
        f"this process ({due / seconds:.0f}/s, {result.keys_destroyed} keys destroyed, "
        f"batches of {batch}); peak RSS {max(before, peak_mib()):.0f} MiB; "
        f"1,000,000 at this rate: {1_000_000 / (due / seconds):.0f} s; "
        f"load average before {load_before}, after {load()}"
    )


def bench_plan(kind: str, records: int, pg: str, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, database(kind, Path(tmp), pg) as url:
        engine = make_engine(url)
        start = time.perf_counter()
        due = fill(engine, None, records, 100)
        filled = time.perf_counter() - start
        if kind == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        with sessionmaker(engine)() as session:
            timing = repeat(lambda: plan(session, now=NOW), runs=runs)
            lines = plan(session, now=NOW)
        engine.dispose()
    assert sum(line.count for line in lines) == due
    print(
        f"plan {kind}: {records} stored, {due} due: median {timing.median * 1000:.0f} ms "
        f"(runs {', '.join(f'{r * 1000:.0f}' for r in timing.runs)} ms; filled in {filled:.0f} s; "
        f"load average {load()})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.retention_run")
    parser.add_argument("run_records", nargs="?", type=int, default=10_000)
    parser.add_argument("plan_records", nargs="?", type=int, default=1_000_000)
    parser.add_argument("pg", nargs="?", default=DEFAULT_PG)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--batch", type=int, default=running.BATCH)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-plan", action="store_true")
    parser.add_argument("--skip-run", action="store_true")
    args = parser.parse_args()
    kinds = ["sqlite"] + (["postgresql"] if answers(args.pg) else [])
    if args.only:
        kinds = [k for k in kinds if k == args.only]
    print(machine())
    registry = Registry({"lvws": load_file(ROOT / "registers" / "lvws.yaml")})
    with use_registry(registry):
        if not args.skip_run:
            for kind in kinds:
                bench_run(kind, args.run_records, args.pg, args.batch)
        if not args.skip_plan:
            for kind in kinds:
                bench_plan(kind, args.plan_records, args.pg, args.runs)


if __name__ == "__main__":
    main()
