"""Encryption at rest: seal/unseal per subject, blind indexes, subject creation, rotation.

Runs on temporary SQLite files (case database and keystore) so it measures the crypto and
keystore round trips a single process makes. `.venv/bin/python -m bench.crypto_seal`
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from accord.keys.blind import BlindIndexer
from accord.keys.keyring import LocalKeyring
from accord.keys.keystore import Keystore
from accord.keys.rotation import rotate
from accord.people import service
from accord.people.crypto import Crypto, use_crypto
from accord.people.models import Subject, SubjectIndex
from accord.people.sealing import encode_values, open_bytes, seal_bytes
from accord.store.base import Base
from accord.store.engine import make_engine
from bench.common import machine, repeat

SUBJECTS = 300
FIELDS_PER_RECORD = 3  # sealed blobs read per subject (e.g. case, contact, referral)
RECORD = {
    "name": "Zoë O'Brien",
    "date_of_birth": "1990-01-31",
    "phone": "07700 900123",
    "email": "zoe@example.org",
    "address": "1 Example Street, London SW1A 1AA",
}
INDEX_VALUES = {
    "name_dob": "Zoë O'Brien|31/01/1990",
    "email": "Zoe@Example.org",
    "phone": "+44 (0)7700-900123",
    "crime_number": "AB/1234/22",
    "postcode": "sw1a 1aa",
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = make_engine(f"sqlite:///{folder / 'case.db'}")
        Base.metadata.create_all(engine, tables=[Subject.__table__, SubjectIndex.__table__])  # type: ignore[list-item]
        keystore = Keystore(f"sqlite:///{folder / 'keys.db'}")
        old, new = bytes(range(32)), bytes(range(32, 64))
        crypto = Crypto(
            keyring=LocalKeyring(old),
            keystore=keystore,
            indexer=BlindIndexer(b"benchmark-index-key"),
        )
        with use_crypto(crypto), Session(engine) as db:
            ids: list[uuid.UUID] = []

            def create() -> None:
                ids.clear()
                for _ in range(SUBJECTS):
                    ids.append(
                        service.create_subject(db, register="lvws", organisation="catch22").id
                    )
                db.commit()

            creating = repeat(create, runs=3, warmup=0)
            blobs = {
                s: [service.seal(db, subject_id=s, values=RECORD)] * FIELDS_PER_RECORD for s in ids
            }

            def seal_all() -> None:
                for s in ids:
                    service.seal(db, subject_id=s, values=RECORD)

            def unseal_warm() -> None:
                for s in ids:
                    for blob in blobs[s]:
                        service.unseal(db, subject_id=s, blob=blob)

            def unseal_cold() -> None:
                crypto.cache.clear()
                unseal_warm()

            pairs = [(s, blob) for s in ids for blob in blobs[s]]

            def unseal_bulk_cold() -> None:
                crypto.cache.clear()
                service.unseal_many(db, items=pairs)

            bulk = repeat(unseal_bulk_cold)
            sealing = repeat(seal_all)
            warm = repeat(unseal_warm)
            cold = repeat(unseal_cold)

            digests = [(k, v) for k, v in INDEX_VALUES.items()] * 400

            def digest_all() -> None:
                for kind, value in digests:
                    crypto.indexer.digest(kind, value)

            indexing = repeat(digest_all)
            per_kind = {
                kind: repeat(
                    lambda k=kind, v=value: [crypto.indexer.digest(k, v) for _ in range(2000)]
                )  # type: ignore[misc]
                for kind, value in INDEX_VALUES.items()
            }
            key, subject = bytes(32), uuid.uuid4()
            plaintext = encode_values(RECORD)
            raw_blob = seal_bytes(key, subject, plaintext)
            raw = repeat(
                lambda: [
                    open_bytes(key, subject, seal_bytes(key, subject, plaintext))
                    for _ in range(2000)
                ]
            )
            assert open_bytes(key, subject, raw_blob) == plaintext

            def index_and_find() -> None:
                for s in ids[:100]:
                    service.index_values(db, subject_id=s, values=INDEX_VALUES, replace=True)
                for _ in range(100):
                    service.find_subjects(db, register="lvws", kind="phone", value="07700 900123")
                db.rollback()

            db_index = repeat(index_and_find, runs=3)

        total_keys = sum(keystore.counts_by_master_key().values())
        ring = LocalKeyring(old).with_current(new)
        back = LocalKeyring(new).with_current(old)
        flip = [ring, back]

        def rotate_all() -> None:
            rotate(keystore, flip[0])
            flip.reverse()

        rotating = repeat(rotate_all, runs=3, warmup=0)
        keystore.dispose()
        engine.dispose()

    reads = SUBJECTS * FIELDS_PER_RECORD
    print(f"machine: {machine()}")
    print(f"subjects: {SUBJECTS}, record of {len(RECORD)} fields, {FIELDS_PER_RECORD} blobs each")
    print(f"create_subject (key + keystore row + subject row): {creating.rate(SUBJECTS):,.0f}/s")
    print(f"AES-GCM seal+open alone (no database): {raw.rate(2000):,.0f} pairs/s")
    print(f"seal (cached key):                {sealing.rate(SUBJECTS):,.0f}/s")
    print(f"unseal, warm key cache:           {warm.rate(reads):,.0f}/s")
    print(f"unseal, cold cache (1 unwrap per subject, then cached): {cold.rate(reads):,.0f}/s")
    print(f"  cold/warm time ratio: {cold.median / warm.median:.2f}x")
    print(f"unseal_many, cold cache (2 queries, then AES-GCM): {bulk.rate(reads):,.0f}/s")
    print(f"  unseal_many vs unseal (cold): {cold.median / bulk.median:.1f}x faster")
    print(
        f"blind index digest (normalise + HMAC), mixed kinds: {indexing.rate(len(digests)):,.0f}/s"
    )
    for kind, timing in per_kind.items():
        print(f"  {kind}: {timing.rate(2000):,.0f}/s")
    print(
        f"index_values (5 kinds) x100 + find_subjects x100: {db_index.median * 1000:.0f} ms "
        f"({db_index.rate(200):,.0f} calls/s)"
    )
    print(f"rotation: rewrap {total_keys} data keys: {rotating.rate(total_keys):,.0f} keys/s")


if __name__ == "__main__":
    main()
