"""The clerical review queue: list uncertain pairs, accept or reject them.

Decisions are kept and respected by every later run: an accepted pair is forced into one
person, a rejected pair is never joined (a cannot-link constraint when clustering).
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord import errors
from accord.errors import Conflict, Gone, NotFound
from accord.gate.catalogue import Permission
from accord.gate.types import Action, Actor
from accord.linkage import access
from accord.linkage.config import LinkageConfig
from accord.linkage.models import LinkageRun, ReviewPair
from accord.store.base import utcnow

Decision = Literal["accept", "reject"]
Status = Literal["open", "decided", "all"]


class ReviewError(errors.AccordError):
    """The pair does not exist or cannot take that decision; the message says which."""


class UnknownPair(ReviewError, errors.NotFound):  # noqa: N818 (reads as the condition)
    def __init__(self, pair_id: uuid.UUID) -> None:
        super().__init__("review pair", f"no review pair {pair_id}")


class BadDecision(ReviewError, errors.Invalid):  # noqa: N818 (reads as the condition)
    def __init__(self, decision: str) -> None:
        super().__init__("decision", f"must be 'accept' or 'reject', not {decision!r}")


def list_pairs(
    session: Session,
    *,
    actor: Actor,
    config: LinkageConfig,
    status: Status = "open",
    limit: int = 50,
    offset: int = 0,
) -> list[ReviewPair]:
    """Pairs in the queue, most uncertain (closest to the threshold) first."""
    pairs, _ = page_of_pairs(
        session, actor=actor, config=config, status=status, limit=limit, offset=offset
    )
    return pairs


def page_of_pairs(
    session: Session,
    *,
    actor: Actor,
    config: LinkageConfig,
    status: Status = "open",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ReviewPair], int]:
    """One page of the queue (as `list_pairs`) and how many pairs it holds in all."""
    access.authorize(session, actor=actor, config=config, action=Action.LIST)
    query = select(ReviewPair)
    if status != "all":
        query = query.where(ReviewPair.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = (
        query.order_by(ReviewPair.match_weight.desc(), ReviewPair.id).limit(limit).offset(offset)
    )
    return list(session.scalars(query).all()), total


def explanation(
    session: Session, *, actor: Actor, config: LinkageConfig, pair_id: uuid.UUID
) -> dict[str, Any]:
    """The match weight each comparison gave a review pair (accord.linkage.explain), for
    the matching team only: the gate decides both on the pair (linkage:review:decide) and,
    as for a run, on reading each partner's identifiers."""
    from accord.feeds.identifiers import authorize_datasets, identifiers_table
    from accord.linkage.explain import explain
    from accord.linkage.prepare import for_linking, prepare
    from accord.linkage.service import last_full_run

    access.authorize(
        session,
        actor=actor,
        config=config,
        action=Action.READ,
        permission=Permission.LINKAGE_REVIEW_DECIDE,
    )
    pair = session.get(ReviewPair, pair_id)
    if pair is None:
        raise NotFound(f"no review pair {pair_id}")
    run = session.get(LinkageRun, pair.run_id)
    model = run.model if run is not None and run.model else None
    if model is None:
        last = last_full_run(session)
        model = last.model if last is not None else None
    if model is None:
        raise Conflict("no trained model to explain the pair with: run a full linkage first")
    allowed = authorize_datasets(
        session, actor=actor, purpose=config.purpose, register=config.register
    )
    table = identifiers_table(
        session,
        register=config.register,
        datasets=list(allowed),
        columns=allowed,
        only=sorted({pair.record_id_l, pair.record_id_r}),
    ).to_pandas()
    if len(table) != 2:
        raise Gone(f"a record of review pair {pair_id} is no longer held by its partner")
    table = table.set_index("record_id").loc[[pair.record_id_l, pair.record_id_r]].reset_index()
    explained = explain(for_linking(prepare(table)), model, scored_weight=float(pair.match_weight))
    return {
        "pair_id": str(pair.id),
        "record_id_l": pair.record_id_l,
        "record_id_r": pair.record_id_r,
        "run_id": str(pair.run_id),
        **explained,
    }


def decide(
    session: Session,
    *,
    actor: Actor,
    config: LinkageConfig,
    pair_id: uuid.UUID,
    decision: Decision,
    note: str | None = None,
) -> ReviewPair:
    """Record the matching team's decision; a later decision replaces an earlier one."""
    if decision not in ("accept", "reject"):
        raise BadDecision(decision)
    access.authorize(
        session,
        actor=actor,
        config=config,
        action=Action.UPDATE,
        permission=Permission.LINKAGE_REVIEW_DECIDE,
    )
    pair = session.get(ReviewPair, pair_id)
    if pair is None:
        raise UnknownPair(pair_id)
    pair.status = "decided"
    pair.decision = decision
    pair.decided_by = access.actor_label(actor)
    pair.decided_at = utcnow()
    pair.note = (note or "").strip()[:2000] or None
    session.flush()
    return pair
