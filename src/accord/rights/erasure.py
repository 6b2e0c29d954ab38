"""Erasure (Art 17), decided record by record against the exemptions the register supports.

`plan` lists each record held about the person with the grounds on which it may be kept
(`applicable.record_rights`: legal obligation, public task, archiving and statistics, legal
claims). `erase` takes the records the officer keeps, each under one of those grounds with a
reason, and erases the rest:

- Nothing kept: the person is erased whole. The erasure's tombstone goes into the audit trail
  (`gate.history.record_erasure`), then `people.erase_subject` destroys their data key (the
  crypto-shredding, written first to the erasure log so a restore destroys it again) and
  deletes their row, every record about them going with it.
- Some kept: a record under a legal hold (`retention.holds`) always is, under legal claims.
  The other records are deleted one by one, each id written to the erasure log
  (kind "record") so that `replay_record_erasures` deletes them again from a restored older
  backup; the kept records, their grounds and the reasons are recorded. Then the person is
  re-keyed (`rekey`): everything kept is sealed again under a new data key in the same
  transaction, and the old key is destroyed when it commits, so the erased records in a
  backup taken before can no longer be opened.

Recipients of the erased data in the disclosure log are told (Art 19): a notice row per
recipient, pending until recorded as sent, impossible or disproportionate (`recipients`).
The decision and its notices hold ids only and outlive the person.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from accord.cases.models import Case, Complaint
from accord.disclosures.service import disclosures_for_subject
from accord.enquiries.models import Enquiry
from accord.errors import Invalid
from accord.gate.history import record_erasure
from accord.gate.types import Actor
from accord.keys.erasures import ErasureLog
from accord.panels.models import CaseParty, SafetyCase
from accord.people import service as people
from accord.people.crypto import current_crypto
from accord.register.registry import current_registry
from accord.retention.models import RetentionHold
from accord.rights.applicable import EXEMPTION_TEXT, Exemption, record_rights
from accord.rights.decision_models import ErasureDecision, ErasureItem, Rectification
from accord.rights.decisions import audit, person_for, request_for, seal_text, text
from accord.rights.recipients import add_notices
from accord.rights.records import HeldRecord, delete_record, held_records
from accord.rights.rectification import reindex
from accord.rights.rekey import rekey
from accord.store.base import utcnow

WHAT = "rights-erasure"
RECORD_KIND = "record"  # the erasure log's kind for one record erased on its own
_MODELS = (Case, Complaint, Enquiry, SafetyCase, CaseParty)


LEGAL_HOLD = "legal-hold"  # what supports legal claims for a record under a legal hold


@dataclass(frozen=True)
class RecordPlan:
    record: HeldRecord
    # grounds on which this record may be kept, with the purposes supporting each
    exemptions: dict[Exemption, tuple[str, ...]]
    hold: str | None = None  # the kind of legal hold the record is under (it is kept)


@dataclass(frozen=True)
class Keep:
    """A record kept, with the exemption relied on and why it applies to this record."""

    record_id: uuid.UUID
    exemption: str
    reason: str


@dataclass(frozen=True)
class ErasureResult:
    decision: ErasureDecision
    erased: tuple[uuid.UUID, ...]
    kept: tuple[uuid.UUID, ...]
    notices: int  # recipients to tell


def _holds(
    session: Session, subject_id: uuid.UUID, records: Sequence[HeldRecord]
) -> dict[uuid.UUID, RetentionHold]:
    """The legal hold (litigation, investigation, inquiry) each held record is under, if any."""
    ids = [r.record_id for r in records]
    holds = session.scalars(
        select(RetentionHold)
        .where(
            RetentionHold.released_at.is_(None),
            or_(
                RetentionHold.subject_id == subject_id,
                RetentionHold.record_id.in_(ids),
                RetentionHold.scope == "record-type",
            ),
        )
        .order_by(RetentionHold.placed_at, RetentionHold.id)
    ).all()
    found: dict[uuid.UUID, RetentionHold] = {}
    for record in records:
        for hold in holds:
            if hold.organisation != record.organisation:
                continue  # a hold covers only the records of the organisation that placed it
            if (
                hold.record_id == record.record_id
                or (hold.scope == "subject" and hold.subject_id == subject_id)
                or (
                    hold.scope == "record-type"
                    and (hold.register, hold.record_type) == (record.register, record.record_type)
                )
            ):
                found[record.record_id] = hold
                break
    return found


def _plans(
    session: Session, subject_id: uuid.UUID, records: Sequence[HeldRecord]
) -> list[RecordPlan]:
    registry = current_registry()
    holds = _holds(session, subject_id, records)
    plans = []
    for r in records:
        exemptions = dict(record_rights(registry.get(r.register), r.record_type).erasure_exemptions)
        hold = holds.get(r.record_id)
        if hold is not None:
            exemptions[Exemption.LEGAL_CLAIMS] = (
                *exemptions.get(Exemption.LEGAL_CLAIMS, ()),
                LEGAL_HOLD,
            )
        plans.append(
            RecordPlan(
                record=r, exemptions=exemptions, hold=hold.kind if hold is not None else None
            )
        )
    return plans


def plan(session: Session, *, actor: Actor, subject_id: uuid.UUID) -> list[RecordPlan]:
    """Each record held about the person and the grounds on which it may be kept."""
    subject = person_for(session, actor=actor, subject_id=subject_id, what=WHAT)
    plans = _plans(session, subject.id, held_records(session, subject.id))
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="read",
        register=subject.register,
        subject_ids=(subject.id,),
        record_ids=[p.record.record_id for p in plans],
        ref="erasure-plan",
    )
    return plans


def _checked_keeps(plans: Sequence[RecordPlan], keep: Sequence[Keep]) -> dict[uuid.UUID, Keep]:
    by_id = {p.record.record_id: p for p in plans}
    chosen: dict[uuid.UUID, Keep] = {}
    for i, item in enumerate(keep):
        found = by_id.get(item.record_id)
        if found is None:
            raise Invalid(f"keep.{i}.record_id", "This is not a record held about this person.")
        if item.record_id in chosen:
            raise Invalid(f"keep.{i}.record_id", "This record is named twice.")
        try:
            exemption = Exemption(item.exemption)
        except ValueError:
            exemption = None
        if exemption is None or exemption not in found.exemptions:
            offered = ", ".join(e.value for e in found.exemptions) or "none"
            raise Invalid(
                f"keep.{i}.exemption",
                f"The register gives no such ground to keep this record (grounds it gives: {offered}).",
            )
        text(f"keep.{i}.reason", item.reason)
        chosen[item.record_id] = Keep(item.record_id, exemption.value, item.reason.strip())
    return chosen


def erase(
    session: Session,
    *,
    actor: Actor,
    subject_id: uuid.UUID,
    keep: Sequence[Keep] = (),
    request_id: uuid.UUID | None = None,
) -> ErasureResult:
    """Erase the person's records but those kept under an exemption (see the module)."""
    subject = person_for(session, actor=actor, subject_id=subject_id, what=WHAT)
    request_id = request_for(session, subject=subject, request_id=request_id, right="erasure")
    plans = _plans(session, subject.id, held_records(session, subject.id))
    kept = _checked_keeps(plans, keep)
    for p in plans:
        if p.hold is not None and p.record.record_id not in kept:
            # A record under a legal hold is never erased while the hold stands.
            kept[p.record.record_id] = Keep(
                p.record.record_id,
                Exemption.LEGAL_CLAIMS.value,
                f"Kept while a legal hold ({p.hold}) stands on it.",
            )
    erased = [p.record for p in plans if p.record.record_id not in kept]
    outcome = "erased" if not kept else ("refused" if not erased else "partial")
    decision = ErasureDecision(
        id=uuid.uuid4(),
        request_id=request_id,
        subject_id=subject.id,
        register=subject.register,
        organisation=subject.organisation,
        outcome=outcome,
        decided_by=actor.id,
        decided_by_kind=actor.kind,
        decided_at=utcnow(),
    )
    session.add(decision)
    for p in plans:
        item = kept.get(p.record.record_id)
        session.add(
            ErasureItem(
                id=uuid.uuid4(),
                erasure_id=decision.id,
                record_type=p.record.record_type,
                record_id=p.record.record_id,
                outcome="kept" if item else "erased",
                exemption=item.exemption if item else None,
                reason=seal_text(session, subject, item.reason) if item else None,
            )
        )
    # Who received what is read before anything goes (the log goes with the person).
    erased_ids = {r.record_id for r in erased}
    received: dict[str, set[str]] = {}
    for entry in disclosures_for_subject(session, subject_id=subject.id):
        if kept and entry.record_id not in erased_ids:
            continue  # a partial erasure concerns only what was disclosed from erased records
        received.setdefault(entry.recipient, set()).update(entry.fields)
    notices = add_notices(
        session,
        kind="erasure",
        decision_id=decision.id,
        subject_id=subject.id,
        register=subject.register,
        organisation=subject.organisation,
        request_id=request_id,
        received=received,
    )
    session.flush()
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="delete",
        register=subject.register,
        subject_ids=(subject.id,),
        record_ids=[decision.id, *erased_ids],
        ref=f"erasure:{outcome}",
    )
    if not kept:
        record_erasure(session, subject)
        people.erase_subject(session, subject_id=subject.id)
    else:
        log = _erasure_log()
        for record in erased:
            for row_id in _row_ids(session, record, subject.id):
                if log is not None:
                    log.record(RECORD_KIND, row_id)
            delete_record(session, record, subject.id)
        # The history of corrections to an erased record holds its old values: it goes too.
        session.execute(delete(Rectification).where(Rectification.record_id.in_(erased_ids)))
        if erased:
            # Identifiers only the erased records held must no longer find the person.
            reindex(session, subject.id)
            rekey(session, subject.id)
    session.flush()
    return ErasureResult(
        decision=decision,
        erased=tuple(r.record_id for r in erased),
        kept=tuple(kept),
        notices=notices,
    )


def _row_ids(session: Session, record: HeldRecord, subject_id: uuid.UUID) -> list[uuid.UUID]:
    """The ids of the rows deleting this record removes (a party's own row in a safety case)."""
    if record.kind != "safety-case-party":
        return [record.record_id]
    return list(
        session.scalars(
            select(CaseParty.id).where(
                CaseParty.case_id == record.record_id, CaseParty.subject_id == subject_id
            )
        )
    )


def _erasure_log() -> ErasureLog | None:
    return current_crypto().keystore.erasures


def replay_record_erasures(session: Session, log: ErasureLog) -> int:
    """Delete again every record the erasure log says was erased on its own and that a
    restored backup brought back; returns how many went. Safe to run at any time."""
    ids = [e.key_uuid for e in log.entries() if e.kind == RECORD_KIND]
    removed = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for model in _MODELS:
            result = session.execute(delete(model).where(model.id.in_(chunk)))
            removed += int(getattr(result, "rowcount", 0) or 0)
    session.flush()
    return removed


def exemption_text(exemption: str | None) -> str | None:
    """The plain words for an exemption, for the person's answer."""
    if exemption is None:
        return None
    return EXEMPTION_TEXT.get(Exemption(exemption), exemption)
