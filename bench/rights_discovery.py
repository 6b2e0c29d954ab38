"""Finding one person's data among many people and records, on SQLite and PostgreSQL.

`.venv/bin/python -m bench.rights_discovery [--people 1000000] [--records 5000000]
[--backend sqlite|postgresql|both] [--runs 30]`

Builds a case database (a temporary SQLite file, or a new database on the local
PostgreSQL, dropped at the end) migrated to the current schema, then bulk-loads `--people`
data subjects of LVWS with three blind indexes each (email, phone, name and date of birth)
and `--records` records spread over them: cases, enquiries, complaints, consent statements
and logged disclosures (the sealed columns hold filler: discovery never unseals). Then it
times `rights.discovery.discover` for a random person by email plus name and date of birth,
with its commit (the search, its candidates and its audit entry are written), `--runs`
times after a warm-up, and prints the median and the 90th percentile.

`--partner-records N` (default 0: not run) times, besides, finding a Thames Valley Together
requester's records among N partner records of Thames Valley Police (sealed under the
dataset's key, with the keyed digests of their name with date of birth, email and phone,
as ingest leaves them): the search looks the requester's digests up and opens only the
rows they find.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from accord.keys.blind import BlindIndexer
from accord.keys.keyring import LocalKeyring
from accord.keys.keystore import Keystore
from accord.people.crypto import Crypto, use_crypto
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from accord.rights import discovery
from accord.store import migrate
from accord.store.base import Base
from accord.store.bulk import binder, bulk_pragmas, insert_many
from accord.store.engine import make_engine, make_session_factory
from bench.common import machine
from bench.referral_intake import BASE_URL, _database

ROOT = Path(__file__).resolve().parent.parent
REGISTER, OWNER = "lvws", "victim-support"
# share of the records per table (cases, enquiries, complaints, consent, disclosures)
MIX = (("cases", 0.4), ("enquiries", 0.2), ("complaints", 0.1), ("consent_events", 0.15),
       ("disclosure_log", 0.15))  # fmt: skip
CHUNK = 100_000
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def subject_id(n: int) -> uuid.UUID:
    return uuid.UUID(int=(1 << 120) | n)


def email(n: int) -> str:
    return f"person{n}@example.org"


def name_dob(n: int) -> str:
    return f"Person Number{n}|1980-01-{n % 28 + 1:02d}"


def _filler(table: str) -> dict[str, Any]:
    """Values for a table's required columns that discovery does not look at."""
    values: dict[str, Any] = {}
    for column in Base.metadata.tables[table].columns:
        if column.nullable or column.primary_key or column.name == "subject_id":
            continue
        kind = type(column.type).__name__
        values[column.name] = (
            NOW if kind == "UtcDateTime" else False if kind == "Boolean"
            else 0 if kind in ("Integer", "BigInteger") else b"sealed" if kind == "LargeBinary"
            else [] if kind == "JSON" else "x"
        )  # fmt: skip
    values |= {"register": REGISTER}
    if "organisation" in values:
        values["organisation"] = OWNER
    if "record_type" in values:
        values["record_type"] = {"cases": "case", "enquiries": "phone-enquiry"}.get(
            table, "complaint"
        )
    for owner_column in ("controller", "from_organisation"):
        if owner_column in values:
            values[owner_column] = OWNER
    return values


def _load(session: Session, table: str, columns: Sequence[str], rows: Iterator[tuple[Any, ...]],
          copy: bool) -> None:  # fmt: skip
    if not copy:
        insert_many(session, table, columns, rows)
        return
    raw = session.connection().connection.driver_connection
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(sql) as writer:  # type: ignore[union-attr]
        for row in rows:
            writer.write_row(row)


def build(session: Session, people: int, records: int, indexer: BlindIndexer) -> None:
    copy = session.connection().dialect.name == "postgresql"
    bulk_pragmas(session)
    start = time.perf_counter()
    subjects = Base.metadata.tables["subjects"]
    sid, when = binder(session, subjects, "id"), binder(session, subjects, "created_at")
    plain: Callable[[Any], Any] = (lambda v: v) if copy else sid
    moment: Callable[[Any], Any] = (lambda v: v) if copy else when
    _load(
        session, "subjects",
        ("id", "register", "organisation", "state", "restricted", "objection_pending", "created_at"),
        ((plain(subject_id(n)), REGISTER, OWNER, "active", False, False, moment(NOW))
         for n in range(people)),
        copy,
    )  # fmt: skip
    print(f"  {people:,} people in {time.perf_counter() - start:.0f} s", flush=True)
    digest = indexer.digest
    _load(
        session, "subject_indexes", ("subject_id", "kind", "digest", "indexed_at"),
        ((plain(subject_id(n)), kind, digest(kind, value), moment(NOW))
         for n in range(people)
         for kind, value in (("email", email(n)), ("phone", f"07{n:09d}"), ("name_dob", name_dob(n)))),
        copy,
    )  # fmt: skip
    print(f"  {3 * people:,} blind indexes in {time.perf_counter() - start:.0f} s", flush=True)
    made = 0
    for table, share in MIX:
        count = int(records * share) if table != MIX[-1][0] else records - made
        filler = _filler(table)
        columns = ("id", "subject_id", *filler)
        if copy:
            fixed = tuple("[]" if isinstance(v, list) else v for v in filler.values())
        else:
            table_obj = Base.metadata.tables[table]
            fixed = tuple(binder(session, table_obj, c)(v) for c, v in filler.items())
        _load(
            session, table, columns,
            ((plain(uuid.UUID(int=(2 << 120) | (made + i))), plain(subject_id((made + i) % people)),
              *fixed) for i in range(count)),
            copy,
        )  # fmt: skip
        made += count
        print(f"  {made:,} records ({table}) in {time.perf_counter() - start:.0f} s", flush=True)
    session.commit()
    session.connection().exec_driver_sql("ANALYZE")
    session.commit()
    print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)


def measure(url: str, people: int, records: int, runs: int, keys_dir: Path) -> list[float]:
    migrate.upgrade(url)
    registry = Registry({REGISTER: load_file(ROOT / "registers" / f"{REGISTER}.yaml")})
    keystore = Keystore(f"sqlite:///{keys_dir / 'keys.db'}")
    crypto = Crypto(
        keyring=LocalKeyring(b"accord-bench-master-key-32-byte!"),
        keystore=keystore,
        indexer=BlindIndexer(b"accord-bench-index-key"),
    )
    engine = make_engine(url)
    factory = make_session_factory(engine)
    dpo = _dpo(registry)
    times: list[float] = []
    with use_registry(registry), use_crypto(crypto):
        with factory() as session:
            build(session, people, records, crypto.indexer)
        rng = random.Random(11)
        for run in range(runs + 1):
            n = rng.randrange(people)
            with factory() as session:
                start = time.perf_counter()
                found = discovery.discover(
                    session, actor=dpo, register=REGISTER,
                    identifiers={"email": email(n), "name_dob": name_dob(n)},
                )  # fmt: skip
                session.commit()
                elapsed = time.perf_counter() - start
            expected = records // people
            assert len(found.candidates) >= expected, (len(found.candidates), expected)
            assert {c.subject_id for c in found.candidates} == {subject_id(n)}
            if run:  # the first is a warm-up
                times.append(elapsed)
    engine.dispose()
    keystore.dispose()
    return times


def _dpo(registry: Registry, register: str = REGISTER, organisation: str = OWNER) -> Any:
    from accord.gate.types import Actor

    role = registry.get(register).role("dpo")
    return Actor(
        id=uuid.uuid4(), kind="user", organisation=organisation, roles=frozenset({"dpo"}),
        permissions=frozenset(role.permissions), name="bench dpo",
    )  # fmt: skip


PARTNER = ("tvt", "thames-valley-police", "crime-events")


def _partner_frame(start: int, count: int) -> Any:
    import pandas as pd

    _, partner, dataset = PARTNER
    return pd.DataFrame(
        {
            "record_id": [uuid.UUID(int=(3 << 120) | n).hex for n in range(start, start + count)],
            "partner": partner,
            "dataset": dataset,
            "first_name": "Person",
            "surname": [f"Number{n}" for n in range(start, start + count)],
            "dob": [_born(n) for n in range(start, start + count)],
            "postcode": None,
            "address": None,
            "phone": None,
            "email": [email(n) for n in range(start, start + count)],
        }
    )


def _born(n: int) -> Any:
    """Spread over 20,000 days as real dates of birth are, not the 28 of `name_dob`."""
    return (datetime(1940, 1, 1) + timedelta(days=n % 20_000)).date()


def measure_partners(url: str, records: int, runs: int, keys_dir: Path) -> list[float]:
    from accord.feeds.identifiers import write_frame
    from accord.people import service as people

    migrate.upgrade(url)
    register, _, _ = PARTNER
    registry = Registry({register: load_file(ROOT / "registers" / f"{register}.yaml")})
    keystore = Keystore(f"sqlite:///{keys_dir / 'partner-keys.db'}")
    crypto = Crypto(
        keyring=LocalKeyring(b"accord-bench-master-key-32-byte!"),
        keystore=keystore,
        indexer=BlindIndexer(b"accord-bench-index-key"),
    )
    engine = make_engine(url)
    factory = make_session_factory(engine)
    dpo = _dpo(registry, register, PARTNER[1])
    times: list[float] = []
    with use_registry(registry), use_crypto(crypto):
        with factory() as session:
            start = time.perf_counter()
            for first in range(0, records, CHUNK):
                write_frame(session, _partner_frame(first, min(CHUNK, records - first)),
                            register=register)  # fmt: skip
            requester = people.create_subject(session, register=register, organisation=PARTNER[1])
            session.commit()
            session.connection().exec_driver_sql("ANALYZE")
            session.commit()
            print(f"  {records:,} partner records in {time.perf_counter() - start:.0f} s")
        rng = random.Random(12)
        for run in range(runs + 1):
            n = rng.randrange(records)
            with factory() as session:
                start = time.perf_counter()
                found = discovery.discover(
                    session, actor=dpo, register=register, subject_ids=[requester.id],
                    identifiers={"email": email(n),
                                 "name_dob": f"Person Number{n}|{_born(n).isoformat()}"},
                )  # fmt: skip
                session.commit()
                elapsed = time.perf_counter() - start
            partner = [c for c in found.candidates if c.kind == "partner-record"]
            assert [c.record_id for c in partner] == [uuid.UUID(int=(3 << 120) | n)], partner
            if run:
                times.append(elapsed)
    engine.dispose()
    keystore.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--partner-records", type=int, default=0)
    parser.add_argument("--skip-people", action="store_true", help="only the partner search")
    args = parser.parse_args()
    results: dict[str, list[float]] = {}
    partners: dict[str, list[float]] = {}
    for backend in ("sqlite", "postgresql"):
        if args.backend not in (backend, "both"):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            if not args.skip_people:
                print(f"{backend}: building {args.people:,} people and {args.records:,} records",
                      flush=True)  # fmt: skip
                results[backend] = _on(backend, Path(tmp), "people", lambda url: measure(
                    url, args.people, args.records, args.runs, Path(tmp)))  # fmt: skip
            if args.partner_records:
                print(f"{backend}: building {args.partner_records:,} partner records", flush=True)
                partners[backend] = _on(backend, Path(tmp), "partners", lambda url: (
                    measure_partners(url, args.partner_records, args.runs, Path(tmp))))  # fmt: skip
    print(f"machine: {machine()}")
    if results:
        print(f"{args.people:,} people, {args.records:,} records; {args.runs} searches after one"
              " warm-up")  # fmt: skip
        _table(results)
    if partners:
        print(f"{args.partner_records:,} partner records of one partner; {args.runs} searches"
              " after one warm-up")  # fmt: skip
        _table(partners)


def _on(backend: str, tmp: Path, label: str, run: Callable[[str], list[float]]) -> list[float]:
    if backend == "sqlite":
        return run(f"sqlite:///{tmp / f'accord-{label}.db'}")
    admin = make_engine(BASE_URL, isolation_level="AUTOCOMMIT")
    name = f"accord_bench_{uuid.uuid4().hex[:10]}"
    try:
        return run(_database(admin, name))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _table(results: dict[str, list[float]]) -> None:
    print("| store | median | 90th percentile |")
    print("|---|---|---|")
    for backend, times in results.items():
        p90 = statistics.quantiles(times, n=10)[-1] if len(times) >= 2 else times[0]
        print(f"| {backend} | {statistics.median(times) * 1000:.1f} ms | {p90 * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
