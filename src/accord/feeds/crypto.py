"""Sealing partner identifiers: AES-256-GCM under a data key per partner dataset.

Why a key per dataset rather than per person: partner records arrive by the million and are
not yet people (linkage decides who is who), so a per-subject key would mean a million key
unwraps per ingest. A dataset key is wrapped under the master key and kept in the keystore
(accord.keys: the same keyring, keystore, rotation and erasure log as subjects' keys, never
the case database), each row is sealed with a fresh nonce and bound to
its record_id as associated data (a sealed blob moved onto another row fails to open), and
deleting a partner row deletes its sealed identifiers. Destroying a dataset's key shreds every
copy of that dataset's identifiers, backups included.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.feeds.models import FeedDataKey
from accord.keys.keyring import KEY_BYTES, NONCE_BYTES, WrappedKey
from accord.keys.keystore import Keystore
from accord.settings import Settings
from accord.store.faults import checkpoint

if TYPE_CHECKING:
    from accord.people.crypto import Crypto

_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_NAMESPACE = uuid.UUID("6f1d2a4e-3c57-4e0b-9a7c-5b8e1f0d2c31")


class SealError(Exception):
    """A sealed identifier row failed authentication (tampered or moved between rows)."""


def dataset_key_id(register: str, partner: str, dataset: str) -> uuid.UUID:
    """A stable id for the dataset, used as the wrapping's associated data."""
    return uuid.uuid5(_NAMESPACE, f"feeds|{register}|{partner}|{dataset}")


class DatasetCipher:
    """Seals and opens one dataset's identifier rows (JSON of field -> string)."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal_many(self, record_ids: Sequence[str], rows: Iterable[dict[str, Any]]) -> list[bytes]:
        return self.seal_json(record_ids, [_ENCODE(row).encode() for row in rows])

    def seal_json(self, record_ids: Sequence[str], plains: Iterable[bytes]) -> list[bytes]:
        """Seal rows already encoded as UTF-8 JSON objects (see accord.feeds.vector)."""
        encrypt, out = self._aead.encrypt, []
        # one random read for all the nonces (96 random bits each, never reused under a key
        # for fewer than 2^32 messages, as GCM requires)
        pool = os.urandom(NONCE_BYTES * len(record_ids))
        for i, (record_id, plain) in enumerate(zip(record_ids, plains, strict=True)):
            nonce = pool[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
            out.append(nonce + encrypt(nonce, plain, record_id.encode()))
        return out

    def open_many(self, record_ids: Sequence[str], blobs: Iterable[bytes]) -> list[dict[str, Any]]:
        return [json.loads(plain) for plain in self.open_json(record_ids, blobs)]

    def open_json(self, record_ids: Sequence[str], blobs: Iterable[bytes]) -> list[bytes]:
        """The rows' UTF-8 JSON, unparsed (bulk readers parse them column-wise)."""
        aead, out = self._aead, []
        for record_id, blob in zip(record_ids, blobs, strict=True):
            try:
                out.append(aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], record_id.encode()))
            except InvalidTag:
                raise SealError(
                    f"sealed identifiers of record {record_id} failed authentication"
                ) from None
        return out

    def seal_blob(self, label: str, data: bytes) -> bytes:
        """Seal one large value (a derived copy of the dataset), bound to `label`."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, data, label.encode())

    def open_blob(self, label: str, blob: bytes) -> bytes:
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], label.encode())
        except InvalidTag:
            raise SealError(f"sealed {label} failed authentication") from None

    def seal(self, record_id: str, row: dict[str, Any]) -> bytes:
        return self.seal_many([record_id], [row])[0]

    def open(self, record_id: str, blob: bytes) -> dict[str, Any]:
        return self.open_many([record_id], [blob])[0]


def _crypto() -> Crypto:
    # Imported here: people imports keys, feeds imports people only for its crypto objects.
    from accord.people.crypto import current_crypto

    return current_crypto()


def _legacy_row(session: Session, register: str, partner: str, dataset: str) -> FeedDataKey | None:
    return session.scalar(
        select(FeedDataKey).where(
            FeedDataKey.register == register,
            FeedDataKey.partner == partner,
            FeedDataKey.dataset == dataset,
        )
    )


def _move_row(session: Session, keystore: Keystore, row: FeedDataKey) -> WrappedKey | None:
    """Move one dataset key from the case database into the keystore (put first, delete
    after: a crash in between leaves two copies of one key, never none). A key the erasure
    log says was destroyed after it was made is not brought back, only deleted."""
    subject = dataset_key_id(row.register, row.partner, row.dataset)
    made = row.created_at
    erased = keystore.erasures.last_erased("dataset", subject) if keystore.erasures else None
    held: WrappedKey | None = None
    if erased is None or erased < made:
        held = keystore.put_if_absent(
            subject, WrappedKey(row.key_id, row.wrapped), kind="dataset", created_at=made
        )
    checkpoint("keys.move-dataset-keys.after-put")
    session.delete(row)
    session.flush()
    return held


def move_dataset_keys(session: Session, keystore: Keystore | None = None) -> int:
    """Move every dataset key still held in the case database into the keystore (keys made
    before the keystore held them); the caller commits. Returns how many moved."""
    keystore = keystore or _crypto().keystore
    rows = session.scalars(select(FeedDataKey).order_by(FeedDataKey.id)).all()
    return sum(_move_row(session, keystore, row) is not None for row in rows)


def destroy_dataset_key(session: Session, *, register: str, partner: str, dataset: str) -> bool:
    """Crypto-shred a partner dataset: its key goes from the keystore at once (logged first,
    committed whatever the caller's transaction does) and from the case database if it was
    still there. Every copy of the dataset's sealed identifiers, backups included, is then
    unreadable. True when there was a key."""
    keystore = _crypto().keystore
    subject = dataset_key_id(register, partner, dataset)
    had = keystore.destroy(subject, kind="dataset")
    row = _legacy_row(session, register, partner, dataset)
    if row is not None:
        session.delete(row)
        session.flush()
        had = True
    return had


def dataset_cipher(
    session: Session,
    *,
    register: str,
    partner: str,
    dataset: str,
    settings: Settings | None = None,
    create: bool = True,
) -> DatasetCipher | None:
    """The dataset's cipher, making and wrapping its key into the keystore on first use (None
    if absent and `create` is false). A key still in the case database moves to the keystore
    here. `settings` is accepted for callers' convenience; the keyring and keystore are the
    process's (accord.people.crypto.current_crypto)."""
    crypto = _crypto()
    subject = dataset_key_id(register, partner, dataset)
    wrapped = crypto.keystore.get(subject, kind="dataset")
    if wrapped is None:
        row = _legacy_row(session, register, partner, dataset)
        if row is not None:
            wrapped = _move_row(session, crypto.keystore, row)
    if wrapped is None:
        if not create:
            return None
        fresh = crypto.keyring.wrap(os.urandom(KEY_BYTES), subject_id=subject)
        wrapped = crypto.keystore.put_if_absent(subject, fresh, kind="dataset")
    return DatasetCipher(crypto.keyring.unwrap(wrapped, subject_id=subject))
