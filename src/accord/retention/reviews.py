"""The review queue: records whose rule says a person decides (e.g. IOM cases, reviewed at
closure plus 6 years and never deleted automatically). A reviewer disposes of the record, or
keeps it with a reason and a new review date."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.errors import Conflict, Invalid, NotFound
from accord.gate.catalogue import Permission
from accord.gate.service import require
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.retention import stores
from accord.retention.models import RetentionReview
from accord.retention.run import Disposer, Tally
from accord.store.base import aware

DECISIONS = ("dispose", "keep")


def pending(
    session: Session, *, actor: Actor, register: str | None = None
) -> list[RetentionReview]:
    """Pending reviews of the actor's organisation."""
    require(
        session,
        actor=actor,
        permission=Permission.RETENTION_RUN_EXECUTE,
        what="retention-review",
        register=register or "",
    )
    query = select(RetentionReview).where(
        RetentionReview.status == "pending", RetentionReview.organisation == actor.organisation
    )
    if register is not None:
        query = query.where(RetentionReview.register == register)
    return list(session.scalars(query.order_by(RetentionReview.due_at)))


def decide(
    session: Session,
    *,
    actor: Actor,
    review_id: uuid.UUID,
    decision: str,
    reason: str,
    review_on: datetime | None = None,
) -> RetentionReview:
    review = session.get(RetentionReview, review_id)
    if review is None or review.organisation != actor.organisation:
        raise NotFound("review")
    require(
        session,
        actor=actor,
        permission=Permission.RETENTION_RUN_EXECUTE,
        what="retention-review",
        register=review.register,
    )
    if review.status != "pending":
        raise Conflict(f"the review was already decided ({review.status})")
    if decision not in DECISIONS:
        raise Invalid("decision", f"{decision!r} is not one of {', '.join(DECISIONS)}")
    if len(reason.strip()) < 10:
        raise Invalid("reason", "give the reason for the decision (at least 10 characters)")
    now = datetime.now(UTC)
    declaration = stores.by_name(review.store)
    if decision == "keep":
        if review_on is None or aware(review_on) <= now:
            raise Invalid("review_on", "keeping a record needs a new review date in the future")
        declaration.postpone(session, review.record_id, aware(review_on))
        review.status = "kept"
        review.review_on = aware(review_on)
    else:
        row = declaration.get(session, review.record_id)
        if row is not None:
            disposer = Disposer(current_registry(), dry_run=False, now=now)
            tally = Tally()
            deleted = disposer.batch(session, declaration, [row], tally, review=False, actor=actor)
            if not deleted:
                outcome = next(iter(k[4] for k in tally.counts), "refused")
                raise Conflict(f"the record cannot be disposed of now: {outcome}")
        review.status = "disposed"
    review.decided_by = actor.name or actor.organisation
    review.decided_at = now
    review.reason = reason.strip()
    session.flush()
    return review
