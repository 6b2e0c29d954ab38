"""Master-key rotation: every data key rewrapped, records untouched, no downtime."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from accord.cli import app
from accord.keys.blind import BlindIndexer
from accord.keys.keyring import LocalKeyring, WrappedKey, master_key_id
from accord.keys.keystore import Keystore
from accord.keys.rotation import rotate
from accord.people import service
from accord.people.crypto import Crypto, use_crypto
from accord.people.errors import SealError
from accord.settings import get_settings

OLD = bytes(range(32))
NEW = bytes(range(100, 132))
INDEX = b"rotation-test-index-key"


@pytest.fixture
def keystore(tmp_path: Path) -> Iterator[Keystore]:
    store = Keystore(f"sqlite:///{tmp_path / 'keys.db'}")
    yield store
    store.dispose()


def _crypto(keystore: Keystore, keyring: LocalKeyring) -> Crypto:
    return Crypto(keyring=keyring, keystore=keystore, indexer=BlindIndexer(INDEX))


def _sealed_subjects(
    session: Session, keystore: Keystore, count: int
) -> list[tuple[uuid.UUID, bytes]]:
    with use_crypto(_crypto(keystore, LocalKeyring(OLD))):
        out = []
        for i in range(count):
            subject = service.create_subject(session, register="lvws", organisation="catch22")
            blob = service.seal(session, subject_id=subject.id, values={"name": f"person {i}"})
            out.append((subject.id, blob))
        return out


def _readable(
    session: Session,
    keystore: Keystore,
    keyring: LocalKeyring,
    sealed: list[tuple[uuid.UUID, bytes]],
) -> bool:
    # A fresh Crypto has a cold cache: every unseal unwraps through the keyring.
    with use_crypto(_crypto(keystore, keyring)):
        return all(
            service.unseal(session, subject_id=s, blob=b) == {"name": f"person {i}"}
            for i, (s, b) in enumerate(sealed)
        )


def test_rotation_rewraps_every_key_without_touching_records(
    session: Session, keystore: Keystore
) -> None:
    sealed = _sealed_subjects(session, keystore, 12)
    before = {s: keystore.get(s) for s, _ in sealed}
    report = rotate(keystore, LocalKeyring(OLD).with_current(NEW), batch_size=5)
    assert report.complete
    assert report.rewrapped == 12
    assert keystore.counts_by_master_key() == {master_key_id(NEW): 12}
    for subject_id, _ in sealed:
        after = keystore.get(subject_id)
        assert after is not None
        assert after.blob != before[subject_id].blob  # type: ignore[union-attr]
    # The same sealed blobs (not re-encrypted) open with the new key alone...
    assert _readable(session, keystore, LocalKeyring(NEW), sealed)
    # ...and the old key alone no longer opens anything.
    with pytest.raises(SealError, match="does not hold"):
        _readable(session, keystore, LocalKeyring(OLD), sealed)
    # Running it again has nothing to do.
    assert rotate(keystore, LocalKeyring(NEW)).rewrapped == 0


def test_everything_stays_readable_midway(session: Session, keystore: Keystore) -> None:
    sealed = _sealed_subjects(session, keystore, 10)
    both = LocalKeyring(NEW, [OLD])
    handled: list[int] = []

    def midway(count: int) -> None:
        handled.append(count)
        if len(handled) == 2:  # two batches of three done
            counts = keystore.counts_by_master_key()
            assert counts == {master_key_id(OLD): 4, master_key_id(NEW): 6}
            assert _readable(session, keystore, both, sealed)

    assert rotate(keystore, both, batch_size=3, progress=midway).rewrapped == 10
    assert handled == [3, 3, 3, 1]


def test_a_key_shredded_during_rotation_stays_shredded(
    session: Session, keystore: Keystore, monkeypatch: pytest.MonkeyPatch
) -> None:
    sealed = _sealed_subjects(session, keystore, 6)
    victim = sealed[0][0]
    swap = keystore.replace_many

    def shred_then_swap(
        swaps: list[tuple[uuid.UUID, WrappedKey, WrappedKey]], **kwargs: object
    ) -> list[bool]:
        keystore.destroy(victim)  # an erasure lands between reading and swapping
        return swap(swaps, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(keystore, "replace_many", shred_then_swap)
    report = rotate(keystore, LocalKeyring(OLD).with_current(NEW))
    assert (report.rewrapped, report.skipped) == (5, 1)
    assert keystore.get(victim) is None


def test_compare_and_swap_refuses_a_stale_key(keystore: Keystore) -> None:
    subject = uuid.uuid4()
    ring = LocalKeyring(OLD)
    first = ring.wrap(b"k" * 32, subject_id=subject)
    keystore.put(subject, first)
    second = ring.wrap(b"k" * 32, subject_id=subject)
    assert keystore.replace(subject, first, second)
    assert not keystore.replace(subject, first, WrappedKey("x", b"y"))
    assert keystore.get(subject) == second


def test_keys_under_an_unknown_master_key_are_reported(
    session: Session, keystore: Keystore
) -> None:
    _sealed_subjects(session, keystore, 2)
    stranger = bytes(range(200, 232))
    subject = uuid.uuid4()
    keystore.put(subject, LocalKeyring(stranger).wrap(b"k" * 32, subject_id=subject))
    report = rotate(keystore, LocalKeyring(OLD).with_current(NEW))
    assert report.rewrapped == 2
    assert report.unknown == {master_key_id(stranger): 1}
    assert not report.complete


def _key_file(path: Path, key: bytes) -> Path:
    path.write_text(base64.b64encode(key).decode() + "\n")
    return path


@pytest.fixture
def cli_env(tmp_path: Path, keystore: Keystore, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ACCORD_ENVIRONMENT", "test")
    monkeypatch.setenv("ACCORD_MASTER_KEY_FILE", str(_key_file(tmp_path / "old.key", OLD)))
    monkeypatch.setenv("ACCORD_KEYSTORE_URL", keystore.url)
    monkeypatch.setenv("ACCORD_DATABASE_URL", f"sqlite:///{tmp_path / 'no-case.db'}")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_cli_rotate_and_status(session: Session, keystore: Keystore, cli_env: Path) -> None:
    sealed = _sealed_subjects(session, keystore, 7)
    runner = CliRunner()
    status = runner.invoke(app, ["keys", "status"])
    assert status.exit_code == 0, status.output
    assert master_key_id(OLD) in status.output
    assert "current" in status.output

    new_file = _key_file(cli_env / "new.key", NEW)
    result = runner.invoke(app, ["keys", "rotate", "--new-key-file", str(new_file)])
    assert result.exit_code == 0, result.output
    assert f"rewrapped 7 data keys under {master_key_id(NEW)}" in result.output
    assert keystore.counts_by_master_key() == {master_key_id(NEW): 7}
    assert _readable(session, keystore, LocalKeyring(NEW), sealed)

    status = runner.invoke(app, ["keys", "status"])
    assert master_key_id(NEW) in status.output
    assert "no" in status.output  # the new key is not yet in this process's settings


def test_cli_rotate_rejects_a_bad_key_file(cli_env: Path) -> None:
    bad = cli_env / "bad.key"
    bad.write_text("not base64 at all!")
    result = CliRunner().invoke(app, ["keys", "rotate", "--new-key-file", str(bad)])
    assert result.exit_code == 2
    assert "bad.key: not valid base64" in result.output


def test_cli_generate_writes_a_private_key_file_once(cli_env: Path) -> None:
    out = cli_env / "fresh.key"
    runner = CliRunner()
    result = runner.invoke(app, ["keys", "generate", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o600
    assert len(base64.b64decode(out.read_text())) == 32
    again = runner.invoke(app, ["keys", "generate", "--out", str(out)])
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_cli_status_counts_dataset_keys_too_and_offers_json(
    session: Session, keystore: Keystore, cli_env: Path
) -> None:
    _sealed_subjects(session, keystore, 3)
    dataset = uuid.uuid4()
    keystore.put(dataset, LocalKeyring(OLD).wrap(b"d" * 32, subject_id=dataset), kind="dataset")
    result = CliRunner().invoke(app, ["keys", "status", "--json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert status["total"] == 4
    assert status["master_keys"] == [
        {
            "master_key_id": master_key_id(OLD),
            "held_by_keyring": "current",
            "subject": 3,
            "dataset": 1,
        }
    ]
    rotated = CliRunner().invoke(
        app, ["keys", "rotate", "--new-key-file", str(_key_file(cli_env / "n.key", NEW))]
    )
    assert "rewrapped 4 data keys" in rotated.output
    assert keystore.counts_by_kind()["dataset"] == {master_key_id(NEW): 1}
