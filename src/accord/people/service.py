"""Data subjects: create, seal and unseal their fields, index and find them, erase them.

These are primitives below the gate: domain services call the gate, then these. Data keys
are kept in the keystore (a separate database, see accord.keys.keystore), so the case
database alone never holds anything that decrypts a subject's fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from accord.keys.errors import KeysError
from accord.people.crypto import Crypto, current_crypto
from accord.people.errors import SealError, SubjectNotFound, SubjectShredded
from accord.people.models import INDEX_KINDS, Subject, SubjectIndex, SubjectState
from accord.people.sealing import decode_values, encode_values, open_bytes, seal_bytes
from accord.store.base import utcnow

__all__ = [
    "INDEX_KINDS",
    "SealError",
    "SubjectNotFound",
    "SubjectShredded",
    "create_subject",
    "erase_subject",
    "find_subjects",
    "get_subject",
    "index_values",
    "rekey_subject",
    "seal",
    "set_objection",
    "set_restriction",
    "shred_subject",
    "unseal",
    "unseal_many",
]


def _check_id(field: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise ValueError(f"{field}: expected a register id of 1 to 64 characters")


# Subjects this session created and has not indexed yet: only `index_values` writes indexes,
# so theirs need no lookup of existing ones.
_UNINDEXED = "accord.people.unindexed"


def get_subject(session: Session, subject_id: uuid.UUID) -> Subject:
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise SubjectNotFound(subject_id)
    return subject


def create_subject(session: Session, *, register: str, organisation: str) -> Subject:
    """A new data subject with a fresh 256-bit data key, wrapped into the keystore."""
    _check_id("register", register)
    _check_id("organisation", organisation)
    crypto = current_crypto()
    subject = Subject(
        id=uuid.uuid4(),
        register=register,
        organisation=organisation,
        state=SubjectState.active.value,
        restricted=False,
        objection_pending=False,
        created_at=utcnow(),
    )
    data_key = AESGCM.generate_key(bit_length=256)
    # Key first: if the case transaction then rolls back, an orphaned key is harmless.
    crypto.keystore.put(subject.id, crypto.keyring.wrap(data_key, subject_id=subject.id))
    session.add(subject)
    session.flush()
    crypto.cache.put(subject.id, data_key)
    session.info.setdefault(_UNINDEXED, set()).add(subject.id)
    return subject


def _data_key(
    session: Session, crypto: Crypto, subject_id: uuid.UUID, *, sealing: bool = False
) -> bytes:
    subject = session.get(Subject, subject_id)
    if subject is None:
        # A blob whose subject row and key are both gone belongs to an erased subject; there
        # is nothing to seal for a subject that does not exist.
        if not sealing and crypto.keystore.get(subject_id) is None:
            crypto.cache.drop(subject_id)
            raise SubjectShredded(subject_id)
        raise SubjectNotFound(subject_id)
    if not subject.is_active:
        crypto.cache.drop(subject_id)
        raise SubjectShredded(subject_id)
    cached = crypto.cache.get(subject_id)
    if cached is not None:
        return cached
    wrapped = crypto.keystore.get(subject_id)
    if wrapped is None:
        raise SubjectShredded(subject_id)
    try:
        data_key = crypto.keyring.unwrap(wrapped, subject_id=subject_id)
    except KeysError as exc:
        raise SealError(f"cannot unwrap the data key of subject {subject_id}: {exc}") from None
    crypto.cache.put(subject_id, data_key)
    return data_key


def seal(session: Session, *, subject_id: uuid.UUID, values: dict[str, Any]) -> bytes:
    """Encrypt `values` (JSON-serialisable fields) under the subject's data key."""
    plaintext = encode_values(values)
    crypto = current_crypto()
    return seal_bytes(_data_key(session, crypto, subject_id, sealing=True), subject_id, plaintext)


def unseal(session: Session, *, subject_id: uuid.UUID, blob: bytes) -> dict[str, Any]:
    """Decrypt a blob sealed for this subject. Raises SubjectShredded once their key is
    destroyed, SealError when the blob was tampered with or sealed for someone else."""
    crypto = current_crypto()
    return decode_values(_open(crypto, subject_id, _data_key(session, crypto, subject_id), blob))


def _open(crypto: Crypto, subject_id: uuid.UUID, key: bytes, blob: bytes) -> bytes:
    """Open a blob with the subject's key; where it does not open, with the key that may have
    replaced it: the keystore's (another process re-keyed the subject after this one cached
    the key), or a re-key's new key left waiting by a process that stopped between its
    commit and the swap, which is finished here (the blob opening with it proves the commit)."""
    try:
        return open_bytes(key, subject_id, blob)
    except SealError:
        crypto.cache.drop(subject_id)
        held = crypto.keystore.get(subject_id)
        if held is not None:
            stored = crypto.keyring.unwrap(held, subject_id=subject_id)
            if stored != key:
                plain = open_bytes(stored, subject_id, blob)
                crypto.cache.put(subject_id, stored)
                return plain
        waiting = crypto.keystore.get(staged_key_id(subject_id))
        if held is None or waiting is None:
            raise
        new = crypto.keyring.unwrap(waiting, subject_id=staged_key_id(subject_id))
        plain = open_bytes(new, subject_id, blob)
        crypto.keystore.replace(subject_id, held, crypto.keyring.wrap(new, subject_id=subject_id))
        crypto.keystore.forget(staged_key_id(subject_id))
        crypto.cache.put(subject_id, new)
        return plain


def unseal_many(
    session: Session,
    *,
    items: Sequence[tuple[uuid.UUID, bytes]],
    skip_shredded: bool = False,
) -> list[dict[str, Any] | None]:
    """`unseal` for many (subject id, blob) pairs, in order, with one query for the subjects'
    states and one keystore query for the keys not cached (for lists and bulk reads).

    With `skip_shredded`, an erased subject's entry is None instead of raising SubjectShredded.
    """
    crypto = current_crypto()
    wanted = list(dict.fromkeys(subject_id for subject_id, _ in items))
    states: dict[uuid.UUID, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        states.update(
            {
                sid: state
                for sid, state in session.execute(
                    select(Subject.id, Subject.state).where(Subject.id.in_(chunk))
                )
            }
        )
    keys: dict[uuid.UUID, bytes] = {}
    missing = []
    for subject_id in wanted:
        if states.get(subject_id) != SubjectState.active.value:
            crypto.cache.drop(subject_id)
            continue
        cached = crypto.cache.get(subject_id)
        if cached is None:
            missing.append(subject_id)
        else:
            keys[subject_id] = cached
    for subject_id, wrapped in crypto.keystore.get_many(missing).items():
        try:
            keys[subject_id] = crypto.keyring.unwrap(wrapped, subject_id=subject_id)
        except KeysError as exc:
            raise SealError(f"cannot unwrap the data key of subject {subject_id}: {exc}") from None
        crypto.cache.put(subject_id, keys[subject_id])
    out: list[dict[str, Any] | None] = []
    for subject_id, blob in items:
        key = keys.get(subject_id)
        if key is None:
            if subject_id not in states and crypto.keystore.get(subject_id) is not None:
                raise SubjectNotFound(subject_id)
            if not skip_shredded:
                raise SubjectShredded(subject_id)
            out.append(None)
            continue
        out.append(decode_values(_open(crypto, subject_id, key, blob)))
    return out


def _digests(
    crypto: Crypto, values: Mapping[str, str | Sequence[str] | None]
) -> list[tuple[str, bytes]]:
    digests: list[tuple[str, bytes]] = []
    for kind, given in values.items():
        if kind not in INDEX_KINDS:
            raise ValueError(
                f"unknown index kind {kind!r} (expected one of {', '.join(INDEX_KINDS)})"
            )
        if given is None:
            continue
        for value in [given] if isinstance(given, str) else list(given):
            digests.append((kind, crypto.indexer.digest(kind, value)))
    return digests


def index_values(
    session: Session,
    *,
    subject_id: uuid.UUID,
    values: Mapping[str, str | Sequence[str] | None],
    replace: bool = False,
) -> int:
    """Add keyed blind indexes for the subject's identifiers (None values are skipped).

    Every value is checked before anything is written. With `replace`, earlier indexes of the
    kinds given are removed first (e.g. a changed phone number). Returns how many were added.
    """
    crypto = current_crypto()
    digests = _digests(crypto, values)
    subject = get_subject(session, subject_id)
    if not subject.is_active:
        raise SubjectShredded(subject_id)
    if replace and values:
        session.execute(
            delete(SubjectIndex).where(
                SubjectIndex.subject_id == subject_id, SubjectIndex.kind.in_(list(values))
            )
        )
    unindexed: set[uuid.UUID] = session.info.get(_UNINDEXED, set())
    if subject_id in unindexed:
        unindexed.discard(subject_id)
        existing: set[tuple[str, bytes]] = set()
    else:
        existing = {
            (kind, digest)
            for kind, digest in session.execute(
                select(SubjectIndex.kind, SubjectIndex.digest).where(
                    SubjectIndex.subject_id == subject_id
                )
            )
        }
    added = 0
    for kind, digest in dict.fromkeys(digests):
        if (kind, digest) in existing:
            continue
        session.add(
            SubjectIndex(subject_id=subject_id, kind=kind, digest=digest, indexed_at=utcnow())
        )
        added += 1
    session.flush()
    return added


def find_subjects(session: Session, *, register: str, kind: str, value: str) -> list[uuid.UUID]:
    """Active subjects in `register` with an identifier equal to `value` once normalised."""
    if kind not in INDEX_KINDS:
        raise ValueError(f"unknown index kind {kind!r} (expected one of {', '.join(INDEX_KINDS)})")
    digest = current_crypto().indexer.digest(kind, value)
    rows = session.scalars(
        select(Subject.id)
        .join(SubjectIndex, SubjectIndex.subject_id == Subject.id)
        .where(
            SubjectIndex.kind == kind,
            SubjectIndex.digest == digest,
            Subject.register == register,
            Subject.state == SubjectState.active.value,
        )
        .distinct()
        .order_by(Subject.id)
    )
    return list(rows)


def shred_subject(
    session: Session, *, subject_id: uuid.UUID, state: SubjectState = SubjectState.erased
) -> Subject:
    """Destroy the subject's data key and blind indexes but keep their (empty) subject row,
    marked erased or anonymised, for records that keep unidentifying data."""
    if state is SubjectState.active:
        raise ValueError("state: shredding leaves a subject erased or anonymised")
    subject = get_subject(session, subject_id)
    crypto = current_crypto()
    crypto.keystore.destroy(subject_id)
    crypto.cache.drop(subject_id)
    session.execute(delete(SubjectIndex).where(SubjectIndex.subject_id == subject_id))
    subject.state = state.value
    subject.erased_at = utcnow()
    session.flush()
    return subject


# Where a new data key waits in the keystore between its blobs being resealed and the
# case transaction committing: found again from the subject id alone.
_STAGED = uuid.UUID("2a0c8f6e-7d1b-4b39-9e55-0f3c6a1d8b27")


def staged_key_id(subject_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_STAGED, str(subject_id))


Reseal = Callable[[bytes], bytes | None]


def rekey_subject(
    session: Session, *, subject_id: uuid.UUID, reseal_all: Callable[[Reseal], int]
) -> int:
    """Give an active subject a new data key, so that what was sealed under the old one (in
    a backup of the case database taken before, say) can no longer be opened.

    `reseal_all` is called with a function turning a blob sealed for this subject under the
    old key into the same fields sealed under the new one (None for a blob that is not
    theirs); it writes each back in this session's transaction and returns how many. The
    new key waits in the keystore under `staged_key_id` meanwhile. When the transaction
    commits, the new key replaces the old one in the keystore (the old one is gone for
    good); when it rolls back, the waiting key is dropped and the old one stays. Returns
    how many blobs were resealed."""
    crypto = current_crypto()
    old = _data_key(session, crypto, subject_id)
    old_wrapped = crypto.keystore.get(subject_id)
    if old_wrapped is None:
        raise SubjectShredded(subject_id)
    new = AESGCM.generate_key(bit_length=256)
    staged = staged_key_id(subject_id)
    crypto.keystore.forget(staged)
    crypto.keystore.put(staged, crypto.keyring.wrap(new, subject_id=staged))

    def convert(blob: bytes) -> bytes | None:
        try:
            plain = open_bytes(old, subject_id, blob)
        except SealError:
            return None
        return seal_bytes(new, subject_id, plain)

    count = reseal_all(convert)
    crypto.cache.put(subject_id, new)
    _on_outcome(session, crypto, subject_id, old_wrapped, new)
    return count


_PENDING = "accord.people.rekeys"  # re-keys waiting for the transaction's outcome


def _on_outcome(
    session: Session, crypto: Crypto, subject_id: uuid.UUID, old: Any, new: bytes
) -> None:
    """Finish the re-key when the transaction ends, with the crypto (keystore and key
    cache) it began with: the commit may run outside the request that began it."""
    if _PENDING not in session.info:
        session.info[_PENDING] = {}
        event.listen(session, "after_commit", _committed)
        event.listen(session, "after_soft_rollback", _rolled_back)
    pending: dict[uuid.UUID, tuple[Crypto, Any, bytes]] = session.info[_PENDING]
    first_old = pending[subject_id][1] if subject_id in pending else old
    pending[subject_id] = (crypto, first_old, new)


def _committed(session: Session) -> None:
    pending: dict[uuid.UUID, tuple[Crypto, Any, bytes]] = session.info.get(_PENDING, {})
    while pending:
        subject_id, (crypto, old, new) = pending.popitem()
        keystore, keyring = crypto.keystore, crypto.keyring
        wrapped = keyring.wrap(new, subject_id=subject_id)
        if not keystore.replace(subject_id, old, wrapped):
            # rewrapped meanwhile (a master key rotation): swap whatever holds the old key
            held = keystore.get(subject_id)
            if held is not None and keyring.unwrap(held, subject_id=subject_id) != new:
                keystore.replace(subject_id, held, wrapped)
        keystore.forget(staged_key_id(subject_id))
        crypto.cache.put(subject_id, new)


def _rolled_back(session: Session, previous: Any) -> None:
    if previous.parent is not None:
        return  # a savepoint inside the transaction, not the transaction
    pending: dict[uuid.UUID, tuple[Crypto, Any, bytes]] = session.info.get(_PENDING, {})
    while pending:
        subject_id, (crypto, _, _) = pending.popitem()
        crypto.cache.drop(subject_id)
        crypto.keystore.forget(staged_key_id(subject_id))


def erase_subject(session: Session, *, subject_id: uuid.UUID) -> None:
    """Destroy the data key, then delete the subject row: every row that references it goes
    with it (ON DELETE CASCADE). The key goes first and for good: if the case transaction
    then fails, the subject's fields are already unreadable (fail safe for erasure)."""
    crypto = current_crypto()
    subject = session.get(Subject, subject_id)
    had_key = crypto.keystore.destroy(subject_id)
    crypto.cache.drop(subject_id)
    if subject is None:
        if not had_key:
            raise SubjectNotFound(subject_id)
        return
    session.delete(subject)
    session.flush()


def set_restriction(session: Session, *, subject_id: uuid.UUID, restricted: bool) -> Subject:
    """Set or lift restriction of processing (the gate refuses all but storage while set)."""
    subject = get_subject(session, subject_id)
    subject.restricted = restricted
    session.flush()
    return subject


def set_objection(session: Session, *, subject_id: uuid.UUID, pending: bool) -> Subject:
    """Mark an objection received (pending) or decided (cleared)."""
    subject = get_subject(session, subject_id)
    subject.objection_pending = pending
    session.flush()
    return subject
