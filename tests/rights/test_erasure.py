"""Erasure decided record by record: kept under a ground the register gives, erased by
deletion and crypto-shredding, recipients told, and an erasure that survives a restore."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.models import Case, Complaint
from accord.errors import Gone, Invalid
from accord.gate.history import TOMBSTONE, erased_owner
from accord.gate.models import AuditEntry
from accord.keys.erasures import ErasureLog
from accord.people import service as people
from accord.people.crypto import current_crypto
from accord.people.models import Subject
from accord.retention.holds import place_hold
from accord.rights import erasure, rectification
from accord.rights.applicable import Exemption
from accord.rights.decision_models import (
    ErasureDecision,
    ErasureItem,
    RecipientNotice,
    Rectification,
)
from accord.rights.decisions import open_text
from accord.rights.recipients import record_notice
from rights.decision_people import complaint_about, disclosed, dpo, lvws, referred

__all__ = ["lvws"]

pytestmark = pytest.mark.usefixtures("lvws")


def test_the_plan_offers_the_grounds_the_register_gives_each_record(session: Session) -> None:
    person = referred(session)
    complaint_id = complaint_about(session, person)
    plans = {
        p.record.record_id: p
        for p in erasure.plan(session, actor=dpo(), subject_id=person.subject_id)
    }
    assert set(plans) == {person.case_id, complaint_id}
    assert Exemption.PUBLIC_TASK in plans[person.case_id].exemptions
    assert plans[complaint_id].exemptions == {}


def test_erasing_everything_shreds_the_person_and_leaves_ids_only(session: Session) -> None:
    person = referred(session)
    disclosed(session, person, "catch22", ["name", "contact-details"])
    result = erasure.erase(session, actor=dpo(), subject_id=person.subject_id)
    assert result.decision.outcome == "erased"
    assert session.get(Subject, person.subject_id) is None
    assert session.get(Case, person.case_id) is None
    assert current_crypto().keystore.get(person.subject_id) is None
    # the tombstone scopes the person's history to their organisation after the erasure
    assert erased_owner(session, person.subject_id) == ("victim-support", "lvws")
    tombstones = session.scalars(
        select(AuditEntry.id).where(AuditEntry.record_type == TOMBSTONE)
    ).all()
    assert tombstones
    # the decision and the recipient to tell outlive the person
    decision = session.get(ErasureDecision, result.decision.id)
    assert decision is not None
    assert decision.subject_id == person.subject_id
    notices = session.scalars(
        select(RecipientNotice).where(RecipientNotice.decision_id == decision.id)
    ).all()
    assert [(n.recipient, n.fields, n.state) for n in notices] == [
        ("catch22", ["contact-details", "name"], "pending")
    ]
    # the rights team records telling the recipient after the person is gone
    told = record_notice(session, actor=dpo(), notice_id=notices[0].id, state="notified")
    assert told.state == "notified"
    with pytest.raises(Gone):
        erasure.erase(session, actor=dpo(), subject_id=person.subject_id)


def test_a_partial_erasure_keeps_the_case_under_the_public_task_and_records_why(
    session: Session,
) -> None:
    person = referred(session)
    complaint_id = complaint_about(session, person)
    rectification.rectify(
        session,
        actor=dpo(),
        record_id=complaint_id,
        corrections={"name": "Amelia Hughes-Patel"},
        reason="Married name.",
    )
    assert rectification.history(session, actor=dpo(), record_id=complaint_id)
    result = erasure.erase(
        session,
        actor=dpo(),
        subject_id=person.subject_id,
        keep=[
            erasure.Keep(
                person.case_id, "public-task", "Support is ongoing under the Victims' Code."
            )
        ],
    )
    # the erased complaint's corrections (its old values) go with it
    assert not session.scalars(
        select(Rectification).where(Rectification.record_id == complaint_id)
    ).all()
    assert result.decision.outcome == "partial"
    assert result.erased == (complaint_id,)
    assert result.kept == (person.case_id,)
    assert session.get(Complaint, complaint_id) is None
    assert session.get(Case, person.case_id) is not None
    assert session.get(Subject, person.subject_id) is not None  # the kept case needs the key
    items = {
        i.record_id: i
        for i in session.scalars(
            select(ErasureItem).where(ErasureItem.erasure_id == result.decision.id)
        )
    }
    kept = items[person.case_id]
    assert (kept.outcome, kept.exemption) == ("kept", "public-task")
    assert open_text(session, person.subject_id, kept.reason) == (
        "Support is ongoing under the Victims' Code."
    )
    assert items[complaint_id].outcome == "erased"
    assert items[complaint_id].reason is None


def test_a_ground_the_register_does_not_give_is_refused_naming_the_record(
    session: Session,
) -> None:
    person = referred(session)
    complaint_id = complaint_about(session, person)
    with pytest.raises(Invalid) as refused:
        erasure.erase(
            session,
            actor=dpo(),
            subject_id=person.subject_id,
            keep=[erasure.Keep(complaint_id, "public-task", "We would rather keep it.")],
        )
    assert refused.value.field == "keep.0.exemption"
    with pytest.raises(Invalid) as unknown:
        erasure.erase(
            session,
            actor=dpo(),
            subject_id=person.subject_id,
            keep=[erasure.Keep(uuid.uuid4(), "public-task", "x")],
        )
    assert unknown.value.field == "keep.0.record_id"
    with pytest.raises(Invalid) as reasonless:
        erasure.erase(
            session,
            actor=dpo(),
            subject_id=person.subject_id,
            keep=[erasure.Keep(person.case_id, "public-task", "  ")],
        )
    assert reasonless.value.field == "keep.0.reason"
    # nothing was written
    assert session.get(Complaint, complaint_id) is not None
    assert not session.scalars(
        select(ErasureDecision).where(ErasureDecision.subject_id == person.subject_id)
    ).all()


def test_records_erased_on_their_own_are_erased_again_after_a_restore(
    session: Session, tmp_path: object
) -> None:
    log = ErasureLog(f"sqlite:///{tmp_path}/erasures.db")
    keystore = current_crypto().keystore
    previous, keystore.erasures = keystore.erasures, log
    try:
        person = referred(session)
        complaint_id = complaint_about(session, person)
        row = session.get(Complaint, complaint_id)
        assert row is not None
        copy = {c.name: getattr(row, c.name) for c in Complaint.__table__.columns}
        erasure.erase(
            session,
            actor=dpo(),
            subject_id=person.subject_id,
            keep=[erasure.Keep(person.case_id, "public-task", "Support is ongoing.")],
        )
        assert [e.key_uuid for e in log.entries() if e.kind == "record"] == [complaint_id]
        # an older backup brings the complaint back...
        session.add(Complaint(**copy))
        session.flush()
        assert erasure.replay_record_erasures(session, log) == 1
        assert session.get(Complaint, complaint_id) is None
        assert session.get(Case, person.case_id) is not None
        assert erasure.replay_record_erasures(session, log) == 0
    finally:
        keystore.erasures = previous
        log.dispose()


def test_the_partial_erasure_tells_only_recipients_of_erased_records(session: Session) -> None:
    person = referred(session)
    complaint_id = complaint_about(session, person)
    disclosed(session, person, "catch22", ["name"])  # from the kept case
    result = erasure.erase(
        session,
        actor=dpo(),
        subject_id=person.subject_id,
        keep=[erasure.Keep(person.case_id, "public-task", "Support is ongoing.")],
    )
    assert result.notices == 0
    assert complaint_id in result.erased
    assert people.get_subject(session, person.subject_id).is_active


def test_a_record_under_a_legal_hold_is_kept_whatever_the_request(session: Session) -> None:
    person = referred(session)
    complaint_id = complaint_about(session, person)
    place_hold(
        session,
        actor=dpo(),
        register="lvws",
        scope="record",
        kind="litigation",
        reason="The complaint is the subject of a claim in the county court.",
        record_id=complaint_id,
    )
    plans = {
        p.record.record_id: p
        for p in erasure.plan(session, actor=dpo(), subject_id=person.subject_id)
    }
    assert plans[complaint_id].hold == "litigation"
    assert plans[complaint_id].exemptions == {Exemption.LEGAL_CLAIMS: ("legal-hold",)}
    assert plans[person.case_id].hold is None
    result = erasure.erase(session, actor=dpo(), subject_id=person.subject_id)
    assert result.decision.outcome == "partial"
    assert result.kept == (complaint_id,)
    assert result.erased == (person.case_id,)
    assert session.get(Complaint, complaint_id) is not None
    assert session.get(Case, person.case_id) is None
    item = session.scalar(select(ErasureItem).where(ErasureItem.record_id == complaint_id))
    assert item is not None
    assert item.exemption == "legal-claims"
    assert open_text(session, person.subject_id, item.reason) == (
        "Kept while a legal hold (litigation) stands on it."
    )
