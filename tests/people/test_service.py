"""Data subjects: sealing fields, blind-index lookup, restriction/objection flags, erasure."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.people import service
from accord.people.crypto import Crypto
from accord.people.errors import SealError, SubjectNotFound, SubjectShredded
from accord.people.models import Subject, SubjectIndex, SubjectState
from accord.people.sealing import open_bytes, seal_bytes

VALUES = {"name": "Zoë O'Brien", "dob": "1990-01-31", "phone": "07700 900123", "notes": ["a", 1]}


def _subject(session: Session, register: str = "lvws") -> Subject:
    return service.create_subject(session, register=register, organisation="victim-support")


def test_seal_round_trips_and_hides_the_plaintext(session: Session) -> None:
    subject = _subject(session)
    blob = service.seal(session, subject_id=subject.id, values=VALUES)
    assert b"Brien" not in blob
    assert b"07700" not in blob
    assert service.unseal(session, subject_id=subject.id, blob=blob) == VALUES
    # A fresh nonce each time: sealing the same values twice gives different blobs.
    assert service.seal(session, subject_id=subject.id, values=VALUES) != blob


def test_new_subject_is_active_and_unflagged(session: Session) -> None:
    subject = _subject(session)
    stored = session.get(Subject, subject.id)
    assert stored is not None
    assert (stored.state, stored.restricted, stored.objection_pending) == ("active", False, False)
    assert stored.register == "lvws"
    assert stored.erased_at is None


def test_unseal_with_another_subject_fails(session: Session) -> None:
    alice, bob = _subject(session), _subject(session)
    blob = service.seal(session, subject_id=alice.id, values=VALUES)
    with pytest.raises(SealError, match="another subject"):
        service.unseal(session, subject_id=bob.id, blob=blob)


def test_aad_binds_the_blob_to_its_subject_even_under_the_same_key() -> None:
    key = bytes(range(32))
    alice, bob = uuid.uuid4(), uuid.uuid4()
    blob = seal_bytes(key, alice, b"secret")
    assert open_bytes(key, alice, blob) == b"secret"
    with pytest.raises(SealError):
        open_bytes(key, bob, blob)


@pytest.mark.parametrize("position", [0, 5, 20, -1])
def test_tampered_blob_fails(session: Session, position: int) -> None:
    subject = _subject(session)
    blob = bytearray(service.seal(session, subject_id=subject.id, values=VALUES))
    blob[position] ^= 0x01
    with pytest.raises(SealError):
        service.unseal(session, subject_id=subject.id, blob=bytes(blob))


def test_truncated_blob_fails(session: Session) -> None:
    subject = _subject(session)
    blob = service.seal(session, subject_id=subject.id, values=VALUES)
    with pytest.raises(SealError, match="malformed"):
        service.unseal(session, subject_id=subject.id, blob=blob[:10])


def test_values_that_cannot_be_sealed_name_the_field(session: Session) -> None:
    subject = _subject(session)
    with pytest.raises(TypeError, match="values\\['seen'\\]"):
        service.seal(session, subject_id=subject.id, values={"seen": object()})


def test_unknown_subject_is_reported(session: Session) -> None:
    with pytest.raises(SubjectNotFound):
        service.seal(session, subject_id=uuid.uuid4(), values=VALUES)


def test_bad_register_id_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="register"):
        service.create_subject(session, register="", organisation="victim-support")


def test_unsealing_many_fields_unwraps_the_key_once(session: Session, crypto: Crypto) -> None:
    subject = _subject(session)
    blobs = [service.seal(session, subject_id=subject.id, values={"n": i}) for i in range(20)]
    crypto.cache.clear()
    calls = 0
    unwrap = crypto.keyring.unwrap

    def counting(*args: object, **kwargs: object) -> bytes:
        nonlocal calls
        calls += 1
        return unwrap(*args, **kwargs)  # type: ignore[arg-type]

    crypto.keyring.unwrap = counting  # type: ignore[method-assign]
    try:
        assert [service.unseal(session, subject_id=subject.id, blob=b)["n"] for b in blobs] == list(
            range(20)
        )
    finally:
        del crypto.keyring.unwrap  # type: ignore[attr-defined]
    assert calls == 1


def test_find_subjects_by_differently_written_identifiers(session: Session) -> None:
    alice, bob = _subject(session), _subject(session)
    other_register = _subject(session, register="cambs-hub")
    service.index_values(
        session,
        subject_id=alice.id,
        values={
            "name_dob": "Zoë O'Brien|31/01/1990",
            "phone": "07700 900123",
            "email": " Zoe@Example.org ",
            "crime_number": "ab/1234/22",
            "postcode": "sw1a 1aa",
        },
    )
    service.index_values(session, subject_id=bob.id, values={"phone": "07700 900999"})
    service.index_values(session, subject_id=other_register.id, values={"phone": "07700900123"})

    def find(kind: str, value: str) -> list[uuid.UUID]:
        return service.find_subjects(session, register="lvws", kind=kind, value=value)

    assert find("name_dob", "ZOE OBRIEN|1990-01-31") == [alice.id]
    assert find("phone", "+44 (0)7700-900123") == [alice.id]
    assert find("email", "zoe@example.org") == [alice.id]
    assert find("crime_number", "AB 1234 22") == [alice.id]
    assert find("postcode", "SW1A1AA") == [alice.id]
    assert find("phone", "07700 900000") == []
    assert find("name_dob", "Zoe O'Brien|1990-01-30") == []


def test_index_values_adds_or_replaces_and_validates_first(session: Session) -> None:
    subject = _subject(session)
    assert (
        service.index_values(session, subject_id=subject.id, values={"phone": "07700900123"}) == 1
    )
    assert (
        service.index_values(session, subject_id=subject.id, values={"phone": "07700 900123"}) == 0
    )
    with pytest.raises(ValueError, match="phone"):
        service.index_values(
            session, subject_id=subject.id, values={"email": "new@example.org", "phone": "12"}
        )
    with pytest.raises(ValueError, match="unknown index kind 'nhs'"):
        service.index_values(session, subject_id=subject.id, values={"nhs": "x"})
    assert _index_count(session, subject.id) == 1  # nothing half-written
    service.index_values(
        session, subject_id=subject.id, values={"phone": "07700 900999"}, replace=True
    )
    found = service.find_subjects(session, register="lvws", kind="phone", value="07700900999")
    assert found == [subject.id]
    assert service.find_subjects(session, register="lvws", kind="phone", value="07700900123") == []


def _index_count(session: Session, subject_id: uuid.UUID) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(SubjectIndex)
            .where(SubjectIndex.subject_id == subject_id)
        )
        or 0
    )


def test_erase_destroys_the_key_and_cascades(session: Session, crypto: Crypto) -> None:
    subject, other = _subject(session), _subject(session)
    blob = service.seal(session, subject_id=subject.id, values=VALUES)
    other_blob = service.seal(session, subject_id=other.id, values=VALUES)
    service.index_values(session, subject_id=subject.id, values={"email": "a@example.org"})
    service.erase_subject(session, subject_id=subject.id)
    session.expire_all()
    assert session.get(Subject, subject.id) is None
    assert _index_count(session, subject.id) == 0
    assert crypto.keystore.get(subject.id) is None
    with pytest.raises(SubjectShredded):
        service.unseal(session, subject_id=subject.id, blob=blob)
    assert (
        service.find_subjects(session, register="lvws", kind="email", value="a@example.org") == []
    )
    assert service.unseal(session, subject_id=other.id, blob=other_blob) == VALUES
    with pytest.raises(SubjectNotFound):
        service.erase_subject(session, subject_id=subject.id)


@pytest.mark.parametrize("state", [SubjectState.erased, SubjectState.anonymised])
def test_shred_keeps_an_unreadable_tombstone(session: Session, state: SubjectState) -> None:
    subject = _subject(session)
    blob = service.seal(session, subject_id=subject.id, values=VALUES)
    service.index_values(session, subject_id=subject.id, values={"email": "a@example.org"})
    service.shred_subject(session, subject_id=subject.id, state=state)
    stored = session.get(Subject, subject.id)
    assert stored is not None
    assert stored.state == state.value
    assert stored.erased_at is not None
    assert _index_count(session, subject.id) == 0
    with pytest.raises(SubjectShredded):
        service.unseal(session, subject_id=subject.id, blob=blob)
    with pytest.raises(SubjectShredded):
        service.seal(session, subject_id=subject.id, values=VALUES)
    with pytest.raises(SubjectShredded):
        service.index_values(session, subject_id=subject.id, values={"email": "a@example.org"})


def test_restriction_and_objection_flags(session: Session) -> None:
    subject = _subject(session)
    service.set_restriction(session, subject_id=subject.id, restricted=True)
    service.set_objection(session, subject_id=subject.id, pending=True)
    session.expire_all()
    stored = session.get(Subject, subject.id)
    assert stored is not None
    assert stored.restricted
    assert stored.objection_pending
    service.set_restriction(session, subject_id=subject.id, restricted=False)
    service.set_objection(session, subject_id=subject.id, pending=False)
    session.expire_all()
    stored = session.get(Subject, subject.id)
    assert stored is not None
    assert not stored.restricted
    assert not stored.objection_pending
    with pytest.raises(SubjectNotFound):
        service.set_restriction(session, subject_id=uuid.uuid4(), restricted=True)


def test_unseal_many_reads_in_order_and_handles_erased_subjects(
    session: Session, crypto: Crypto
) -> None:
    subjects = [_subject(session) for _ in range(4)]
    items = [
        (s.id, service.seal(session, subject_id=s.id, values={"n": i, "f": f}))
        for i, s in enumerate(subjects)
        for f in range(2)
    ]
    crypto.cache.clear()
    assert [v and v["n"] for v in service.unseal_many(session, items=items)] == [
        0, 0, 1, 1, 2, 2, 3, 3
    ]  # fmt: skip
    service.erase_subject(session, subject_id=subjects[1].id)
    with pytest.raises(SubjectShredded):
        service.unseal_many(session, items=items)
    readable = service.unseal_many(session, items=items, skip_shredded=True)
    assert [v and v["n"] for v in readable] == [0, 0, None, None, 2, 2, 3, 3]
    tampered = [(subjects[0].id, items[2][1])]  # subject 1's blob presented as subject 0's
    with pytest.raises(SealError):
        service.unseal_many(session, items=tampered)
