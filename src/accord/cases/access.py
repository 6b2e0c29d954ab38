"""The gate, as casework calls it: targets for case rows, and 404 across organisations."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.errors import NotFound
from accord.cases.models import Case, CaseShare
from accord.gate import service as gate
from accord.gate.types import AccessDenied, Action, Actor, Decision, ReasonCode, Target

R = TypeVar("R")


def shares_of(session: Session, case_id: uuid.UUID) -> frozenset[str]:
    rows = session.scalars(select(CaseShare.organisation).where(CaseShare.case_id == case_id))
    return frozenset(rows)


def case_target(case: Case, shares: Iterable[str] = ()) -> Target:
    return Target(
        register=case.register,
        record_type=case.record_type,
        owner_organisation=case.organisation,
        record_id=case.id,
        service=case.service,
        subject_ids=(case.subject_id,),
        assigned_user=case.assigned_user,
        team=case.team,
        shared_with=frozenset(shares),
    )


def authorize(
    session: Session,
    *,
    actor: Actor,
    purpose: str,
    action: Action,
    target: Target,
    categories: Iterable[str] | None = None,
    permission: str | None = None,
) -> Decision:
    return gate.authorize(
        session,
        actor=actor,
        purpose=purpose,
        action=action,
        target=target,
        categories=frozenset(categories) if categories is not None else None,
        permission=permission,
    )


def hide_other_organisations(exc: AccessDenied, what: str) -> Exception:
    """A record of another organisation is reported as missing, not as forbidden."""
    if exc.decision.reason is ReasonCode.NOT_SHARED_WITH_ORGANISATION:
        return NotFound(what)
    return exc


def load_record(
    session: Session,
    model: type[R],
    record_id: uuid.UUID,
    *,
    what: str,
    target: Callable[[R], Target],
    actor: Actor,
    purpose: str,
    action: Action,
    categories: Iterable[str] | None = None,
    permission: str | None = None,
) -> tuple[R, Decision]:
    """A casework row and the gate's decision for this access; NotFound (naming `what`)
    both when there is no such row and when it belongs to an organisation that may not see it."""
    row = session.get(model, record_id)
    if row is None:
        raise NotFound(what)
    try:
        decision = authorize(
            session,
            actor=actor,
            purpose=purpose,
            action=action,
            target=target(row),
            categories=categories,
            permission=permission,
        )
    except AccessDenied as exc:
        raise hide_other_organisations(exc, what) from exc
    return row, decision


def load_case(
    session: Session,
    *,
    actor: Actor,
    case_id: uuid.UUID,
    purpose: str,
    action: Action,
    categories: Iterable[str] | None = None,
    permission: str | None = None,
) -> tuple[Case, Decision]:
    """The case and the gate's decision for this access; NotFound hides other organisations'."""
    return load_record(
        session,
        Case,
        case_id,
        what="case",
        target=lambda case: case_target(case, shares_of(session, case.id)),
        actor=actor,
        purpose=purpose,
        action=action,
        categories=categories,
        permission=permission,
    )
