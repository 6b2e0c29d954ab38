"""Extracts shared on consent (evaluation data for a commissioner), honouring withdrawals.

A purpose whose withdrawal effect is stop_and_exclude (evaluation sharing) may only carry
people whose consent is given now; anyone who withdrew is left out of every later extract
(and, unless they give consent again afterwards, stays out). Each row passes the gate for
export and is cut down to the categories the decision allows; every row shared is logged as a
disclosure with consent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from accord.consent.ledger import ConsentError, ConsentState, consent_purpose
from accord.consent.models import ConsentEvent
from accord.disclosures.service import (
    DisclosureBasis,
    DisclosureError,
    check_recipient,
    log_disclosure,
)
from accord.gate.minimise import minimise
from accord.gate.service import authorize
from accord.gate.types import AccessDenied, Action, Actor, Target
from accord.register.registry import current_registry
from accord.store.base import utcnow


def latest_states(
    session: Session, *, purpose: str, subject_ids: Iterable[uuid.UUID] | None = None
) -> dict[uuid.UUID, tuple[str, bool]]:
    """subject id -> (latest state, expired?) for the purpose, from the ledger."""
    latest = (
        select(
            ConsentEvent.subject_id,
            func.max(ConsentEvent.recorded_at).label("at"),
        )
        .where(ConsentEvent.purpose == purpose)
        .group_by(ConsentEvent.subject_id)
    )
    if subject_ids is not None:
        latest = latest.where(ConsentEvent.subject_id.in_(list(subject_ids)))
    sub = latest.subquery()
    rows = session.execute(
        select(ConsentEvent.subject_id, ConsentEvent.state, ConsentEvent.expires_at)
        .join(
            sub,
            (sub.c.subject_id == ConsentEvent.subject_id) & (sub.c.at == ConsentEvent.recorded_at),
        )
        .where(ConsentEvent.purpose == purpose)
    )
    now = utcnow()
    out: dict[uuid.UUID, tuple[str, bool]] = {}
    for subject_id, state, expires_at in rows:
        expired = expires_at is not None and expires_at <= now
        previous = out.get(subject_id)
        # Two events at the same instant: a withdrawal wins over a grant (fail closed).
        if previous is None or state == ConsentState.WITHDRAWN.value:
            out[subject_id] = (state, expired)
    return out


def excluded_subjects(session: Session, *, purpose: str) -> set[uuid.UUID]:
    """Everyone who withdrew consent to `purpose` and has not given it again since (a consent
    given at the same instant as a withdrawal, or since expired, does not count)."""
    later = aliased(ConsentEvent)
    now = utcnow()
    regiven = (
        select(later.id)
        .where(
            later.subject_id == ConsentEvent.subject_id,
            later.purpose == purpose,
            later.state == ConsentState.GIVEN.value,
            later.recorded_at > ConsentEvent.recorded_at,
            or_(later.expires_at.is_(None), later.expires_at > now),
        )
        .exists()
    )
    return set(
        session.scalars(
            select(ConsentEvent.subject_id)
            .where(
                ConsentEvent.purpose == purpose,
                ConsentEvent.state == ConsentState.WITHDRAWN.value,
                ~regiven,
            )
            .distinct()
        )
    )


@dataclass(frozen=True)
class ExtractRow:
    """One record offered for an extract: where it lives and its values by category id."""

    target: Target
    subject_id: uuid.UUID
    values: Mapping[str, Any]


@dataclass
class Extract:
    rows: list[dict[str, Any]] = field(default_factory=list)
    excluded: int = 0  # withdrew consent
    without_consent: int = 0  # never gave it, refused, or it expired
    refused_by_gate: int = 0


def evaluation_extract(
    session: Session,
    *,
    actor: Actor,
    register: str,
    purpose: str,
    recipient: str,
    candidates: Iterable[ExtractRow],
) -> Extract:
    """Rows for `recipient` under `purpose`: consent given now, withdrawals excluded, each row
    authorised for export and minimised by the gate, and each logged as a disclosure."""
    reg = current_registry().get(register)
    consent_purpose(reg, purpose)
    try:
        check_recipient(reg, recipient)
    except DisclosureError as exc:
        raise ConsentError(exc.field, exc.message) from None
    offered = list(candidates)
    excluded = excluded_subjects(session, purpose=purpose)
    states = latest_states(session, purpose=purpose, subject_ids={c.subject_id for c in offered})
    out = Extract()
    for row in offered:
        if row.target.register != register:
            raise ConsentError(
                "candidates", f"a {row.target.register!r} record in a {register!r} extract"
            )
        if row.subject_id in excluded:
            out.excluded += 1
            continue
        state, expired = states.get(row.subject_id, ("", False))
        if state != ConsentState.GIVEN.value or expired:
            out.without_consent += 1
            continue
        try:
            decision = authorize(
                session,
                actor=actor,
                purpose=purpose,
                action=Action.EXPORT,
                target=row.target,
                categories=row.values.keys(),
            )
        except AccessDenied:
            out.refused_by_gate += 1
            continue
        shared = minimise(decision, row.values)
        if not shared:
            continue
        log_disclosure(
            session,
            actor=actor,
            subject_id=row.subject_id,
            register=register,
            recipient=recipient,
            fields=list(shared),
            with_consent=True,
            basis=DisclosureBasis.CONSENT,
            purpose=purpose,
            from_organisation=row.target.owner_organisation,
            record_type=row.target.record_type,
            record_id=row.target.record_id,
            method="extract",
        )
        out.rows.append(shared)
    return out
