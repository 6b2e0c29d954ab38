"""Withdrawing consent, and applying the register's effect for that purpose.

The register says what a withdrawal does (`Purpose.consent.effect`):
- delete_record: the subject is erased at once (key destroyed, rows cascade away); the audit
  keeps the fact of the deletion, never the values (Cambridgeshire hub).
- stop_and_exclude: processing stops and the subject is left out of every later extract
  (evaluation sharing with the commissioner; see accord.consent.extract).
- opt_out_list: the contact details go on the opted-out list, checked before any contact
  (newsletters).
- stop_processing: the ledger's state alone stops processing (the gate checks consent).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from accord.consent.ledger import (
    Channel,
    ConsentError,
    ConsentRecord,
    ConsentState,
    consent_purpose,
    current_state,
    record_consent,
)
from accord.consent.optout import add_opt_out
from accord.gate import facts
from accord.gate.history import record_erasure
from accord.gate.service import authorize
from accord.gate.types import Action, Actor, Target
from accord.people import service as people
from accord.register.registry import current_registry
from accord.register.schema import Register, WithdrawalEffect


@dataclass(frozen=True)
class WithdrawalOutcome:
    effect: WithdrawalEffect
    record: ConsentRecord | None  # None when the subject was erased with their ledger
    erased: bool = False
    opted_out: int = 0  # new entries on the opted-out list
    message: str = ""


def _deletable_record_type(register: Register, purpose: str) -> str:
    """The record type under which the purpose's personal data is held (for the gate)."""
    for record_type in register.record_types:
        if purpose in record_type.purposes and record_type.personal_data:
            return record_type.id
    raise ConsentError("purpose", f"no record type in register {register.id!r} holds {purpose!r}")


def withdraw(
    session: Session,
    *,
    actor: Actor,
    subject_id: uuid.UUID,
    register: str,
    controller: str,
    purpose: str,
    channel: Channel | str,
    notice_digest: str,
    email: str | None = None,
    phone: str | None = None,
    record_type: str | None = None,
) -> WithdrawalOutcome:
    """Record the withdrawal and apply the register's effect, in the caller's transaction."""
    reg = current_registry().get(register)
    terms = consent_purpose(reg, purpose).consent
    assert terms is not None  # consent_purpose refuses a purpose without consent terms
    effect = terms.effect
    if effect is WithdrawalEffect.OPT_OUT_LIST and not (email or phone):
        raise ConsentError(
            "email, phone",
            "this purpose keeps an opted-out list, so give the contact detail to stop using",
        )
    on_record = current_state(
        session, subject_id=subject_id, purpose=purpose, controller=controller
    )
    if on_record is None and effect is not WithdrawalEffect.OPT_OUT_LIST:
        raise ConsentError("purpose", f"no consent to {purpose!r} is on record for this subject")
    if effect is WithdrawalEffect.DELETE_RECORD:
        # Check every deletion is allowed before anything is written, so a refusal leaves
        # nothing half-done: each of the person's records is checked with its own owner,
        # assignment and team (a caseworker cannot erase someone outside their caseload).
        # The gate never makes a deletion wait on consent. A person with no case yet is
        # checked as their owner holds them: only a caseload covering the whole
        # organisation reaches them (someone in nobody's caseload is in no one's own).
        subject = people.get_subject(session, subject_id)
        targets = facts.subject_targets(session, subject_id=subject_id) or [
            Target(
                register=register,
                record_type=record_type or _deletable_record_type(reg, purpose),
                owner_organisation=subject.organisation,
                subject_ids=(subject_id,),
            )
        ]
        for target in targets:
            authorize(session, actor=actor, purpose=purpose, action=Action.DELETE, target=target)
    record = record_consent(
        session,
        actor=actor,
        subject_id=subject_id,
        register=register,
        controller=controller,
        purpose=purpose,
        state=ConsentState.WITHDRAWN,
        channel=channel,
        notice_digest=notice_digest,
    )
    if effect is WithdrawalEffect.DELETE_RECORD:
        # The trail keeps whose person this was, so their history stays with that owner.
        record_erasure(session, people.get_subject(session, subject_id))
        people.erase_subject(session, subject_id=subject_id)
        return WithdrawalOutcome(
            effect=effect,
            record=None,
            erased=True,
            message="consent withdrawn: every record of this person was deleted at once",
        )
    if effect is WithdrawalEffect.OPT_OUT_LIST:
        added = add_opt_out(
            session,
            actor=actor,
            register=register,
            purpose=purpose,
            email=email,
            phone=phone,
            channel=str(channel),
        )
        return WithdrawalOutcome(
            effect=effect,
            record=record,
            opted_out=added,
            message="consent withdrawn: the contact details are on the opted-out list",
        )
    if effect is WithdrawalEffect.STOP_AND_EXCLUDE:
        return WithdrawalOutcome(
            effect=effect,
            record=record,
            message="consent withdrawn: excluded from every later extract for this purpose",
        )
    return WithdrawalOutcome(
        effect=effect, record=record, message="consent withdrawn: processing has stopped"
    )
