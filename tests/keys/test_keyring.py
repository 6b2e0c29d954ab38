"""Master-key wrapping: round trip, binding to the subject, key ids, settings."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import pytest

from accord.keys.errors import InvalidMasterKey, UnknownMasterKey, UnwrapFailed
from accord.keys.keyring import (
    Keyring,
    LocalKeyring,
    WrappedKey,
    generate_master_key,
    master_key_id,
)
from accord.settings import Settings

OLD = bytes(range(32))
NEW = bytes(range(1, 33))
DATA_KEY = b"d" * 32


def test_wrap_round_trip_and_key_id() -> None:
    ring = LocalKeyring(OLD)
    assert isinstance(ring, Keyring)
    subject = uuid.uuid4()
    wrapped = ring.wrap(DATA_KEY, subject_id=subject)
    assert wrapped.key_id == master_key_id(OLD) == ring.current_key_id
    assert DATA_KEY not in wrapped.blob
    assert ring.unwrap(wrapped, subject_id=subject) == DATA_KEY
    assert master_key_id(OLD) != master_key_id(NEW)


def test_wrapped_key_is_bound_to_its_subject() -> None:
    ring = LocalKeyring(OLD)
    wrapped = ring.wrap(DATA_KEY, subject_id=uuid.uuid4())
    with pytest.raises(UnwrapFailed):
        ring.unwrap(wrapped, subject_id=uuid.uuid4())


def test_tampered_wrapped_key_fails() -> None:
    ring, subject = LocalKeyring(OLD), uuid.uuid4()
    wrapped = ring.wrap(DATA_KEY, subject_id=subject)
    broken = WrappedKey(wrapped.key_id, wrapped.blob[:-1] + bytes([wrapped.blob[-1] ^ 1]))
    with pytest.raises(UnwrapFailed):
        ring.unwrap(broken, subject_id=subject)


def test_previous_keys_unwrap_but_never_wrap() -> None:
    subject = uuid.uuid4()
    old_wrapped = LocalKeyring(OLD).wrap(DATA_KEY, subject_id=subject)
    ring = LocalKeyring(NEW, [OLD])
    assert ring.key_ids == {master_key_id(OLD), master_key_id(NEW)}
    assert ring.unwrap(old_wrapped, subject_id=subject) == DATA_KEY
    assert ring.wrap(DATA_KEY, subject_id=subject).key_id == master_key_id(NEW)
    with pytest.raises(UnknownMasterKey, match=master_key_id(OLD)):
        LocalKeyring(NEW).unwrap(old_wrapped, subject_id=subject)


def test_with_current_keeps_the_old_keys() -> None:
    ring = LocalKeyring(OLD).with_current(NEW)
    assert ring.current_key_id == master_key_id(NEW)
    assert master_key_id(OLD) in ring.key_ids


def test_keyring_from_settings_reads_current_and_previous_files(tmp_path: Path) -> None:
    current, previous = tmp_path / "current.key", tmp_path / "previous.key"
    current.write_text(base64.b64encode(NEW).decode() + "\n")
    previous.write_text(base64.b64encode(OLD).decode())
    settings = Settings(
        environment="test",
        master_key_file=current,
        master_key_previous_files=f"{previous}, ",
    )
    ring = LocalKeyring.from_settings(settings)
    assert ring.current_key_id == master_key_id(NEW)
    assert ring.key_ids == {master_key_id(OLD), master_key_id(NEW)}


def test_bad_master_key_files_are_named(tmp_path: Path) -> None:
    short, missing = tmp_path / "short.key", tmp_path / "missing.key"
    short.write_text(base64.b64encode(b"too short").decode())
    with pytest.raises(InvalidMasterKey, match=r"short\.key: must be base64 of exactly 32 bytes"):
        LocalKeyring.from_settings(Settings(environment="test", master_key_file=short))
    with pytest.raises(InvalidMasterKey, match=r"missing\.key: cannot read"):
        LocalKeyring.from_settings(
            Settings(environment="test", master_key_previous_files=str(missing))
        )


def test_generated_master_keys_are_random_32_bytes() -> None:
    first, second = generate_master_key(), generate_master_key()
    assert first != second
    assert len(base64.b64decode(first)) == 32
