"""An access bundle for one person with 1,000 records, on SQLite (and PostgreSQL).

`.venv/bin/python -m bench.access_bundle [--records 1000] [--backend sqlite|postgresql|both]
[--runs 3]`

Builds a case database migrated to the current schema with one person known to LVWS as 50
data subjects (one per referral or contact, all sharing an email address) holding
`--records` records between them: cases with a sealed identity and a timeline entry each
(one in ten mentioning someone else's phone number), enquiries, complaints and consent
statements, every sealed value under its subject's own key. Discovery finds and a person
confirms them all (not timed). Then, per run, it times making the bundle (`bundle.produce`:
every record read through the gate and audited, other people found), and releasing it once
every proposal is decided and a second person approved it (`bundle.release`: made again and
checked against its digest, with the supplementary information and the access history),
written as JSON, CSV, HTML and PDF.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from accord.cases.models import Case, CaseEvent, Complaint
from accord.consent.models import ConsentEvent
from accord.enquiries.models import Enquiry
from accord.gate.types import Actor
from accord.keys.blind import BlindIndexer
from accord.keys.keyring import LocalKeyring
from accord.keys.keystore import Keystore
from accord.people import service as people
from accord.people.crypto import Crypto, use_crypto
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from accord.rights import bundle, bundle_render, discovery
from accord.store import migrate
from accord.store.engine import make_engine, make_session_factory
from bench.common import machine
from bench.referral_intake import BASE_URL, _database

ROOT = Path(__file__).resolve().parent.parent
REGISTER, OWNER = "lvws", "victim-support"
EMAIL = "amelia.hughes@example.org"
SUBJECTS = 50
FACTORS = {
    "confidentiality": "None owed",
    "consent_sought": "Not sought: not traceable",
    "capable_of_consent": True,
    "refused": False,
}


def _person(session: Session, n: int) -> uuid.UUID:
    subject = people.create_subject(session, register=REGISTER, organisation=OWNER)
    people.index_values(session, subject_id=subject.id, values={"email": EMAIL})
    return subject.id


def build(session: Session, records: int) -> None:
    now = datetime.now(UTC) - timedelta(days=30)
    subjects = [_person(session, n) for n in range(SUBJECTS)]
    identity = {
        "given_name": "Amelia", "family_name": "Hughes", "date_of_birth": "1986-04-12",
        "email": EMAIL, "phone": "07700 900123", "postcode": "SE5 0EG",
    }  # fmt: skip
    mix = {"case": 0.5, "enquiry": 0.2, "complaint": 0.15, "consent": 0.15}
    made = 0
    for kind, share in mix.items():
        count = int(records * share) if kind != "consent" else records - made
        for i in range(count):
            sid = subjects[(made + i) % SUBJECTS]
            at = now + timedelta(minutes=made + i)
            seal = lambda values, sid=sid: people.seal(session, subject_id=sid, values=values)  # noqa: E731
            if kind == "case":
                case = Case(
                    id=uuid.uuid4(), register=REGISTER, organisation=OWNER, record_type="case",
                    status="open", subject_id=sid, source="police-api", person_role="victim",
                    identity=seal(identity), consent_captured_by="PC 1", consent_captured_at=at,
                    consent_channel="in-person", received_at=at, crime_type="burglary",
                    source_organisation="metropolitan-police", police_reference=f"{i:07d}/26",
                )  # fmt: skip
                session.add(case)
                note = "Called her back; she is fine."
                if i % 10 == 0:
                    note = "Her neighbour rang from 07700 900999 to say she had moved."
                session.add(
                    CaseEvent(
                        id=uuid.uuid4(), case_id=case.id, subject_id=sid, kind="contact",
                        position=1, occurred_at=at, recorded_at=at, organisation=OWNER,
                        outcome="reached", channel="phone", detail=seal({"note": note}),
                    )
                )  # fmt: skip
            elif kind in ("enquiry", "complaint"):
                content = seal({"name": "Amelia Hughes", "email": EMAIL, "message": "Any news?"})
                common = dict(
                    id=uuid.uuid4(), register=REGISTER, organisation=OWNER, subject_id=sid,
                    status="open", content=content, received_at=at, last_contact_at=at,
                )  # fmt: skip
                if kind == "enquiry":
                    session.add(Enquiry(record_type="phone-enquiry", channel="phone", **common))
                else:
                    session.add(Complaint(record_type="complaint", channel="phone", **common))
            else:
                session.add(
                    ConsentEvent(
                        id=uuid.uuid4(), subject_id=sid, register=REGISTER, controller=OWNER,
                        purpose="updates", state="given", channel="phone", notice_digest="0" * 64,
                        captured_by_kind="system", captured_by_organisation=OWNER,
                        recorded_at=at,
                    )
                )  # fmt: skip
        made += count
        session.flush()
    session.commit()


def _dpo(registry: Registry) -> Actor:
    role = registry.get(REGISTER).role("dpo")
    return Actor(
        id=uuid.uuid4(), kind="user", organisation=OWNER, roles=frozenset({"dpo"}),
        permissions=frozenset(role.permissions), name="bench dpo",
    )  # fmt: skip


def measure(url: str, records: int, runs: int, keys_dir: Path) -> dict[str, list[float]]:
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
    maker, reviewer = _dpo(registry), _dpo(registry)
    times: dict[str, list[float]] = {
        f"{step} {clock}": []
        for step in ("produce", "release", "formats")
        for clock in ("wall", "cpu")
    }

    def timed(step: str, started: tuple[float, float]) -> None:
        times[f"{step} wall"].append(time.perf_counter() - started[0])
        times[f"{step} cpu"].append(time.process_time() - started[1])

    def now() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    with use_registry(registry), use_crypto(crypto):
        with factory() as session:
            build(session, records)
        with factory() as session:
            found = discovery.discover(
                session, actor=maker, register=REGISTER, identifiers={"email": EMAIL}
            )
            discovery.decide(
                session, actor=maker, search_id=found.id,
                confirmed=[c.id for c in found.candidates],
            )  # fmt: skip
            session.commit()
        held = len([c for c in found.candidates if c.kind in ("case", "enquiry", "complaint",
                                                                "consent")])  # fmt: skip
        assert held == records, (held, records)
        for _ in range(runs):
            with factory() as session:
                start = now()
                made = bundle.produce(session, actor=maker, search_id=found.id)
                session.commit()
                timed("produce", start)
                for item in made.withholdings:
                    bundle.decide_withholding(
                        session, actor=reviewer, bundle_id=made.id, withholding_id=item.id,
                        decision="withhold", reason="Someone else's phone number, withheld",
                        factors=FACTORS,
                    )  # fmt: skip
                bundle.approve(session, actor=reviewer, bundle_id=made.id)
                session.commit()
                start = now()
                document = bundle.release(session, actor=reviewer, bundle_id=made.id)
                session.commit()
                timed("release", start)
                start = now()
                sizes = {
                    fmt: len(bundle_render.render(document, fmt)) for fmt in bundle_render.WRITERS
                }
                timed("formats", start)
                assert len(document["Your records"]) == records
                assert "07700 900999" not in bundle_render.as_json(document).decode()
        print(f"  last bundle: {len(made.withholdings)} items withheld; sizes {sizes}", flush=True)
    engine.dispose()
    keystore.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, dict[str, list[float]]] = {}
    for backend in ("sqlite", "postgresql"):
        if args.backend not in (backend, "both"):
            continue
        print(f"{backend}: one person with {args.records:,} records", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            if backend == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'accord.db'}"
                results[backend] = measure(url, args.records, args.runs, Path(tmp))
                continue
            admin = make_engine(BASE_URL, isolation_level="AUTOCOMMIT")
            name = f"accord_bench_{uuid.uuid4().hex[:10]}"
            try:
                url = _database(admin, name)
                results[backend] = measure(url, args.records, args.runs, Path(tmp))
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    print(f"machine: {machine()}")
    print(
        f"one person, {args.records:,} records over {SUBJECTS} subjects; {args.runs} runs (medians)"
    )
    print("wall time (CPU time of this process) per step, medians:")
    print("| store | make (produce) | release | JSON+CSV+HTML+PDF | total |")
    print("|---|---|---|---|---|")
    for backend, times in results.items():
        med: dict[str, Any] = {k: statistics.median(v) for k, v in times.items()}
        cells = [
            f"{med[f'{step} wall']:.2f} s ({med[f'{step} cpu']:.2f} s)"
            for step in ("produce", "release", "formats")
        ]
        wall = sum(med[f"{step} wall"] for step in ("produce", "release", "formats"))
        cpu = sum(med[f"{step} cpu"] for step in ("produce", "release", "formats"))
        print(f"| {backend} | {' | '.join(cells)} | {wall:.2f} s ({cpu:.2f} s) |")


if __name__ == "__main__":
    main()
