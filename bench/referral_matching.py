"""Referral intake when many earlier referrals share the new person's postcode.

`.venv/bin/python -m bench.referral_matching [--earlier 6000] [--referrals 100] [--runs 3]`

Creates a case database and a keystore on the local PostgreSQL (dropped at the end), then
measures intake (`intake.receive` + commit per referral, the service path of
bench.referral_intake) of new referrals at one postcode, first with no earlier referrals
there and then after `--earlier` referrals at that postcode have been loaded. Each setting
runs with the duplicate search bounded (a postcode brings at most
`matching.POSTCODE_CANDIDATES` people) and unbounded (every person at the postcode, as
before the bound), interleaved run by run; the medians are printed side by side.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import patch

from sqlalchemy import text

from accord.keys.blind import BlindIndexer
from accord.keys.keyring import LocalKeyring
from accord.keys.keystore import Keystore
from accord.people.crypto import Crypto, use_crypto
from accord.referrals import intake, matching
from accord.referrals.cli import file_actor
from accord.referrals.schemas import PoliceReferralIn
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from accord.settings import Settings
from accord.store import migrate
from accord.store.engine import make_engine, make_session_factory
from bench.common import Timing, machine, repeat
from bench.referral_intake import BASE_URL, _database, bodies

ROOT = Path(__file__).resolve().parent.parent
POSTCODE = "SE5 0EG"
SEED_BATCH = 250


def _at_postcode(count: int, seed: int) -> list[dict[str, Any]]:
    out = bodies(count, seed)
    for n, body in enumerate(out):
        body["person"]["postcode"] = POSTCODE
        # unique strong identifiers per seed, so only the postcode is shared
        body["person"]["phone"] = f"07{seed % 100:02d}{n:07d}"[:11]
        body["crime"]["crime_number"] = f"{(seed * 100_000 + n) % 10_000_000:07d}/25"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--earlier", type=int, default=6000)
    parser.add_argument("--referrals", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    admin = make_engine(BASE_URL, isolation_level="AUTOCOMMIT")
    suffix = uuid.uuid4().hex[:10]
    names = [f"accord_bench_{suffix}", f"accord_bench_keys_{suffix}"]
    try:
        case_url = _database(admin, names[0])
        keys_url = _database(admin, names[1])
        migrate.upgrade(case_url)
        run(case_url, keys_url, args.earlier, args.referrals, args.runs)
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(case_url: str, keys_url: str, earlier: int, count: int, runs: int) -> None:
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
    engine = make_engine(case_url)
    factory = make_session_factory(engine)
    police = file_actor("lvws", "metropolitan-police")
    seeds = iter(range(10, 100_000))
    bound = matching.POSTCODE_CANDIDATES

    def receive(items: list[dict[str, Any]], *, per_commit: int = 1) -> None:
        with factory() as session:
            for n, body in enumerate(items, start=1):
                data = PoliceReferralIn.model_validate(body)
                intake.receive(session, actor=police, intake=intake.from_police(data, actor=police))
                if n % per_commit == 0:
                    session.commit()
            session.commit()

    def intake_with(limit: int | None) -> Callable[[], None]:
        def path() -> None:
            matching.POSTCODE_CANDIDATES = limit
            try:
                receive(_at_postcode(count, next(seeds)))
            finally:
                matching.POSTCODE_CANDIDATES = bound

        return path

    results: dict[tuple[int, str], float] = {}
    with use_registry(registry), use_crypto(crypto):
        for setting in (0, earlier):
            if setting:
                # the earlier referrals are loaded in batches without the match search
                # (only the searches of the measured referrals count)
                with patch("accord.referrals.intake.propose_matches", return_value=[]):
                    done = 0
                    while done < setting:
                        size = min(SEED_BATCH, setting - done)
                        receive(_at_postcode(size, next(seeds)), per_commit=size)
                        done += size
            bounded, unbounded = intake_with(bound), intake_with(None)
            bounded()  # warm-up
            times: dict[str, list[float]] = {"bounded": [], "unbounded": []}
            for _ in range(runs):
                times["bounded"].append(repeat(bounded, runs=1, warmup=0).runs[0])
                times["unbounded"].append(repeat(unbounded, runs=1, warmup=0).runs[0])
            for label, values in times.items():
                results[(setting, label)] = Timing(values).rate(count)
    engine.dispose()
    keystore.dispose()
    print(f"machine: {machine()}")
    print(f"{count} new referrals per run at one postcode, {runs} runs after one warm-up (medians)")
    print("| earlier referrals at the postcode | bounded search | unbounded search |")
    print("|---|---|---|")
    for setting in (0, earlier):
        bounded_rate = results[(setting, "bounded")]
        unbounded_rate = results[(setting, "unbounded")]
        print(f"| {setting:,} | {bounded_rate:,.1f}/s | {unbounded_rate:,.1f}/s |")


if __name__ == "__main__":
    main()
