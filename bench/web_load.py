"""Load on `accord serve` over HTTP against PostgreSQL: 1, 4, 16 and 32 concurrent clients.

`.venv/bin/python -m bench.web_load [--seconds S] [--runs R] [--workers W]`

Creates a case database and a keystore database of its own on the local PostgreSQL (dropped
at the end; skipped with a message when PostgreSQL does not answer), starts `accord serve`
on a free port, and drives it with concurrent keep-alive clients, each holding API tokens of
its own: a realistic mix of police referral POSTs (Metropolitan Police referrer token), case
reads by id and case lists (Victim Support DPO token). For each number of clients it records
throughput, p50/p95/p99 latency and errors (median of `--runs` runs). Afterwards it checks
the store: every 2xx referral has exactly one case, one subject and one allowed audit entry
for its creation; every 2xx read and list has exactly one allowed audit entry; nothing else
was written. The per-token rate limit is turned off for the server: this measures capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from accord.accounts.tokens import create_token
from accord.cases.models import Case
from accord.gate.models import AuditEntry
from accord.people.models import Subject
from accord.register.registry import Registry, use_registry
from accord.store import migrate
from accord.store.engine import make_engine
from accord.store.reachable import answers
from bench.common import machine

BASE_URL = os.environ.get("ACCORD_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parent.parent
LEVELS = (1, 4, 16, 32)
MIX = (("referral", 0.4), ("read", 0.4), ("list", 0.2))


@dataclass
class Outcomes:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    made: list[str] = field(default_factory=list)  # case ids of 2xx referrals
    reads: int = 0  # 2xx case reads
    lists: int = 0  # 2xx case lists
    elapsed: float = 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed


def referral(n: int) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "register": "lvws",
        "person": {
            "given_name": f"Bench{n % 997}",
            "family_name": f"Load{uuid.uuid4().hex[:8]}",
            "date_of_birth": f"19{50 + n % 50}-0{1 + n % 9}-1{n % 9}",
            "phone": f"07700 9{n % 100000:05d}",
            "email": f"load-{uuid.uuid4().hex[:12]}@example.org",
            "postcode": f"SW{1 + n % 19} {n % 10}{'ABDEFGHJLNPQRSTUWXYZ'[n % 20]}A",
        },
        "crime": {
            "crime_number": f"{2_000_000 + n % 7_000_000}/26",
            "crime_date": (now - timedelta(days=3)).date().isoformat(),
            "crime_type": "burglary",
        },
        "consent": {
            "given": True,
            "captured_by": "PC 1 Bench",
            "captured_at": (now - timedelta(hours=1)).isoformat(),
            "channel": "in-person",
        },
    }


async def client(
    base: str, police: str, reader: str, cases: list[str], until: float, out: Outcomes
) -> None:
    rng = random.Random()
    kinds, weights = zip(*MIX, strict=True)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while time.perf_counter() < until:
            kind = rng.choices(kinds, weights)[0]
            start = time.perf_counter()
            try:
                if kind == "referral":
                    body = referral(rng.randrange(1 << 30))
                    auth = {"authorization": f"Bearer {police}"}
                    response = await http.post("/api/referrals", json=body, headers=auth)
                elif kind == "read":
                    url = f"/api/cases/{rng.choice(cases)}"
                    response = await http.get(url, headers={"authorization": f"Bearer {reader}"})
                else:
                    response = await http.get(
                        "/api/cases?limit=20", headers={"authorization": f"Bearer {reader}"}
                    )
            except httpx.HTTPError as error:
                out.errors[f"{kind}: {type(error).__name__}"] += 1
                continue
            out.latencies.append(time.perf_counter() - start)
            if response.status_code >= 300:
                out.errors[f"{kind}: {response.status_code}"] += 1
            elif kind == "referral":
                out.made.append(response.json()["case_id"])
            elif kind == "read":
                out.reads += 1
            else:
                out.lists += 1


async def level(
    base: str, tokens: list[tuple[str, str]], cases: list[str], clients: int, seconds: float
) -> Outcomes:
    out = Outcomes()
    start = time.perf_counter()
    until = start + seconds
    await asyncio.gather(*(client(base, *tokens[i], cases, until, out) for i in range(clients)))
    out.elapsed = time.perf_counter() - start
    return out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(env: dict[str, str], workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    accord = Path(sys.executable).with_name("accord")  # the virtualenv's console script
    command = [str(accord), "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--log-file", str(log), "--no-access-log"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"accord serve exited with {server.returncode}; see {log}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit(f"accord serve did not answer within 180 s; see {log}")


def accounts(engine: Engine, registry: Registry, clients: int) -> list[tuple[str, str]]:
    """A police referrer token and a Victim Support DPO token for each client."""
    pairs = []
    with use_registry(registry), Session(engine) as session:
        for n in range(clients):
            police = create_token(
                session,
                name=f"bench police {n}",
                organisation="metropolitan-police",
                register="lvws",
                role="police-referrer",
                registry=registry,
            ).secret
            reader = create_token(
                session,
                name=f"bench reader {n}",
                organisation="victim-support",
                register="lvws",
                role="dpo",
                registry=registry,
            ).secret
            pairs.append((police, reader))
    return pairs


def entries(engine: Engine) -> Counter[tuple[str, str]]:
    """Allowed audit entries made by API tokens, by (acting organisation, action).

    The duplicate search inside an intake reads earlier referrals as the receiving service
    (a system actor), as many as match: that depends on the data, so it is left out."""
    with Session(engine) as session:
        rows = session.execute(
            select(AuditEntry.actor_organisation, AuditEntry.action, func.count())
            .where(AuditEntry.outcome == "allowed", AuditEntry.actor_kind == "token")
            .group_by(AuditEntry.actor_organisation, AuditEntry.action)
        ).all()
    return Counter({(org, action): n for org, action, n in rows})


def calibrate(base: str, tokens: tuple[str, str], engine: Engine) -> dict[str, Counter[Any]]:
    """The audit entries one request of each kind writes, measured alone before the load."""
    police, reader = tokens
    per_kind: dict[str, Counter[Any]] = {}
    with httpx.Client(base_url=base, timeout=30) as http:
        for kind in ("referral", "read", "list"):
            before = entries(engine)
            if kind == "referral":
                auth = {"authorization": f"Bearer {police}"}
                body = referral(random.randrange(1 << 30))  # matches no earlier referral
                made = http.post("/api/referrals", json=body, headers=auth)
                case = made.json()["case_id"]
            elif kind == "read":
                made = http.get(f"/api/cases/{case}", headers={"authorization": f"Bearer {reader}"})
            else:
                auth = {"authorization": f"Bearer {reader}"}
                made = http.get("/api/cases?limit=20", headers=auth)
            made.raise_for_status()
            per_kind[kind] = entries(engine) - before
    return per_kind


def check(
    engine: Engine,
    cases_before: int,
    entries_before: Counter[Any],
    per_kind: dict[str, Counter[Any]],
    results: list[Outcomes],
) -> list[str]:
    """Every 2xx has exactly its rows and audit entries, and nothing else was written."""
    made = [case for r in results for case in r.made]
    done = {
        "referral": len(made),
        "read": sum(r.reads for r in results),
        "list": sum(r.lists for r in results),
    }
    problems = []
    with Session(engine) as session:
        cases = session.scalar(select(func.count()).select_from(Case)) or 0
        subjects = session.scalar(select(func.count()).select_from(Subject)) or 0
    expected = cases_before + len(made)
    if len(set(made)) != len(made):
        problems.append("a case id was answered twice")
    if cases != expected or subjects != expected:
        problems.append(f"{cases} cases and {subjects} subjects for {expected} referrals")
    wanted = Counter(entries_before)
    for kind, count in done.items():
        for key, n in per_kind[kind].items():
            wanted[key] += n * count
    found = entries(engine)
    for key in sorted(set(wanted) | set(found)):
        if wanted[key] != found[key]:
            problems.append(
                f"{found[key]} allowed {key[1]} entries by {key[0]}, {wanted[key]} expected"
            )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per level and run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--preload", type=int, default=60, help="referrals made before timing")
    args = parser.parse_args()
    if not answers(BASE_URL):
        print(f"PostgreSQL is not answering at {BASE_URL}: skipping the web load benchmark")
        return 0
    admin = make_engine(BASE_URL, isolation_level="AUTOCOMMIT")
    suffix = uuid.uuid4().hex[:10]
    names = [f"accord_load_{suffix}", f"accord_load_keys_{suffix}"]
    server = None
    try:
        urls = []
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
                urls.append(make_url(BASE_URL).set(database=name).render_as_string(False))
        migrate.upgrade(urls[0])
        engine = make_engine(urls[0])
        registry = Registry.from_directory(ROOT / "registers")
        tokens = accounts(engine, registry, max(LEVELS))
        work = Path(tempfile.mkdtemp(prefix="accord-load-"))
        env = os.environ | {
            "ACCORD_ENVIRONMENT": "development",
            "ACCORD_DATABASE_URL": urls[0],
            "ACCORD_KEYSTORE_URL": urls[1],
            "ACCORD_REGISTERS_DIR": str(ROOT / "registers"),
            "ACCORD_ANALYTICS_PATH": str(work / "analytics.duckdb"),
            "ACCORD_TOKEN_LIMIT": "0",
        }
        server, base = serve(env, args.workers, work / "server.log")
        preloaded = preload(base, tokens[0][0], args.preload)
        per_kind = calibrate(base, tokens[0], engine)
        print(f"audit entries per request: {dict(per_kind)}")
        with Session(engine) as session:
            cases_before = session.scalar(select(func.count()).select_from(Case)) or 0
        entries_before = entries(engine)
        results: dict[int, list[Outcomes]] = {n: [] for n in LEVELS}
        for _ in range(args.runs):
            for clients in LEVELS:  # interleaved, so load changes on the host hit every level
                results[clients].append(
                    asyncio.run(level(base, tokens, preloaded, clients, args.seconds))
                )
        report(results, args)
        everything = [r for rs in results.values() for r in rs]
        problems = check(engine, cases_before, entries_before, per_kind, everything)
        engine.dispose()
        print(
            "store check: "
            + (
                "; ".join(problems)
                if problems
                else "every 2xx has exactly its rows and audit entries"
            )
        )
        errors = sum(sum(r.errors.values()) for rs in results.values() for r in rs)
        return 1 if problems or errors else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def preload(base: str, police: str, count: int) -> list[str]:
    made = []
    with httpx.Client(base_url=base, timeout=30) as http:
        for n in range(count):
            response = http.post(
                "/api/referrals", json=referral(n), headers={"authorization": f"Bearer {police}"}
            )
            response.raise_for_status()
            made.append(response.json()["case_id"])
    return made


def report(results: dict[int, list[Outcomes]], args: argparse.Namespace) -> None:
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    print(
        f"command: python -m bench.web_load --seconds {args.seconds:g} --runs {args.runs} "
        f"--workers {args.workers} (medians of {args.runs} runs)"
    )
    print("| clients | requests/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for clients, runs in results.items():
        med = statistics.median
        errors = Counter[str]()
        for r in runs:
            errors.update(r.errors)
        shown = ", ".join(f"{k} x{v}" for k, v in errors.items()) or "0"
        print(
            f"| {clients} | {med(r.rate for r in runs):.0f} | {med(r.percentile(0.5) for r in runs):.0f} "
            f"| {med(r.percentile(0.95) for r in runs):.0f} | {med(r.percentile(0.99) for r in runs):.0f} "
            f"| {shown} |"
        )


if __name__ == "__main__":
    sys.exit(main())
