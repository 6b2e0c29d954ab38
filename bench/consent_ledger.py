"""Consent ledger: recording statements, deriving the current state, excluding withdrawals
from an extract, and checking the opted-out list before contact.

`.venv/bin/python -m bench.consent_ledger`. A temporary SQLite database (migrated), SUBJECTS
subjects with three events each (given, then for a third of them withdrawn, then a repeat),
OPT_OUTS entries on the opted-out list; medians of RUNS runs.
"""

from __future__ import annotations

import random
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from accord.consent.extract import excluded_subjects
from accord.consent.ledger import current_state, record_consent
from accord.consent.models import ConsentEvent, OptOut
from accord.consent.optout import may_contact
from accord.gate.types import Actor
from accord.keys.blind import BlindIndexer
from accord.keys.keyring import LocalKeyring
from accord.keys.keystore import Keystore
from accord.people.crypto import Crypto, use_crypto
from accord.people.models import Subject
from accord.register.load import load_file
from accord.register.registry import Registry, use_registry
from accord.store import migrate
from accord.store.base import utcnow
from accord.store.engine import make_engine
from bench.common import machine, repeat

SUBJECTS = 20_000
OPT_OUTS = 20_000
LOOKUPS = 2_000
RECORDS = 500
RUNS = 5
ROOT = Path(__file__).resolve().parent.parent
SYSTEM = Actor(
    id=None, kind="system", organisation="mopac", roles=frozenset(), permissions=frozenset()
)


def _seed(session: Session, crypto: Crypto) -> list[uuid.UUID]:
    now = utcnow()
    ids = [uuid.uuid4() for _ in range(SUBJECTS)]
    session.execute(
        insert(Subject),
        [
            {
                "id": i,
                "register": "mopac",
                "organisation": "mopac",
                "state": "active",
                "restricted": False,
                "objection_pending": False,
                "created_at": now,
            }
            for i in ids
        ],
    )
    events = []
    for n, sid in enumerate(ids):
        states = ["given", "withdrawn" if n % 3 == 0 else "given", "given" if n % 9 == 0 else None]
        for step, state in enumerate(states):
            if state is None:
                continue
            events.append(
                {
                    "id": uuid.uuid4(),
                    "subject_id": sid,
                    "register": "mopac",
                    "controller": "mopac",
                    "purpose": "newsletter",
                    "state": state,
                    "channel": "web-form",
                    "notice_digest": "0" * 64,
                    "captured_by": None,
                    "captured_by_kind": "system",
                    "captured_by_organisation": "mopac",
                    "recorded_at": now - timedelta(days=30 - step),
                    "expires_at": None,
                }
            )
    session.execute(insert(ConsentEvent), events)
    session.execute(
        insert(OptOut),
        [
            {
                "id": uuid.uuid4(),
                "register": "mopac",
                "purpose": "newsletter",
                "kind": "email",
                "blind_index": crypto.indexer.digest("email", f"reader{n}@example.org").hex(),
                "channel": "unsubscribe-link",
                "recorded_at": now,
                "recorded_by_kind": "system",
            }
            for n in range(OPT_OUTS)
        ],
    )
    session.commit()
    return ids


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        migrate.upgrade(url)
        engine = make_engine(url)
        crypto = Crypto(
            keyring=LocalKeyring(b"accord-bench-master-key-32bytes!"),
            keystore=Keystore(f"sqlite:///{tmp}/keys.db"),
            indexer=BlindIndexer(b"accord-bench-index-key"),
        )
        register = load_file(ROOT / "registers" / "mopac.yaml")
        with (
            use_crypto(crypto),
            use_registry(Registry({"mopac": register})),
            Session(engine) as session,
        ):
            ids = _seed(session, crypto)
            sample = random.Random(1).sample(ids, LOOKUPS)

            def record() -> None:
                for sid in sample[:RECORDS]:
                    record_consent(
                        session,
                        actor=SYSTEM,
                        subject_id=sid,
                        register="mopac",
                        controller="mopac",
                        purpose="newsletter",
                        state="given",
                        channel="web-form",
                        notice_digest="1" * 64,
                    )
                session.rollback()

            def states() -> None:
                for sid in sample:
                    current_state(session, subject_id=sid, purpose="newsletter")

            def exclusions() -> None:
                excluded_subjects(session, purpose="newsletter")

            def checks() -> None:
                for n in range(LOOKUPS):
                    may_contact(
                        session,
                        register="mopac",
                        purpose="newsletter",
                        email=f"  Reader{n * 7}@Example.org",
                    )

            excluded = len(excluded_subjects(session, purpose="newsletter"))
            results = [
                (
                    "`record_consent` (checks, insert, audit entry)",
                    repeat(record, runs=RUNS),
                    RECORDS,
                ),
                ("`current_state` (latest event, expiry)", repeat(states, runs=RUNS), LOOKUPS),
                (
                    f"`excluded_subjects` over {SUBJECTS:,} people ({excluded:,} excluded)",
                    repeat(exclusions, runs=RUNS),
                    1,
                ),
                (
                    f"`may_contact` against {OPT_OUTS:,} opted-out addresses",
                    repeat(checks, runs=RUNS),
                    LOOKUPS,
                ),
            ]
        engine.dispose()
        crypto.keystore.dispose()
    print(machine())
    print(
        f"{SUBJECTS:,} subjects, {SUBJECTS * 2 + (SUBJECTS + 8) // 9:,} ledger events, medians of {RUNS}"
    )
    for name, timing, items in results:
        if items == 1:
            print(f"| {name} | {timing.median * 1000:.0f} ms per extract |")
        else:
            print(f"| {name} | {timing.rate(items):,.0f}/s |")


if __name__ == "__main__":
    main()
