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
import hashlib
import os
import resource
import sqlite3
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


def fill_in_database(
    engine: Engine, records: int, due_every: int, keystore: Keystore | None = None
) -> int:
    """`fill` made by the database itself (millions of rows take far longer through the
    driver): `records` referrals with a person each (random ids), every `due_every`-th due,
    in statements of a million rows; with `keystore` (a SQLite file), a key for each due
    person. Returns how many are due."""
    sqlite = engine.dialect.name == "sqlite"
    seed = uuid.uuid4().hex
    form = "%Y-%m-%d %H:%M:%S.%f" + ("" if sqlite else "+00")  # as the column type writes
    cast = "" if sqlite else "::timestamptz"
    stamp = (NOW - timedelta(days=400)).strftime(form)
    due_text = (NOW - timedelta(days=30)).strftime(form)
    later_text = (NOW + timedelta(days=300)).strftime(form)
    false = "0" if sqlite else "false"
    if sqlite:
        numbers = (
            "WITH RECURSIVE n(i) AS (SELECT :lo + 1 UNION ALL SELECT i + 1 FROM n WHERE i < :hi) "
        )
        subjects = f"{numbers}INSERT INTO subjects (id, register, organisation, state, "
        subjects += "restricted, objection_pending, created_at) SELECT lower(hex(randomblob(16))), "
        subjects += f"'lvws', 'victim-support', 'active', 0, 0, '{stamp}' FROM n"
        number, person, case = "s.rowid", "s.id", "lower(hex(randomblob(16)))"
        blob = "zeroblob(96)"
        source = "FROM subjects s WHERE s.rowid > :lo AND s.rowid <= :hi"
    else:
        person_of = f"md5('{seed}' || i)::uuid"
        subjects = "INSERT INTO subjects (id, register, organisation, state, restricted, "
        subjects += f"objection_pending, created_at) SELECT {person_of}, 'lvws', "
        subjects += f"'victim-support', 'active', false, false, '{stamp}' "
        subjects += "FROM generate_series(:lo + 1, :hi) AS i"
        number, person, case = "i", person_of, "gen_random_uuid()"
        blob = "decode(repeat('00', 96), 'hex')"
        source = "FROM generate_series(:lo + 1, :hi) AS i"
    cases = (
        "INSERT INTO cases (id, register, organisation, record_type, status, subject_id, "
        "source, person_role, domestic_abuse, vulnerable, identity, consent_captured_by, "
        "consent_captured_at, consent_channel, received_at, not_taken_up_at, retention_from, "
        f"retention_due, created_at, updated_at) SELECT {case}, 'lvws', 'victim-support', "
        f"'referral', 'not-taken-up', {person}, 'police-api', 'victim', {false}, {false}, "
        f"{blob}, 'PC 1', '{stamp}', 'in-person', '{stamp}', '{stamp}', '{stamp}', "
        f"CASE WHEN {number} % :every = 0 THEN '{due_text}'{cast} "
        f"ELSE '{later_text}'{cast} END, '{stamp}', '{stamp}' {source}"
    )
    step = 1_000_000
    for lo in range(0, records, step):
        hi = min(records, lo + step)
        with engine.begin() as connection:
            if sqlite:
                connection.exec_driver_sql("PRAGMA cache_size = -262144")
            connection.execute(text(subjects), {"lo": lo, "hi": hi})
            connection.execute(text(cases), {"lo": lo, "hi": hi, "every": due_every})
    if keystore is not None:
        path = make_url(keystore.url).database
        if sqlite:
            with engine.connect() as connection:
                raw = connection.connection.driver_connection
                assert raw is not None
                raw.execute("ATTACH DATABASE ? AS ks", (path,))
                raw.execute(
                    "INSERT INTO ks.data_keys (subject_id, key_id, wrapped, created_at) "
                    f"SELECT id, 'bench', zeroblob(60), '{stamp}' FROM subjects "
                    "WHERE rowid % ? = 0",
                    (due_every,),
                )
                raw.commit()
                raw.execute("DETACH DATABASE ks")
        else:
            keys = (
                (
                    hashlib.md5(f"{seed}{i}".encode(), usedforsecurity=False).hexdigest(),
                    "bench",
                    b"\x01" * 60,
                    stamp[:-3],
                )
                for i in range(1, records + 1)
                if i % due_every == 0
            )
            with sqlite3.connect(str(path)) as raw:
                raw.executemany(
                    "INSERT INTO data_keys (subject_id, key_id, wrapped, created_at) "
                    "VALUES (?, ?, ?, ?)",
                    keys,
                )
    with engine.connect() as connection:
        now = f"'{NOW.strftime(form)}'{cast}"
        due = connection.execute(
            text(f"SELECT count(*) FROM cases WHERE retention_due <= {now}")
        ).scalar_one()
    return int(due)


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
            with keystore.engine.connect():  # the keystore's tables are made on first use
                pass
            due = fill_in_database(engine, records, 1, keystore)
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
        due = fill_in_database(engine, records, 100)
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
