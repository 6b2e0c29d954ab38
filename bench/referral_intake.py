"""Police referral intake through the API against PostgreSQL, beside a bare insert.

`.venv/bin/python -m bench.referral_intake [--referrals N] [--runs R]`

Creates two databases of its own on the local PostgreSQL (the case database, migrated to
heads, and the keystore) and drops them at the end. Both paths handle the same referrals:

- full path: one `POST /api/referrals` per referral through the ASGI app (Starlette's
  TestClient, in process), authenticated by a police-referrer API token: validation, the
  gate with its audit chain, a new data subject with its own key in the keystore, sealed
  identity and equality blobs, five blind indexes, routing, timeline entries, the match
  search, one commit;
- bare path: the same fields as plain columns, one `INSERT` and one commit per referral,
  through the same driver (psycopg 3 via SQLAlchemy Core) into a comparable table, with no
  validation, gate, encryption, indexes or audit.

Each path runs `--runs` times after one warm-up, interleaved (a full run, then a bare run)
so changes in machine load hit both; the medians and their ratio are printed,
with a markdown row for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from faker import Faker
from fastapi.testclient import TestClient
from sqlalchemy import Column, Date, DateTime, Engine, MetaData, String, Table, Uuid, text
from sqlalchemy.engine import make_url

from accord.accounts.tokens import create_token
from accord.app import create_app
from accord.keys.blind import BlindIndexer
from accord.keys.keyring import LocalKeyring
from accord.keys.keystore import Keystore
from accord.people.crypto import Crypto, use_crypto
from accord.referrals import intake
from accord.referrals.cli import file_actor
from accord.referrals.schemas import PoliceReferralIn
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from accord.settings import Settings
from accord.store import migrate
from accord.store.engine import make_engine, make_session_factory
from bench.common import Timing, machine, repeat

BASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROOT = Path(__file__).resolve().parent.parent

bare = Table(
    "bench_bare_referrals",
    MetaData(),
    Column("id", Uuid, primary_key=True),
    Column("given_name", String(100)),
    Column("family_name", String(100)),
    Column("date_of_birth", Date),
    Column("gender", String(20)),
    Column("phone", String(40)),
    Column("email", String(254)),
    Column("address", String(300)),
    Column("postcode", String(10)),
    Column("ethnicity", String(100)),
    Column("crime_number", String(20)),
    Column("crime_date", Date),
    Column("crime_type", String(64)),
    Column("consent_captured_by", String(120)),
    Column("consent_captured_at", DateTime(timezone=True)),
    Column("consent_channel", String(20)),
    Column("received_at", DateTime(timezone=True)),
)


def bodies(count: int, seed: int) -> list[dict[str, Any]]:
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    now = datetime.now(UTC)
    out = []
    for n in range(count):
        out.append(
            {
                "register": "lvws",
                "person": {
                    "given_name": fake.first_name(),
                    "family_name": fake.last_name(),
                    "date_of_birth": fake.date_of_birth(minimum_age=10, maximum_age=85).isoformat(),
                    "gender": fake.random_element(["female", "male"]),
                    "phone": f"07700 9{n % 100000:05d}",
                    "email": f"person{seed}-{n}@example.org",
                    "address": fake.street_address(),
                    "postcode": fake.postcode(),
                    "ethnicity": fake.random_element(
                        ["White British", "Black British", "Asian British"]
                    ),
                },
                "crime": {
                    "crime_number": f"{1_000_000 + n}/26",
                    "crime_date": (now - timedelta(days=3)).date().isoformat(),
                    "crime_type": fake.random_element(
                        ["burglary", "robbery", "theft", "violence-with-injury"]
                    ),
                },
                "consent": {
                    "given": True,
                    "captured_by": "PC 1 Bench",
                    "captured_at": (now - timedelta(hours=1)).isoformat(),
                    "channel": "in-person",
                },
            }
        )
    return out


def bare_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    rows = []
    for body in items:
        person, crime, consent = body["person"], body["crime"], body["consent"]
        rows.append(
            {
                **{
                    k: person[k]
                    for k in (
                        "given_name",
                        "family_name",
                        "gender",
                        "phone",
                        "email",
                        "address",
                        "postcode",
                        "ethnicity",
                    )
                },
                "date_of_birth": datetime.fromisoformat(person["date_of_birth"]).date(),
                "crime_number": crime["crime_number"],
                "crime_date": datetime.fromisoformat(crime["crime_date"]).date(),
                "crime_type": crime["crime_type"],
                "consent_captured_by": consent["captured_by"],
                "consent_captured_at": datetime.fromisoformat(consent["captured_at"]),
                "consent_channel": consent["channel"],
                "received_at": now,
            }
        )
    return rows


def _database(admin: Engine, name: str) -> str:
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(BASE_URL).set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    admin = make_engine(BASE_URL, isolation_level="AUTOCOMMIT")
    suffix = uuid.uuid4().hex[:10]
    names = [f"accord_bench_{suffix}", f"accord_bench_keys_{suffix}"]
    try:
        case_url = _database(admin, names[0])
        keys_url = _database(admin, names[1])
        migrate.upgrade(case_url)
        run(case_url, keys_url, args.referrals, args.runs)
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(case_url: str, keys_url: str, count: int, runs: int) -> None:
    settings = Settings(
        environment="development",
        database_url=case_url,
        keystore_url=keys_url,
        registers_dir=ROOT / "registers",
    )
    registry = Registry({"lvws": load_file(ROOT / "registers" / "lvws.yaml")})
    keystore = Keystore(keys_url)
    crypto = Crypto(
        keyring=LocalKeyring(settings.master_key_bytes()),
        keystore=keystore,
        indexer=BlindIndexer(settings.index_key.get_secret_value().encode()),
    )
    with use_registry(registry), use_crypto(crypto):
        app = create_app(settings)
        with make_session_factory(app.state.engine)() as session:
            issued = create_token(
                session,
                name="bench",
                organisation="metropolitan-police",
                register="lvws",
                role="police-referrer",
            )
            session.commit()
        headers = {"Authorization": f"Bearer {issued.secret}"}
        bare_engine = make_engine(case_url)
        bare.create(bare_engine)
        seeds = iter(range(1, 1000))
        rows = bare_rows(bodies(count, 0))

        def bare_path() -> None:
            with bare_engine.connect() as connection:
                for row in rows:
                    connection.execute(bare.insert(), {"id": uuid.uuid4(), **row})
                    connection.commit()

        with TestClient(app) as client:

            def api_path() -> None:
                for body in bodies(count, next(seeds)):
                    response = client.post("/api/referrals", json=body, headers=headers)
                    if response.status_code != 201:
                        raise RuntimeError(f"intake failed: {response.status_code} {response.text}")

            police = file_actor("lvws", "metropolitan-police")
            factory = make_session_factory(app.state.engine)

            def service_path() -> None:
                # The same intake without HTTP: shows what the web layer adds.
                for body in bodies(count, next(seeds)):
                    data = PoliceReferralIn.model_validate(body)
                    with factory() as session:
                        intake.receive(
                            session, actor=police, intake=intake.from_police(data, actor=police)
                        )
                        session.commit()

            # Interleaved, one run of each in turn, so a change in machine load hits all.
            api_path()
            service_path()
            bare_path()
            api_runs, service_runs, bare_runs = [], [], []
            for _ in range(runs):
                api_runs.append(repeat(api_path, runs=1, warmup=0).runs[0])
                service_runs.append(repeat(service_path, runs=1, warmup=0).runs[0])
                bare_runs.append(repeat(bare_path, runs=1, warmup=0).runs[0])
            api, service, plain = Timing(api_runs), Timing(service_runs), Timing(bare_runs)
        bare_engine.dispose()
        app.state.engine.dispose()
        keystore.dispose()
    ratios = sorted(b / a for a, b in zip(api_runs, bare_runs, strict=True))
    api_rate, bare_rate = api.rate(count), plain.rate(count)
    print(f"machine: {machine()}")
    print(f"{count} referrals per run, {runs} runs after one warm-up (medians)")
    print(
        f"full path (POST /api/referrals, token, gate, encryption, audit): {api_rate:,.1f} referrals/s"
    )
    print(
        f"service path (intake.receive + commit, no HTTP): {service.rate(count):,.1f} referrals/s"
    )
    print(
        f"bare path (one INSERT + commit per row, same driver):            {bare_rate:,.1f} rows/s"
    )
    print(
        f"ratio full/bare of the medians: {api_rate / bare_rate:.3f} (1/{bare_rate / api_rate:.1f})"
    )
    print(f"median of the per-pair ratios: {statistics.median(ratios):.3f}")
    print(
        f"| {count} | {api_rate:,.1f}/s | {service.rate(count):,.1f}/s | {bare_rate:,.1f}/s | 1/{bare_rate / api_rate:.1f} |"
    )


if __name__ == "__main__":
    main()
