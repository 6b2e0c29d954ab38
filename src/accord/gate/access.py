"""Access outside a caseload: a stated reason buys time-limited access, reviewed by the DPO.

The grant bypasses the caseload check only: organisation, purpose, permission, restriction,
objection, consent and disposal still apply. The stated reason is free text and may name
people, so it lives on the grant row (erasable with the case), never in the audit trail.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from accord.errors import Conflict, Invalid, NotFound
from accord.gate import audit, outbox
from accord.gate.catalogue import Permission
from accord.gate.models import AccessGrant
from accord.gate.policy import Facts, decide
from accord.gate.service import (
    decision_event,
    holds_permission,
    purpose_of,
    register_or_refuse,
    require,
    subject_facts,
)
from accord.gate.types import AccessDenied, Action, Actor, Decision, ReasonCode, Target
from accord.register.registry import current_registry
from accord.store.base import aware, utcnow

MIN_REASON = 10  # characters: "checking" is not a reason a DPO can review
MAX_HOURS = 24.0


class AccessSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ACCORD_", env_file=".env", extra="ignore")

    # How long access outside a caseload lasts unless the request asks for less.
    access_grant_hours: float = 3.0


class ReviewOutcome(StrEnum):
    APPROPRIATE = "appropriate"
    INAPPROPRIATE = "inappropriate"


class AccessError(Invalid):
    """A request the gate cannot act on: names the field and why."""


class AlreadyInCaseloadError(Conflict):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)


class AlreadyReviewedError(Conflict):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)


def request_access(
    session: Session,
    *,
    actor: Actor,
    purpose: str,
    target: Target,
    reason: str | None,
    hours: float | None = None,
    now: datetime | None = None,
) -> AccessGrant:
    """Grant `actor` access to one record outside their caseload, for a stated reason.

    Refused (audited, AccessDenied with OUTSIDE_CASELOAD) without a reason; refused for any
    reason authorize would refuse other than the caseload. Lands in the DPO's review queue.
    """
    if target.record_id is None:
        raise AccessError("record_id", "access outside a caseload is to one identified record")
    if actor.id is None:
        raise AccessError("actor", "only a named person or token can be granted access")
    duration = AccessSettings().access_grant_hours if hours is None else hours
    if not 0 < duration <= MAX_HOURS:
        raise AccessError("hours", f"must be more than 0 and at most {MAX_HOURS:g}")
    register = register_or_refuse(session, actor=actor, purpose=purpose, target=target)
    stated = (reason or "").strip()
    subjects = subject_facts(session, target.subject_ids, purpose_of(register, purpose), target)
    facts = Facts(
        actor=actor,
        purpose=purpose,
        action=Action.READ,
        target=target,
        register=register,
        subjects=subjects,
        grant_active=bool(stated) and len(stated) >= MIN_REASON,
        extra_permission=Permission.ACCESS_OUTSIDE_CASELOAD_REQUEST.value,
    )
    decision = decide(facts)
    if decision.reason == ReasonCode.ALLOWED:
        raise AlreadyInCaseloadError("record_id", "this record is already in your caseload")
    moment = aware(now) if now else utcnow()
    if not decision.allowed:
        _refuse(session, actor, target, decision, moment, short=bool(stated))
    grant = AccessGrant(
        id=uuid.uuid4(),
        actor_id=actor.id,
        actor_organisation=actor.organisation,
        register=target.register,
        record_type=target.record_type,
        record_id=target.record_id,
        owner_organisation=target.owner_organisation,
        purpose=purpose,
        reason=stated,
        granted_at=moment,
        expires_at=moment + timedelta(hours=duration),
        review_state="pending",
    )
    entry = audit.record(
        session,
        decision_event(actor, target, decision, action="grant", ref=str(grant.id)),
        at=moment,
    )
    grant.audit_seq = entry.seq
    session.add(grant)
    session.flush()
    return grant


def _refuse(
    session: Session,
    actor: Actor,
    target: Target,
    decision: Decision,
    moment: datetime,
    *,
    short: bool,
) -> None:
    event = decision_event(actor, target, decision, action="grant")
    entry = audit.record(session, event, at=moment)
    outbox.remember(session, event, moment)
    detail = (
        f"reason: give a reason of at least {MIN_REASON} characters for the DPO to review"
        if decision.reason == ReasonCode.OUTSIDE_CASELOAD
        else ""
    )
    if decision.reason == ReasonCode.OUTSIDE_CASELOAD and short:
        detail = f"reason: too short; give at least {MIN_REASON} characters for the DPO to review"
    raise AccessDenied(replace(decision, audit_id=entry.id), detail)


# --- the DPO's review queue ----------------------------------------------------------------


def list_reviews(
    session: Session, *, actor: Actor, state: str | None = "pending"
) -> list[AccessGrant]:
    """Grants to review: those over this DPO's organisation's records or by its staff."""
    require(session, actor=actor, permission=Permission.ACCESS_REVIEW_READ, what="access-review")
    if state is not None and state not in ("pending", *(o.value for o in ReviewOutcome)):
        raise AccessError("state", "one of pending, appropriate, inappropriate")
    # Only grants in registers where one of the actor's own roles may review access.
    registers = [
        r.id
        for r in current_registry().registers_of(actor.organisation)
        if holds_permission(actor, Permission.ACCESS_REVIEW_READ, r.id)
    ]
    query = select(AccessGrant).where(
        AccessGrant.register.in_(registers),
        or_(
            AccessGrant.owner_organisation == actor.organisation,
            AccessGrant.actor_organisation == actor.organisation,
        ),
    )
    if state is not None:
        query = query.where(AccessGrant.review_state == state)
    return list(session.scalars(query.order_by(AccessGrant.granted_at)))


def decide_review(
    session: Session,
    *,
    actor: Actor,
    grant_id: uuid.UUID,
    outcome: ReviewOutcome | str,
    note: str | None = None,
    now: datetime | None = None,
) -> AccessGrant:
    """Record the DPO's view of one access; an inappropriate access ends the grant at once."""
    require(session, actor=actor, permission=Permission.ACCESS_REVIEW_DECIDE, what="access-review")
    try:
        verdict = ReviewOutcome(outcome)
    except ValueError:
        raise AccessError("outcome", "one of appropriate, inappropriate") from None
    grant = session.get(AccessGrant, grant_id)
    if grant is None or actor.organisation not in (
        grant.owner_organisation,
        grant.actor_organisation,
    ):
        raise NotFound("grant", f"No access grant {grant_id} for your organisation to review.")
    require(
        session,
        actor=actor,
        permission=Permission.ACCESS_REVIEW_DECIDE,
        what="access-review",
        register=grant.register,
    )
    if grant.review_state != "pending":
        raise AlreadyReviewedError(
            "grant_id", f"this access was already reviewed ({grant.review_state})"
        )
    text = (note or "").strip()
    if verdict == ReviewOutcome.INAPPROPRIATE and not text:
        raise AccessError("note", "say why the access was inappropriate")
    moment = aware(now) if now else utcnow()
    grant.review_state = verdict.value
    grant.reviewed_by = actor.id
    grant.reviewed_at = moment
    grant.review_note = text or None
    if verdict == ReviewOutcome.INAPPROPRIATE and grant.expires_at > moment:
        grant.expires_at = moment
    audit.record(
        session,
        audit.Event(
            actor=actor,
            action="review",
            purpose="access-review",
            register=grant.register,
            record_type=grant.record_type,
            reason=verdict.value,
            outcome="recorded",
            record_ids=(grant.record_id,),
            ref=str(grant.id),
        ),
        at=moment,
    )
    session.flush()
    return grant
