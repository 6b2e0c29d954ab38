"""A partial erasure re-keys the person: what is kept is sealed again under a new data key
and the old key is destroyed on commit, so a copy of the database taken before the erasure
no longer opens the erased records (nor anything else of theirs); a rollback keeps the old
key and drops the new one."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.models import Case, Complaint
from accord.people import service as people
from accord.people.crypto import current_crypto
from accord.people.errors import SealError
from accord.rights import erasure
from accord.rights.decision_models import ErasureItem
from accord.rights.decisions import open_text
from rights.decision_people import Person, complaint_about, dpo, lvws, referred

__all__ = ["lvws"]

pytestmark = pytest.mark.usefixtures("lvws")

KEEP = "Support is ongoing under the Victims' Code."


def _before(session: Session, person: Person, complaint_id: uuid.UUID) -> dict[str, bytes]:
    """The sealed columns as a backup taken before the erasure holds them."""
    case = session.get(Case, person.case_id)
    complaint = session.get(Complaint, complaint_id)
    assert case is not None
    assert complaint is not None
    return {"identity": bytes(case.identity), "complaint": bytes(complaint.content)}


def _key(subject_id: uuid.UUID) -> bytes:
    crypto = current_crypto()
    wrapped = crypto.keystore.get(subject_id)
    assert wrapped is not None
    return crypto.keyring.unwrap(wrapped, subject_id=subject_id)


def _opens(session: Session, subject_id: uuid.UUID, blob: bytes) -> bool:
    current_crypto().cache.drop(subject_id)
    try:
        people.unseal(session, subject_id=subject_id, blob=blob)
    except SealError:
        return False
    return True


def test_a_partial_erasure_leaves_a_copy_taken_before_unreadable(session: Session) -> None:
    person = referred(session)
    complaint_id = complaint_about(session, person)
    session.commit()
    copy = _before(session, person, complaint_id)
    identity = people.unseal(session, subject_id=person.subject_id, blob=copy["identity"])
    old_key = _key(person.subject_id)
    result = erasure.erase(
        session,
        actor=dpo(),
        subject_id=person.subject_id,
        keep=[erasure.Keep(person.case_id, "public-task", KEEP)],
    )
    session.commit()
    assert result.decision.outcome == "partial"
    new_key = _key(person.subject_id)
    assert new_key != old_key
    staged = people.staged_key_id(person.subject_id)
    assert current_crypto().keystore.get(staged) is None
    # the copy taken before: the erased complaint, and the old sealing of the kept case,
    # can no longer be opened
    assert not _opens(session, person.subject_id, copy["complaint"])
    assert not _opens(session, person.subject_id, copy["identity"])
    # what is kept reads as before, under the new key
    case = session.get(Case, person.case_id)
    assert case is not None
    assert people.unseal(session, subject_id=person.subject_id, blob=case.identity) == identity
    (kept,) = session.scalars(
        select(ErasureItem).where(
            ErasureItem.erasure_id == result.decision.id, ErasureItem.outcome == "kept"
        )
    ).all()
    assert kept.reason is not None
    assert open_text(session, person.subject_id, kept.reason) == KEEP


def test_a_rolled_back_erasure_keeps_the_old_key(session: Session) -> None:
    person = referred(session)
    complaint_id = complaint_about(session, person)
    session.commit()
    copy = _before(session, person, complaint_id)
    old_key = _key(person.subject_id)
    erasure.erase(
        session,
        actor=dpo(),
        subject_id=person.subject_id,
        keep=[erasure.Keep(person.case_id, "public-task", KEEP)],
    )
    session.rollback()
    assert _key(person.subject_id) == old_key
    assert current_crypto().keystore.get(people.staged_key_id(person.subject_id)) is None
    assert _opens(session, person.subject_id, copy["complaint"])
    assert session.get(Complaint, complaint_id) is not None


def test_identifiers_only_the_erased_records_held_no_longer_find_the_person(
    session: Session,
) -> None:
    person = referred(session)
    complaint_id = complaint_about(session, person)
    complaint = session.get(Complaint, complaint_id)
    assert complaint is not None
    # the complaint gave an email address the case does not hold, and it was indexed
    values = people.unseal(session, subject_id=person.subject_id, blob=complaint.content)
    values["email"] = "amelia.elsewhere@example.org"
    complaint.content = people.seal(session, subject_id=person.subject_id, values=values)
    people.index_values(
        session, subject_id=person.subject_id, values={"email": ["amelia.elsewhere@example.org"]}
    )
    session.commit()
    found = people.find_subjects(
        session, register="lvws", kind="email", value="amelia.elsewhere@example.org"
    )
    assert found == [person.subject_id]
    erasure.erase(
        session,
        actor=dpo(),
        subject_id=person.subject_id,
        keep=[erasure.Keep(person.case_id, "public-task", KEEP)],
    )
    session.commit()
    assert (
        people.find_subjects(
            session, register="lvws", kind="email", value="amelia.elsewhere@example.org"
        )
        == []
    )


def test_a_rekey_stopped_between_commit_and_swap_is_finished_by_the_next_read(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = referred(session)
    complaint_about(session, person)
    session.commit()
    case = session.get(Case, person.case_id)
    assert case is not None
    identity = people.unseal(session, subject_id=person.subject_id, blob=case.identity)
    old_key = _key(person.subject_id)
    # the process stops after the commit, before the new key replaces the old one
    monkeypatch.setattr(people, "_committed", lambda _session: None)
    erasure.erase(
        session,
        actor=dpo(),
        subject_id=person.subject_id,
        keep=[erasure.Keep(person.case_id, "public-task", KEEP)],
    )
    session.commit()
    staged = people.staged_key_id(person.subject_id)
    assert current_crypto().keystore.get(staged) is not None
    assert _key(person.subject_id) == old_key
    session.expire_all()
    case = session.get(Case, person.case_id)
    assert case is not None
    current_crypto().cache.drop(person.subject_id)
    # another process (empty cache) reads the kept case: it opens, and the swap is finished
    assert people.unseal(session, subject_id=person.subject_id, blob=case.identity) == identity
    assert current_crypto().keystore.get(staged) is None
    assert _key(person.subject_id) != old_key
    # a process still holding the old key in its cache reads it too
    current_crypto().cache.put(person.subject_id, old_key)
    assert people.unseal_many(session, items=[(person.subject_id, case.identity)]) == [identity]
