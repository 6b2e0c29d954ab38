"""The gate's entry points: `authorize` one access, `visible` to scope a listing.

Both gather the facts (register, subject flags, consent, access grants), let the pure
`policy.decide` rule, and write an audit entry whatever the outcome. A refusal raises
AccessDenied after its entry is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import ColumnElement, and_, bindparam, false, or_, select, true
from sqlalchemy.orm import Session

from accord.gate import audit, facts, outbox
from accord.gate.models import AccessGrant
from accord.gate.policy import (
    Facts,
    SubjectFacts,
    caseload_of,
    decide,
    holds,
    organisation_access,
    roles_for,
    survives_restriction,
)
from accord.gate.types import AccessDenied, Action, Actor, Decision, ReasonCode, Target
from accord.people.models import Subject
from accord.register.registry import current_registry
from accord.register.schema import Art6, Art9, Purpose, Register
from accord.store.base import utcnow


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
    """Decide one access and audit it; raises AccessDenied (after auditing) when refused.

    `categories` are the data categories the caller wants to read or write (None: all the
    purpose may see); the Decision's `categories` are what the response may hold.
    `permission` adds a requirement on top of the one the gate maps for the record type
    (e.g. approving a disclosure); it can never replace it.
    """
    requested = None if categories is None else frozenset(categories)
    register = register_or_refuse(
        session, actor=actor, purpose=purpose, target=target, action=action
    )
    facts = Facts(
        actor=actor,
        purpose=purpose,
        action=action,
        target=target,
        register=register,
        requested=requested,
        subjects=subject_facts(session, target.subject_ids, purpose_of(register, purpose), target),
        extra_permission=permission,
    )
    decision = decide(facts)
    grant: uuid.UUID | None = None
    if decision.reason == ReasonCode.OUTSIDE_CASELOAD:
        grant = active_grant(session, actor=actor, record_id=target.record_id)
        if grant is not None:
            decision = decide(_with_grant(facts))
    return _audited(session, actor, action, target, decision, requested, grant)


def _with_grant(facts: Facts) -> Facts:
    return Facts(
        actor=facts.actor,
        purpose=facts.purpose,
        action=facts.action,
        target=facts.target,
        register=facts.register,
        requested=facts.requested,
        subjects=facts.subjects,
        grant_active=True,
        extra_permission=facts.extra_permission,
    )


def decision_event(
    actor: Actor,
    target: Target,
    decision: Decision,
    *,
    action: str,
    categories: frozenset[str] | None = None,
    ref: str | None = None,
) -> audit.Event:
    """The audit entry of a decision of the gate on `target` (its categories by default)."""
    return audit.Event(
        actor=actor,
        action=action,
        purpose=decision.purpose,
        register=target.register,
        record_type=target.record_type,
        reason=decision.reason,
        outcome="allowed" if decision.allowed else "refused",
        record_ids=(target.record_id,) if target.record_id else (),
        subject_ids=target.subject_ids,
        categories=decision.categories if categories is None else categories,
        ref=ref,
    )


def _audited(
    session: Session,
    actor: Actor,
    action: Action,
    target: Target,
    decision: Decision,
    requested: frozenset[str] | None,
    grant: uuid.UUID | None,
) -> Decision:
    event = decision_event(
        actor,
        target,
        decision,
        action=action,
        categories=decision.categories if decision.allowed else (requested or frozenset()),
        ref=str(grant) if grant and decision.allowed else None,
    )
    at = utcnow()
    entry = audit.record(session, event, at=at)
    if not decision.allowed:
        outbox.remember(session, event, at)
    decision = Decision(
        allowed=decision.allowed,
        reason=decision.reason,
        purpose=decision.purpose,
        categories=decision.categories,
        audit_id=entry.id,
    )
    if not decision.allowed:
        raise AccessDenied(decision, _explain(decision, target))
    return decision


_EXPLAIN = {
    ReasonCode.NO_PERMISSION: "your role does not have the permission this needs",
    ReasonCode.PURPOSE_NOT_FOR_ROLE: "your role may not process data for purpose {purpose!r}",
    ReasonCode.PURPOSE_NOT_FOR_RECORD: "{record_type!r} records are not held for purpose {purpose!r}",
    ReasonCode.NOT_SHARED_WITH_ORGANISATION: "this record belongs to another organisation and was not shared with yours",
    ReasonCode.OUTSIDE_CASELOAD: "this record is outside your caseload: request access with a reason",
    ReasonCode.NO_CONSENT: "purpose {purpose!r} needs the person's consent, which is not recorded as given",
    ReasonCode.RESTRICTED: "processing of this person's data is restricted (storage and legal claims only)",
    ReasonCode.OBJECTION_PENDING: "the person has objected to this processing; it is paused until the objection is decided",
    ReasonCode.DISPOSED: "this person's data has been erased or anonymised",
    ReasonCode.ANONYMOUS_ONLY: "your role may see anonymous data only",
    ReasonCode.UNKNOWN_PURPOSE: "purpose {purpose!r} is not in register {register!r}",
    ReasonCode.UNKNOWN_RECORD_TYPE: "record type {record_type!r} is not in register {register!r}",
    ReasonCode.CATEGORY_NOT_FOR_PURPOSE: "purpose {purpose!r} may not hold the data categories asked for",
    ReasonCode.NO_OWNER: "the record names no owner organisation, so nobody may reach it",
}


def _explain(decision: Decision, target: Target) -> str:
    template = _EXPLAIN.get(decision.reason, "")
    return template.format(
        purpose=decision.purpose, record_type=target.record_type, register=target.register
    )


def register_or_refuse(
    session: Session,
    *,
    actor: Actor,
    purpose: str,
    target: Target,
    action: Action = Action.READ,
) -> Register:
    """The target's register; an unknown one is a refusal like any other (audited)."""
    try:
        return current_registry().get(target.register)
    except KeyError:
        decision = Decision(False, ReasonCode.UNKNOWN_RECORD_TYPE, purpose)
        _audited(session, actor, action, target, decision, None, None)
        raise AssertionError("unreachable: _audited raises for a refusal") from None


def require(
    session: Session,
    *,
    actor: Actor,
    permission: str,
    what: str,
    register: str = "",
    subject_ids: tuple[uuid.UUID, ...] = (),
) -> None:
    """A permission check for work on the gate's own records (reviews, the audit trail).

    `what` names the work (it stands as purpose and record type in the audit entry). With a
    `register`, the permission must come from one of the actor's roles in that register.
    """
    if not holds_permission(actor, permission, register):
        refuse(
            session,
            actor=actor,
            what=what,
            reason=ReasonCode.NO_PERMISSION,
            register=register,
            subject_ids=subject_ids,
        )


def holds_permission(actor: Actor, permission: str, register: str = "") -> bool:
    """Whether the actor holds `permission`: from a role in `register` when one is named
    (an unknown register grants nothing), else from any of its roles."""
    if not register:
        return permission in actor.permissions
    try:
        reg = current_registry().get(register)
    except KeyError:
        return False
    return holds(actor, reg, permission)


def refuse(
    session: Session,
    *,
    actor: Actor,
    what: str,
    reason: ReasonCode,
    register: str = "",
    subject_ids: tuple[uuid.UUID, ...] = (),
) -> NoReturn:
    """Audit a refusal of work on the gate's own records and raise AccessDenied."""
    target = Target(
        register=register, record_type=what, owner_organisation="", subject_ids=subject_ids
    )
    _audited(session, actor, Action.READ, target, Decision(False, reason, what), None, None)
    raise AssertionError("unreachable: _audited raises for a refusal")


def purpose_of(register: Register, purpose_id: str) -> Purpose | None:
    for purpose in register.purposes:
        if purpose.id == purpose_id:
            return purpose
    return None


def needs_consent(purpose: Purpose) -> bool:
    return purpose.basis.art6 == Art6.CONSENT or purpose.basis.art9 == Art9.EXPLICIT_CONSENT


_SUBJECT_COLUMNS = select(Subject.id, Subject.state, Subject.restricted, Subject.objection_pending)
_SUBJECT = _SUBJECT_COLUMNS.where(Subject.id == bindparam("id"))
_SUBJECTS = _SUBJECT_COLUMNS.where(Subject.id.in_(bindparam("ids", expanding=True)))


def subject_facts(
    session: Session,
    subject_ids: Iterable[uuid.UUID],
    purpose: Purpose | None,
    target: Target,
) -> tuple[SubjectFacts, ...]:
    ids = tuple(dict.fromkeys(subject_ids))
    if not ids:
        return ()
    # The session's pending changes first (what ORM autoflush would do), then plain Core:
    # this runs on every access.
    if session.new or session.deleted or session.dirty:
        session.flush()
    connection = session.connection()
    if len(ids) == 1:
        rows = connection.execute(_SUBJECT, {"id": ids[0]})
    else:
        rows = connection.execute(_SUBJECTS, {"ids": list(ids)})
    found = {row.id: row for row in rows}
    asks_consent = purpose is not None and needs_consent(purpose)
    subjects = []
    for sid in ids:
        row = found.get(sid)
        if row is None:
            subjects.append(SubjectFacts(id=sid, exists=False, state="erased"))
            continue
        consent = None
        if asks_consent and purpose is not None:
            consent = facts.consent_state(
                session, subject_id=sid, purpose=purpose.id, controller=target.owner_organisation
            )
        subjects.append(
            SubjectFacts(
                id=sid,
                state=row.state,
                restricted=bool(row.restricted),
                objection_pending=bool(row.objection_pending),
                consent=consent,
            )
        )
    return tuple(subjects)


def active_grant(
    session: Session, *, actor: Actor, record_id: uuid.UUID | None, at: datetime | None = None
) -> uuid.UUID | None:
    """The actor's current access grant for this record, if any (expired grants do nothing)."""
    if actor.id is None or record_id is None:
        return None
    now = at or utcnow()
    return session.scalar(
        select(AccessGrant.id)
        .where(
            AccessGrant.actor_id == actor.id,
            AccessGrant.record_id == record_id,
            AccessGrant.granted_at <= now,
            AccessGrant.expires_at > now,
        )
        .limit(1)
    )


# --- listings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeColumns:
    """The caller's columns the gate filters a listing on.

    `shared_with(org)` returns a clause true for rows shared with `org` (a share table, a
    referral's recipient column...). `record_id` lets current access grants show in the
    list; `subject_id` hides people who are erased, restricted or objecting for this purpose.
    """

    owner_organisation: Any
    assigned_user: Any = None
    team: Any = None
    record_id: Any = None
    shared_with: Callable[[str], ColumnElement[bool]] | None = None
    subject_id: Any = None


@dataclass(frozen=True)
class Visible:
    decision: Decision
    where: ColumnElement[bool]


def visible(
    session: Session,
    *,
    actor: Actor,
    purpose: str,
    record_type: str,
    register: str,
    columns: ScopeColumns,
    categories: Iterable[str] | None = None,
    action: Action = Action.LIST,
) -> Visible:
    """Authorize a listing and return the filter for the rows this actor may see.

    Use as `select(Case).where(scope.where)`; the listing itself is audited. Raises
    AccessDenied (audited) when the actor may not list these records at all. Statistics
    pass `action=Action.AGGREGATE`: the rows to count, never an identifying category.
    """
    if action not in (Action.LIST, Action.AGGREGATE, Action.EXPORT):
        raise ValueError(f"action: a listing is list, aggregate or export, not {action}")
    target = Target(
        register=register, record_type=record_type, owner_organisation=actor.organisation
    )
    decision = authorize(
        session,
        actor=actor,
        purpose=purpose,
        action=action,
        target=target,
        categories=categories,
    )
    reg = current_registry().get(register)
    roles = roles_for(actor, reg, purpose)
    # Anonymous work (an anonymous-only role, or counting) is not bound to a caseload.
    anonymous = all(r.anonymous_only for r in roles) or action == Action.AGGREGATE
    clause = and_(
        _organisation_clause(reg, actor, columns, anonymous=anonymous),
        _caseload_clause(session, actor, columns, caseload_of(roles), anonymous=anonymous),
        _subject_clause(columns, purpose_of(reg, purpose)),
    )
    return Visible(decision=decision, where=clause)


def _organisation_clause(
    register: Register, actor: Actor, columns: ScopeColumns, *, anonymous: bool
) -> ColumnElement[bool]:
    org = actor.organisation
    owners = [
        o.id
        for o in register.organisations
        if o.id != org
        and (
            access := organisation_access(
                register, org, Target(register.id, "", owner_organisation=o.id)
            )
        )
        is not None
        and (access == "full" or anonymous)
    ]
    clauses = [columns.owner_organisation == org]
    if owners:
        clauses.append(columns.owner_organisation.in_(owners))
    if columns.shared_with is not None:
        clauses.append(columns.shared_with(org))
    return or_(*clauses)


def _caseload_clause(
    session: Session, actor: Actor, columns: ScopeColumns, caseload: str, *, anonymous: bool
) -> ColumnElement[bool]:
    if caseload == "organisation" or anonymous:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if caseload in ("own", "team") and actor.id is not None:
        if columns.assigned_user is None:
            raise ValueError(f"listing with a {caseload!r} caseload needs the assigned_user column")
        clauses.append(columns.assigned_user == actor.id)
    if caseload == "team":
        if columns.team is None:
            raise ValueError("listing with a 'team' caseload needs the team column")
        if actor.teams:
            clauses.append(columns.team.in_(sorted(actor.teams)))
    if columns.record_id is not None and actor.id is not None:
        now = utcnow()
        clauses.append(
            columns.record_id.in_(
                select(AccessGrant.record_id).where(
                    AccessGrant.actor_id == actor.id,
                    AccessGrant.granted_at <= now,
                    AccessGrant.expires_at > now,
                )
            )
        )
    return or_(*clauses) if clauses else false()


def _subject_clause(columns: ScopeColumns, purpose: Purpose | None) -> ColumnElement[bool]:
    if columns.subject_id is None or purpose is None:
        return true()
    conditions: list[ColumnElement[bool]] = [Subject.state == "active"]
    if not survives_restriction(purpose):
        conditions.append(Subject.restricted.is_(False))
        if purpose.basis.art6 in (Art6.PUBLIC_TASK, Art6.LEGITIMATE_INTERESTS):
            conditions.append(Subject.objection_pending.is_(False))
    clause: ColumnElement[bool] = columns.subject_id.in_(select(Subject.id).where(*conditions))
    if needs_consent(purpose):
        # The consent ledger's rule as SQL, as its holder gives it (false with no ledger).
        given = facts.consent_given(
            subject_id=columns.subject_id, controller=columns.owner_organisation, purpose=purpose.id
        )
        return and_(clause, given)
    return clause
