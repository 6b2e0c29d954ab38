"""Crypto-shredding survives backups: a case-database copy taken before an erasure cannot be
read after it, because the data key lived only in the keystore, which the copy lacks."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, LargeBinary, MetaData, Table, Uuid, insert, select, text
from sqlalchemy.orm import Session

from accord.keys.blind import BlindIndexer
from accord.keys.keyring import LocalKeyring
from accord.keys.keystore import Keystore
from accord.people import service
from accord.people.crypto import Crypto, use_crypto
from accord.people.errors import SubjectShredded
from accord.people.models import Subject, SubjectIndex
from accord.store.base import Base
from accord.store.engine import make_engine

MASTER = bytes(range(50, 82))
ALICE = {"name": "Alice Backupson", "phone": "07700 900111"}
BOB = {"name": "Bob Survivor", "phone": "07700 900222"}

# Stands in for any domain table holding sealed fields.
_side = MetaData()
NOTES = Table(
    "case_notes_for_test",
    _side,
    Column("id", Integer, primary_key=True),
    Column("subject_id", Uuid),
    Column("sealed", LargeBinary),
)


def _fresh_crypto(keystore: Keystore) -> Crypto:
    """What a restore on another machine would have: the live keystore and keyring, cold cache."""
    return Crypto(
        keyring=LocalKeyring(MASTER), keystore=keystore, indexer=BlindIndexer(b"backup-test-index")
    )


@pytest.fixture
def keystore(tmp_path: Path) -> Iterator[Keystore]:
    store = Keystore(f"sqlite:///{tmp_path / 'keys.db'}")
    yield store
    store.dispose()


def test_sqlite_file_backup_is_unreadable_after_the_shred(
    tmp_path: Path, keystore: Keystore
) -> None:
    live_path, backup_path = tmp_path / "case.db", tmp_path / "case-backup.db"
    live = make_engine(f"sqlite:///{live_path}")
    Base.metadata.create_all(live, tables=[Subject.__table__, SubjectIndex.__table__])  # type: ignore[list-item]
    _side.create_all(live)
    crypto = _fresh_crypto(keystore)
    with use_crypto(crypto):
        with Session(live) as db, db.begin():
            alice = service.create_subject(db, register="lvws", organisation="victim-support").id
            bob = service.create_subject(db, register="lvws", organisation="victim-support").id
            for subject_id, values in ((alice, ALICE), (bob, BOB)):
                db.execute(
                    insert(NOTES).values(
                        subject_id=subject_id,
                        sealed=service.seal(db, subject_id=subject_id, values=values),
                    )
                )
        # The nightly backup: a byte-for-byte copy of the case database file.
        with live.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        shutil.copyfile(live_path, backup_path)
        assert b"Alice" not in backup_path.read_bytes()  # sealed, never plaintext

        with Session(live) as db, db.begin():
            service.erase_subject(db, subject_id=alice)

    backup = make_engine(f"sqlite:///{backup_path}")
    try:
        for current in (crypto, _fresh_crypto(keystore)):
            with use_crypto(current), Session(backup) as restored:
                # The restored copy still has Alice's row and her ciphertext...
                assert restored.get(Subject, alice) is not None
                blobs = dict(restored.execute(select(NOTES.c.subject_id, NOTES.c.sealed)).all())
                # ...but no key anywhere opens it, while Bob's data still reads.
                with pytest.raises(SubjectShredded):
                    service.unseal(restored, subject_id=alice, blob=blobs[alice])
                assert service.unseal(restored, subject_id=bob, blob=blobs[bob]) == BOB
    finally:
        backup.dispose()
        live.dispose()


def test_rows_copied_aside_before_the_shred_are_unreadable(session: Session) -> None:
    """The same on any engine (PostgreSQL included): copy the sealed rows to a side table,
    as a dump would, then erase and try to read the copy."""
    _side.create_all(session.connection())
    alice = service.create_subject(session, register="lvws", organisation="victim-support")
    bob = service.create_subject(session, register="lvws", organisation="victim-support")
    for subject, values in ((alice, ALICE), (bob, BOB)):
        sealed = service.seal(session, subject_id=subject.id, values=values)
        session.execute(insert(NOTES).values(subject_id=subject.id, sealed=sealed))
    copied: dict[uuid.UUID, bytes] = dict(
        session.execute(select(NOTES.c.subject_id, NOTES.c.sealed)).all()
    )

    service.erase_subject(session, subject_id=alice.id)

    with pytest.raises(SubjectShredded):
        service.unseal(session, subject_id=alice.id, blob=copied[alice.id])
    assert service.unseal(session, subject_id=bob.id, blob=copied[bob.id]) == BOB
