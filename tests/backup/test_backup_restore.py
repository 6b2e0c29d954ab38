"""`accord backup` and `accord restore`: each store to its own file, and crypto-shredding
survives a restore (erasures made after the keystore backup are replayed). Runs on SQLite
and, with ACCORD_TEST_DATABASE_URL, on PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import Column, Integer, LargeBinary, MetaData, Table, Uuid, insert, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from accord.backup.service import BackupError, backup_database, read_manifest
from accord.cli import app
from accord.keys.blind import BlindIndexer
from accord.keys.erasures import ErasureLog
from accord.keys.keyring import LocalKeyring
from accord.keys.keystore import Keystore
from accord.people import service
from accord.people.crypto import Crypto, use_crypto
from accord.people.errors import SubjectShredded
from accord.people.models import Subject
from accord.settings import get_settings
from accord.store import migrate
from accord.store.engine import make_engine
from support.holders import writer_elsewhere

# Run again on PostgreSQL by `make test-pg`: the stores these tests make follow the suite's database.
pytestmark = pytest.mark.store

MASTER = bytes(range(70, 102))
ALICE = {"name": "Alice Restoreson"}
BOB = {"name": "Bob Keeper"}

_side = MetaData()
NOTES = Table(  # stands in for any domain table holding sealed fields
    "backup_test_notes",
    _side,
    Column("id", Integer, primary_key=True),
    Column("subject_id", Uuid),
    Column("sealed", LargeBinary),
)


@dataclass
class Stores:
    case_url: str
    keystore_url: str
    log_url: str
    analytics: Path
    tmp: Path

    def crypto(self) -> Crypto:
        """What a server would build: the keystore with its erasure log, a cold cache."""
        return Crypto(
            keyring=LocalKeyring(MASTER),
            keystore=Keystore(self.keystore_url, erasures=ErasureLog(self.log_url)),
            indexer=BlindIndexer(b"backup-restore-index-key"),
        )


@pytest.fixture
def stores(
    tmp_path: Path, fresh_database: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Stores]:
    case_url, keystore_url = fresh_database("case"), fresh_database("keystore")
    migrate.upgrade(case_url)
    engine = make_engine(case_url)
    _side.create_all(engine)
    engine.dispose()
    out = Stores(
        case_url,
        keystore_url,
        f"sqlite:///{tmp_path / 'erasures.db'}",
        tmp_path / "a.duckdb",
        tmp_path,
    )
    for name, value in {
        "ACCORD_ENVIRONMENT": "test",
        "ACCORD_DATABASE_URL": case_url,
        "ACCORD_KEYSTORE_URL": keystore_url,
        "ACCORD_ERASURE_LOG_URL": out.log_url,
        "ACCORD_ANALYTICS_PATH": str(out.analytics),
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield out
    get_settings.cache_clear()


def _people(stores: Stores) -> dict[str, uuid.UUID]:
    crypto = stores.crypto()
    engine = make_engine(stores.case_url)
    ids = {}
    with use_crypto(crypto), Session(engine) as db, db.begin():
        for name, values in (("alice", ALICE), ("bob", BOB)):
            subject = service.create_subject(db, register="lvws", organisation="victim-support")
            sealed = service.seal(db, subject_id=subject.id, values=values)
            db.execute(insert(NOTES).values(subject_id=subject.id, sealed=sealed))
            ids[name] = subject.id
    engine.dispose()
    crypto.keystore.dispose()
    return ids


def _analytics(path: Path, value: int) -> None:
    connection = duckdb.connect(str(path))
    connection.execute("CREATE OR REPLACE TABLE feed__demo AS SELECT ? AS n", [value])
    connection.close()


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_backup_erase_restore_replays_the_erasure_and_the_person_stays_unreadable(
    stores: Stores,
) -> None:
    ids = _people(stores)
    _analytics(stores.analytics, 1)
    dirs = {name: stores.tmp / name for name in ("case", "keys", "analytics")}
    code, output = _invoke(
        "backup",
        "--case-dir", str(dirs["case"]),
        "--keystore-dir", str(dirs["keys"]),
        "--analytics-dir", str(dirs["analytics"]),
        "--json",
    )  # fmt: skip
    assert code == 0, output
    made = {m["store"]: Path(m["path"]) for m in json.loads(output)}
    # Each store in its own file, in its own directory: no keys beside the case data.
    assert {p.parent for p in made.values()} == set(dirs.values())
    assert made["keystore"].parent == dirs["keys"]
    assert [p.name for p in dirs["case"].iterdir() if "keystore" in p.name] == []

    # After the backups: Alice is erased, the analytical store changes.
    crypto = stores.crypto()
    engine = make_engine(stores.case_url)
    with use_crypto(crypto), Session(engine) as db, db.begin():
        service.erase_subject(db, subject_id=ids["alice"])
    engine.dispose()
    crypto.keystore.dispose()
    _analytics(stores.analytics, 2)

    # The restored keystore holds Alice's key again, until the erasure log is replayed.
    code, output = _invoke(
        "restore",
        "--case", str(made["case"]),
        "--keystore", str(made["keystore"]),
        "--analytics", str(made["analytics"]),
        "--yes",
        "--json",
    )  # fmt: skip
    assert code == 0, output
    summary = json.loads(output)
    assert {m["store"] for m in summary["restored"]} == {"case", "keystore", "analytics"}
    assert summary["keys_destroyed_again"] == 1

    crypto = stores.crypto()  # a cold cache, as after a restart
    engine = make_engine(stores.case_url)
    try:
        with use_crypto(crypto), Session(engine) as db:
            # The restored case database has Alice's row and ciphertext again...
            assert db.get(Subject, ids["alice"]) is not None
            blobs = dict(db.execute(select(NOTES.c.subject_id, NOTES.c.sealed)).all())
            # ...but she stays unreadable; Bob reads.
            with pytest.raises(SubjectShredded):
                service.unseal(db, subject_id=ids["alice"], blob=blobs[ids["alice"]])
            assert service.unseal(db, subject_id=ids["bob"], blob=blobs[ids["bob"]]) == BOB
    finally:
        engine.dispose()
        crypto.keystore.dispose()
    connection = duckdb.connect(str(stores.analytics), read_only=True)
    assert connection.execute("SELECT n FROM feed__demo").fetchall() == [(1,)]
    connection.close()


def test_a_key_made_after_its_erasure_is_not_destroyed_by_the_replay(stores: Stores) -> None:
    from accord.keys.erasures import replay

    crypto = stores.crypto()
    keystore, log = crypto.keystore, crypto.keystore.erasures
    assert log is not None
    again = uuid.uuid4()
    keystore.put(again, crypto.keyring.wrap(b"k" * 32, subject_id=again), kind="dataset")
    keystore.destroy(again, kind="dataset")  # a dataset erased...
    keystore.put(again, crypto.keyring.wrap(b"n" * 32, subject_id=again), kind="dataset")
    assert replay(log, keystore) == 0  # ...then loaded afresh: the new key stays
    assert keystore.get(again, kind="dataset") is not None
    keystore.dispose()


def test_the_keystore_backup_is_refused_beside_the_case_backup(stores: Stores) -> None:
    _people(stores)
    shared = stores.tmp / "together"
    code, output = _invoke("backup", "--case-dir", str(shared), "--keystore-dir", str(shared))
    assert code == 1
    assert "keystore backups must be kept apart" in output
    assert not shared.exists() or not any(shared.iterdir())


def test_restore_refuses_a_file_of_another_store_and_changes_nothing(stores: Stores) -> None:
    ids = _people(stores)
    code, output = _invoke("backup", "--case-dir", str(stores.tmp / "case"), "--json")
    assert code == 0, output
    case_file = Path(json.loads(output)[0]["path"])
    code, output = _invoke("restore", "--keystore", str(case_file), "--yes")
    assert code == 1
    assert "is a backup of the case store, not the keystore store" in output
    keystore = Keystore(stores.keystore_url)
    assert set(keystore.subject_ids()) == set(ids.values())
    keystore.dispose()


def test_restore_refuses_a_changed_backup_file(stores: Stores) -> None:
    _people(stores)
    code, output = _invoke("backup", "--keystore-dir", str(stores.tmp / "keys"), "--json")
    assert code == 0, output
    file = Path(json.loads(output)[0]["path"])
    with file.open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(BackupError, match="does not match its manifest"):
        read_manifest(file, "keystore")
    code, output = _invoke("restore", "--keystore", str(file), "--yes")
    assert code == 1


def test_restore_needs_confirmation(stores: Stores) -> None:
    code, output = _invoke("restore", "--case", str(stores.tmp / "x.sqlite"))
    assert code == 2
    assert "--yes" in output


def test_postgresql_without_pg_dump_on_path_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no client tools here
    with pytest.raises(BackupError, match="pg_dump is not on PATH"):
        backup_database("case", "postgresql+psycopg://u@127.0.0.1/db", tmp_path / "out")
    assert not any((tmp_path / "out").iterdir())


def test_backup_and_restore_answer_busy_while_another_writer_holds_the_analytical_store(
    stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    _analytics(stores.analytics, 1)
    code, output = _invoke("backup", "--analytics-dir", str(stores.tmp / "kept"), "--json")
    assert code == 0, output
    kept = Path(json.loads(output)[0]["path"])
    _analytics(stores.analytics, 2)
    monkeypatch.setenv("ACCORD_ANALYTICS_LOCK_WAIT_SECONDS", "0.2")
    get_settings.cache_clear()
    dirs = {name: stores.tmp / name for name in ("case", "analytics")}
    with writer_elsewhere(stores.analytics):
        code, output = _invoke(
            "backup", "--case-dir", str(dirs["case"]), "--analytics-dir", str(dirs["analytics"])
        )
        assert code == 3, output
        assert "busy" in output
        assert "nothing written" in output
        # no store's backup was started
        assert [d for d in dirs.values() if d.exists() and any(d.iterdir())] == []

        code, output = _invoke("restore", "--analytics", str(kept), "--yes")
        assert code == 3, output
        assert "busy" in output
    connection = duckdb.connect(str(stores.analytics), read_only=True)
    assert connection.execute("SELECT n FROM feed__demo").fetchall() == [(2,)]  # not replaced
    connection.close()


def test_restore_erases_again_the_records_a_partial_erasure_removed(stores: Stores) -> None:
    """A partial erasure deletes some of a person's records and keeps the person (and key):
    after restoring an older case-database backup those records must go again."""
    from accord.enquiries.models import Enquiry
    from accord.rights.erasure import RECORD_KIND
    from accord.store.base import utcnow

    ids = _people(stores)
    engine = make_engine(stores.case_url)
    crypto = stores.crypto()
    enquiries = {"erased": uuid.uuid4(), "kept": uuid.uuid4()}
    with use_crypto(crypto), Session(engine) as db, db.begin():
        for enquiry_id in enquiries.values():
            db.add(
                Enquiry(
                    id=enquiry_id,
                    register="lvws",
                    organisation="victim-support",
                    record_type="phone-enquiry",
                    channel="phone",
                    subject_id=ids["bob"],
                    content=service.seal(db, subject_id=ids["bob"], values={"message": "hi"}),
                    received_at=utcnow(),
                    last_contact_at=utcnow(),
                )
            )
    code, output = _invoke("backup", "--case-dir", str(stores.tmp / "case"), "--json")
    assert code == 0, output
    case_file = Path(json.loads(output)[0]["path"])

    # After the backup, one of Bob's enquiries is erased on its own, as a partial erasure
    # does it: the row deleted and its id in the erasure log.
    log = crypto.keystore.erasures
    assert log is not None
    with Session(engine) as db, db.begin():
        log.record(RECORD_KIND, enquiries["erased"])
        db.delete(db.get(Enquiry, enquiries["erased"]))
    crypto.keystore.dispose()
    engine.dispose()

    code, output = _invoke("restore", "--case", str(case_file), "--yes", "--json")
    assert code == 0, output
    assert json.loads(output)["records_erased_again"] == 1

    engine = make_engine(stores.case_url)
    try:
        with Session(engine) as db:
            assert db.get(Enquiry, enquiries["erased"]) is None
            assert db.get(Enquiry, enquiries["kept"]) is not None
            assert db.get(Subject, ids["bob"]) is not None
    finally:
        engine.dispose()
