"""Master keys that wrap every data subject's data key.

`Keyring` is the interface a KMS-backed implementation can provide later: wrap a data key
under the current master key, unwrap one under any master key it holds, each master key
named by a stable id. `LocalKeyring` holds the keys in memory, read from settings or files.

Wrapping is AES-256-GCM with a random 96-bit nonce; the associated data binds the wrapped key
to its subject and master key id, so a wrapped key copied onto another subject's row in the
keystore fails to unwrap.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from accord.keys.errors import InvalidMasterKey, UnknownMasterKey, UnwrapFailed
from accord.settings import Settings

KEY_BYTES = 32
NONCE_BYTES = 12
_WRAP_CONTEXT = b"accord/data-key/v1"


@dataclass(frozen=True)
class WrappedKey:
    """A data key encrypted under the master key `key_id` (safe to store; useless alone)."""

    key_id: str
    blob: bytes


@runtime_checkable
class Keyring(Protocol):
    @property
    def current_key_id(self) -> str:
        """The master key new data keys are wrapped under."""
        ...

    @property
    def key_ids(self) -> frozenset[str]:
        """Every master key this keyring can unwrap with."""
        ...

    def wrap(self, data_key: bytes, *, subject_id: uuid.UUID) -> WrappedKey: ...

    def unwrap(self, wrapped: WrappedKey, *, subject_id: uuid.UUID) -> bytes: ...


def master_key_id(key: bytes) -> str:
    """A stable, non-secret name for a master key (a keyed digest reveals nothing of the key)."""
    return "local-" + hmac.new(key, b"accord master key id", hashlib.sha256).hexdigest()[:16]


def generate_master_key() -> str:
    """A fresh master key, base64 as ACCORD_MASTER_KEY and key files hold it."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def parse_master_key(text: str, *, source: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidMasterKey(f"{source}: not valid base64") from None
    if len(key) != KEY_BYTES:
        raise InvalidMasterKey(f"{source}: must be base64 of exactly {KEY_BYTES} bytes")
    return key


def read_master_key_file(path: Path) -> bytes:
    try:
        text = path.read_text()
    except OSError as exc:
        raise InvalidMasterKey(f"{path}: cannot read master key file ({exc.strerror})") from None
    return parse_master_key(text, source=str(path))


def _aad(subject_id: uuid.UUID, key_id: str) -> bytes:
    return _WRAP_CONTEXT + b"|" + subject_id.bytes + b"|" + key_id.encode()


class LocalKeyring:
    """Master keys held in process memory: the current one plus any previous ones by id."""

    def __init__(self, current: bytes, previous: list[bytes] | None = None) -> None:
        if len(current) != KEY_BYTES:
            raise InvalidMasterKey(f"master key must be {KEY_BYTES} bytes")
        self._current_id = master_key_id(current)
        self._keys: dict[str, AESGCM] = {self._current_id: AESGCM(current)}
        for key in previous or []:
            if len(key) != KEY_BYTES:
                raise InvalidMasterKey(f"previous master key must be {KEY_BYTES} bytes")
            self._keys.setdefault(master_key_id(key), AESGCM(key))

    @classmethod
    def from_settings(cls, settings: Settings, *, extra: list[bytes] | None = None) -> LocalKeyring:
        """Current key from ACCORD_MASTER_KEY(_FILE); ACCORD_MASTER_KEY_PREVIOUS_FILES unwrap too."""
        if settings.master_key_file is not None:
            current = read_master_key_file(settings.master_key_file)
        elif settings.master_key is not None:
            current = parse_master_key(
                settings.master_key.get_secret_value(), source="ACCORD_MASTER_KEY"
            )
        else:
            raise InvalidMasterKey("set ACCORD_MASTER_KEY or ACCORD_MASTER_KEY_FILE")
        previous = [read_master_key_file(path) for path in settings.previous_master_key_paths()]
        return cls(current, previous + list(extra or []))

    def with_current(self, key: bytes) -> LocalKeyring:
        """A keyring that wraps under `key` and still unwraps under every key held here."""
        ring = LocalKeyring(key)
        for key_id, aead in self._keys.items():
            ring._keys.setdefault(key_id, aead)
        return ring

    @property
    def current_key_id(self) -> str:
        return self._current_id

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def wrap(self, data_key: bytes, *, subject_id: uuid.UUID) -> WrappedKey:
        nonce = os.urandom(NONCE_BYTES)
        aead = self._keys[self._current_id]
        blob = nonce + aead.encrypt(nonce, data_key, _aad(subject_id, self._current_id))
        return WrappedKey(self._current_id, blob)

    def unwrap(self, wrapped: WrappedKey, *, subject_id: uuid.UUID) -> bytes:
        aead = self._keys.get(wrapped.key_id)
        if aead is None:
            raise UnknownMasterKey(wrapped.key_id)
        nonce, body = wrapped.blob[:NONCE_BYTES], wrapped.blob[NONCE_BYTES:]
        try:
            return aead.decrypt(nonce, body, _aad(subject_id, wrapped.key_id))
        except InvalidTag:
            raise UnwrapFailed(
                f"data key for subject {subject_id} failed authentication under {wrapped.key_id!r}"
            ) from None
