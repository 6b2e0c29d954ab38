"""authorize on the store: organisation, caseload, subject flags, consent, audit of every outcome."""

from __future__ import annotations

import uuid

import pytest
from gate_fixtures import COMMISSIONER, ORG_A, ORG_B, actor
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.gate import audit
from accord.gate.models import AuditEntry
from accord.gate.service import authorize
from accord.gate.types import AccessDenied, Action, Actor, ReasonCode, Target
from accord.people.models import Subject
from accord.register.registry import Registry

pytestmark = pytest.mark.usefixtures("registry")


def _subject(session: Session, **flags: object) -> uuid.UUID:
    subject = Subject(register="t", organisation=ORG_A, **flags)
    session.add(subject)
    session.flush()
    return subject.id


def _case(owner: str, worker: Actor | None, subject: uuid.UUID, **more: object) -> Target:
    return Target(
        register="t",
        record_type="case",
        owner_organisation=owner,
        record_id=uuid.uuid4(),
        subject_ids=(subject,),
        assigned_user=worker.id if worker else None,
        **more,  # type: ignore[arg-type]
    )


def _refused(
    session: Session, who: Actor, purpose: str, target: Target, action: Action = Action.READ
) -> ReasonCode:
    with pytest.raises(AccessDenied) as caught:
        authorize(session, actor=who, purpose=purpose, action=action, target=target)
    return caught.value.decision.reason


def _last(session: Session) -> AuditEntry:
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    return entry


def test_own_case_is_allowed_minimised_and_audited(session: Session) -> None:
    worker = actor()
    target = _case(ORG_A, worker, _subject(session))
    decision = authorize(
        session, actor=worker, purpose="support", action=Action.READ, target=target
    )
    assert decision.allowed
    assert decision.reason == ReasonCode.ALLOWED
    assert decision.categories == {"name", "contact", "needs", "offence", "age-band"}
    entry = _last(session)
    assert entry.id == decision.audit_id
    assert entry.outcome == "allowed"
    assert entry.actor_id == worker.id
    assert entry.record_ids == [str(target.record_id)]
    assert entry.subject_ids == [str(target.subject_ids[0])]


def test_other_organisations_case_is_refused_unless_shared(session: Session) -> None:
    worker = actor(organisation=ORG_A)
    subject = _subject(session)
    theirs = _case(ORG_B, worker, subject)
    assert _refused(session, worker, "support", theirs) == ReasonCode.NOT_SHARED_WITH_ORGANISATION
    assert _last(session).outcome == "refused"
    shared = _case(ORG_B, worker, subject, shared_with=frozenset({ORG_A}))
    assert authorize(
        session, actor=worker, purpose="support", action=Action.READ, target=shared
    ).allowed


def test_restricted_subject_only_for_storage_and_legal_claims(session: Session) -> None:
    manager = actor("team-manager", teams=frozenset({"north"}))
    target = _case(ORG_A, manager, _subject(session, restricted=True))
    for purpose in ("support", "public-task", "referral-on", "equality"):
        assert _refused(session, manager, purpose, target) == ReasonCode.RESTRICTED
    assert authorize(
        session, actor=manager, purpose="legal", action=Action.READ, target=target
    ).allowed


def test_objection_pauses_public_task_and_legitimate_interests(session: Session) -> None:
    worker = actor()
    target = _case(ORG_A, worker, _subject(session, objection_pending=True))
    assert _refused(session, worker, "public-task", target) == ReasonCode.OBJECTION_PENDING
    assert _refused(session, worker, "support", target) == ReasonCode.OBJECTION_PENDING
    assert authorize(
        session, actor=worker, purpose="legal", action=Action.READ, target=target
    ).allowed


def test_erased_subject_is_refused(session: Session) -> None:
    worker = actor()
    erased = _case(ORG_A, worker, _subject(session, state="erased"))
    assert _refused(session, worker, "support", erased) == ReasonCode.DISPOSED
    gone = _case(ORG_A, worker, uuid.uuid4())  # the subject row was deleted with the key
    assert _refused(session, worker, "legal", gone) == ReasonCode.DISPOSED


def test_consent_purpose_needs_consent_given(session: Session) -> None:
    from accord.consent.ledger import record_consent

    worker = actor()
    subject = _subject(session)
    target = _case(ORG_A, worker, subject)
    assert _refused(session, worker, "referral-on", target) == ReasonCode.NO_CONSENT
    recorder = Actor(
        uuid.uuid4(), "user", ORG_A, frozenset({"caseworker"}), frozenset({"consent:record:create"})
    )
    record_consent(
        session,
        actor=recorder,
        subject_id=subject,
        register="t",
        controller=ORG_A,
        purpose="referral-on",
        state="given",
        channel="phone",
        notice_digest="d" * 64,
    )
    assert authorize(
        session, actor=worker, purpose="referral-on", action=Action.READ, target=target
    ).allowed
    record_consent(
        session,
        actor=recorder,
        subject_id=subject,
        register="t",
        controller=ORG_A,
        purpose="referral-on",
        state="withdrawn",
        channel="phone",
        notice_digest="d" * 64,
    )
    assert _refused(session, worker, "referral-on", target) == ReasonCode.NO_CONSENT


def test_caseload_own_and_team(session: Session) -> None:
    worker, colleague = actor(teams=frozenset({"north"})), actor(teams=frozenset({"north"}))
    manager = actor("team-manager", teams=frozenset({"north"}))
    target = _case(ORG_A, colleague, _subject(session), team="north")
    assert _refused(session, worker, "support", target) == ReasonCode.OUTSIDE_CASELOAD
    assert authorize(
        session, actor=manager, purpose="support", action=Action.READ, target=target
    ).allowed
    south = _case(ORG_A, colleague, _subject(session), team="south")
    assert _refused(session, manager, "support", south) == ReasonCode.OUTSIDE_CASELOAD


def test_commissioner_never_reads_a_record_and_lists_only_anonymous_categories(
    session: Session, registry: Registry
) -> None:
    commissioner = actor("commissioner", organisation=COMMISSIONER)
    target = _case(ORG_A, None, _subject(session))
    assert _refused(session, commissioner, "stats", target) == ReasonCode.NO_PERMISSION
    listing = Target(register="t", record_type="case", owner_organisation=ORG_A)
    decision = authorize(
        session, actor=commissioner, purpose="stats", action=Action.AGGREGATE, target=listing
    )
    assert decision.categories == {"needs", "age-band"}
    with pytest.raises(AccessDenied) as caught:
        authorize(
            session,
            actor=commissioner,
            purpose="stats",
            action=Action.AGGREGATE,
            target=listing,
            categories=["name"],
        )
    assert caught.value.decision.reason == ReasonCode.ANONYMOUS_ONLY


def test_refusals_and_allows_form_a_valid_chain(session: Session) -> None:
    worker = actor()
    target = _case(ORG_B, worker, _subject(session))
    _refused(session, worker, "support", target)
    assert audit.verify(session).ok


def test_a_refusal_stays_audited_when_the_caller_rolls_back(session: Session) -> None:
    worker = actor()
    target = _case(ORG_B, worker, _subject(session))
    session.commit()
    before = audit.verify(session).head_seq
    _refused(session, worker, "support", target)
    session.rollback()  # what a request that ends in AccessDenied does
    entry = _last(session)
    assert entry.seq == before + 1
    assert entry.outcome == "refused"
    assert entry.record_ids == [str(target.record_id)]
    assert audit.verify(session).ok


def test_an_allowed_access_rolls_back_with_the_work_it_allowed(session: Session) -> None:
    worker = actor()
    target = _case(ORG_A, worker, _subject(session))
    session.commit()
    before = audit.verify(session).head_seq
    authorize(session, actor=worker, purpose="support", action=Action.READ, target=target)
    session.rollback()
    assert audit.verify(session).head_seq == before


def test_a_refusal_inside_a_rolled_back_savepoint_is_written_again(session: Session) -> None:
    worker = actor()
    target = _case(ORG_B, worker, _subject(session))
    session.commit()
    before = audit.verify(session).head_seq
    nested = session.begin_nested()
    with pytest.raises(AccessDenied):
        authorize(session, actor=worker, purpose="support", action=Action.READ, target=target)
    nested.rollback()
    session.commit()
    entry = _last(session)
    assert entry.seq == before + 1
    assert entry.reason == ReasonCode.NOT_SHARED_WITH_ORGANISATION
