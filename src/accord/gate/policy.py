"""The access decision as a pure function over facts the service has gathered.

No database, no clock: `decide(facts)` is fast and property-tested. The order of the checks
fixes which reason a refusal reports when several apply (the most fundamental first).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from accord.gate.index import index_of
from accord.gate.permissions import required_permissions
from accord.gate.types import Action, Actor, Decision, ReasonCode, Target
from accord.register.schema import (
    Art6,
    Art9,
    CategoryKind,
    DataCategory,
    Purpose,
    RecordType,
    Register,
    Role,
    SharingKind,
)

WRITES = frozenset({Action.CREATE, Action.UPDATE})
# Actions on one identified record (as opposed to creating one or working over a type).
_ON_RECORD = frozenset({Action.READ, Action.UPDATE, Action.DELETE, Action.DISCLOSE})
_CASELOAD_RANK = {"none": 0, "own": 1, "team": 2, "organisation": 3}
# Art 21: an objection stops processing on these bases until it is decided.
_OBJECTABLE = frozenset({Art6.PUBLIC_TASK, Art6.LEGITIMATE_INTERESTS})


@dataclass(frozen=True)
class SubjectFacts:
    id: uuid.UUID
    exists: bool = True  # False once erased (the subject row is deleted with the key)
    state: str = "active"  # active | erased | anonymised
    restricted: bool = False
    objection_pending: bool = False
    consent: str | None = None  # given | refused | withdrawn | None (not recorded)


@dataclass(frozen=True)
class Facts:
    actor: Actor
    purpose: str
    action: Action
    target: Target
    register: Register
    requested: frozenset[str] | None = None  # None: every category the purpose may see
    subjects: tuple[SubjectFacts, ...] = ()
    grant_active: bool = False  # a current access grant outside the caseload
    extra_permission: str | None = None  # a further requirement named by the caller
    detail: list[str] = field(default_factory=list, compare=False)


def decide(facts: Facts) -> Decision:
    reason, categories = _decide(facts)
    allowed = reason in (ReasonCode.ALLOWED, ReasonCode.ALLOWED_OUTSIDE_CASELOAD)
    return Decision(
        allowed=allowed,
        reason=reason,
        purpose=facts.purpose,
        categories=categories if allowed else frozenset(),
    )


def _decide(f: Facts) -> tuple[ReasonCode, frozenset[str]]:
    register, actor, target = f.register, f.actor, f.target
    index = index_of(register)
    purpose = index.purposes.get(f.purpose)
    if purpose is None:
        return ReasonCode.UNKNOWN_PURPOSE, frozenset()
    record_type = index.record_types.get(target.record_type)
    if record_type is None:
        return ReasonCode.UNKNOWN_RECORD_TYPE, frozenset()

    if not target.owner_organisation:
        # Whose record it is decides everything after this: never wave an ownerless one through.
        return ReasonCode.NO_OWNER, frozenset()

    held = permissions_in(actor, register)
    needed = required_permissions(register, record_type.id, f.action)
    if not any(p in held for p in needed):
        return ReasonCode.NO_PERMISSION, frozenset()
    if f.extra_permission is not None and f.extra_permission not in held:
        return ReasonCode.NO_PERMISSION, frozenset()

    roles = roles_for(actor, register, purpose.id)
    if not roles:
        return ReasonCode.PURPOSE_NOT_FOR_ROLE, frozenset()
    if purpose.id not in record_type.purposes:
        return ReasonCode.PURPOSE_NOT_FOR_RECORD, frozenset()

    anonymous = all(r.anonymous_only for r in roles)
    on_record = on_one_record(f.action, target)
    if anonymous and record_type.personal_data and on_record:
        # One person's record is identifying whatever fields are shown.
        return ReasonCode.ANONYMOUS_ONLY, frozenset()

    share = organisation_access(register, actor.organisation, target)
    if share is None:
        return ReasonCode.NOT_SHARED_WITH_ORGANISATION, frozenset()
    if share == "anonymous":
        if record_type.personal_data and on_record:
            return ReasonCode.ANONYMOUS_ONLY, frozenset()
        anonymous = True

    if record_type.personal_data:
        subject_reason = _subject_check(f, purpose)
        if subject_reason is not None:
            return subject_reason, frozenset()

    outside = False
    if record_type.personal_data and on_record and not in_caseload(roles, actor, target):
        if not f.grant_active:
            return ReasonCode.OUTSIDE_CASELOAD, frozenset()
        outside = True

    allowed = allowed_categories(
        register,
        purpose,
        record_type,
        anonymous=anonymous,
        # Counts never need to identify anyone, whoever asks.
        aggregate=f.action == Action.AGGREGATE,
    )
    if f.requested is None:
        categories = allowed
    else:
        categories = f.requested & allowed
        if f.action in WRITES and not f.requested <= allowed:
            # Writing data the purpose may not hold is a minimisation breach, not a filter.
            return ReasonCode.CATEGORY_NOT_FOR_PURPOSE, frozenset()
        if f.requested and not categories:
            reason = ReasonCode.ANONYMOUS_ONLY if anonymous else ReasonCode.CATEGORY_NOT_FOR_PURPOSE
            return reason, frozenset()
    reason = ReasonCode.ALLOWED_OUTSIDE_CASELOAD if outside else ReasonCode.ALLOWED
    return reason, categories


def _subject_check(f: Facts, purpose: Purpose) -> ReasonCode | None:
    needs_consent = purpose.basis.art6 == Art6.CONSENT or (
        purpose.basis.art9 == Art9.EXPLICIT_CONSENT
    )
    for subject in f.subjects:
        if not subject.exists or subject.state in ("erased", "anonymised"):
            return ReasonCode.DISPOSED
    survives = survives_restriction(purpose)
    for subject in f.subjects:
        if subject.restricted and not survives:
            return ReasonCode.RESTRICTED
    for subject in f.subjects:
        if subject.objection_pending and purpose.basis.art6 in _OBJECTABLE and not survives:
            return ReasonCode.OBJECTION_PENDING
    # Deleting is what a withdrawal asks for, so it never waits on consent.
    if needs_consent and f.action != Action.DELETE:
        for subject in f.subjects:
            if subject.consent != "given":
                return ReasonCode.NO_CONSENT
    return None


def survives_restriction(purpose: Purpose) -> bool:
    """Whether processing for `purpose` goes on while a person's processing is restricted
    (Art 18(2)): storage, which the register marks, and legal claims (an Art 9(2)(f) purpose)."""
    return purpose.survives_restriction or purpose.basis.art9 is Art9.LEGAL_CLAIMS


def on_one_record(action: Action, target: Target) -> bool:
    """Whether the access is to identified people: one record, or named subjects (an act on
    a person reaches every record of theirs, so it is bound by caseload like a record)."""
    return action in _ON_RECORD and (target.record_id is not None or bool(target.subject_ids))


def roles_for(actor: Actor, register: Register, purpose: str | None = None) -> list[Role]:
    """The actor's roles granted in `register` (for its organisation), listing `purpose`."""
    memo = index_of(register).memo
    key = ("roles", actor.roles, actor.grants, actor.organisation, purpose)
    if key not in memo:
        memo[key] = _roles_for(actor, register, purpose)
    return list(memo[key])


def permissions_in(actor: Actor, register: Register) -> frozenset[str]:
    """The permissions the actor's roles in `register` grant (within `actor.permissions`).

    A permission held through a role of another register does not count here.
    """
    memo = index_of(register).memo
    key = ("permissions", actor.roles, actor.grants, actor.organisation, actor.permissions)
    if key not in memo:
        granted: set[str] = set()
        for role in _roles_for(actor, register, None):
            granted.update(role.permissions)
        memo[key] = frozenset(granted) & actor.permissions
    found: frozenset[str] = memo[key]
    return found


def holds(actor: Actor, register: Register, permission: str, purpose: str | None = None) -> bool:
    """Whether one of the actor's roles in `register` (listing `purpose`, when given) grants
    `permission`."""
    if permission not in actor.permissions:
        return False
    return any(permission in role.permissions for role in roles_for(actor, register, purpose))


def _roles_for(actor: Actor, register: Register, purpose: str | None) -> list[Role]:
    # Role ids repeat across registers: a role counts only in the register it was granted in
    # (an actor built without grants: wherever its organisation is).
    if actor.organisation not in index_of(register).organisation_roles:
        return []
    held = actor.roles_in(register.id)
    found = []
    for role in register.roles:
        if role.id not in held:
            continue
        if role.organisation is not None and role.organisation != actor.organisation:
            continue
        if purpose is not None and purpose not in role.purposes:
            continue
        found.append(role)
    return found


def caseload_of(roles: Iterable[Role]) -> str:
    """The broadest caseload among roles (a team manager who is also a caseworker sees the team)."""
    best = "none"
    for role in roles:
        if _CASELOAD_RANK.get(role.caseload, 0) > _CASELOAD_RANK[best]:
            best = role.caseload
    return best


def in_caseload(roles: Iterable[Role], actor: Actor, target: Target) -> bool:
    caseload = caseload_of(roles)
    own = actor.id is not None and target.assigned_user == actor.id
    if caseload == "organisation":
        return True
    if caseload == "team":
        return own or (target.team is not None and target.team in actor.teams)
    if caseload == "own":
        return own
    return False


def organisation_access(register: Register, organisation: str, target: Target) -> str | None:
    """How `organisation` may reach the target's owner's data: "full", "anonymous" or None."""
    owner = target.owner_organisation
    if organisation == owner or organisation in target.shared_with:
        return "full"
    memo = index_of(register).memo
    key = ("share", owner, organisation)
    if key not in memo:
        memo[key] = _register_access(register, owner, organisation)
    access: str | None = memo[key]
    return access


def _register_access(register: Register, owner: str, organisation: str) -> str | None:
    """Access the register itself gives (joint controllers, sharing rules), not per record."""
    if _joint_controllers(register, owner, organisation):
        return "full"
    anonymous = False
    for rule in register.sharing:
        if owner not in rule.from_organisations:
            continue
        if organisation not in _recipient_organisations(register, rule.recipients):
            continue
        if rule.kind == SharingKind.JOINT_CONTROLLERS:
            return "full"
        if rule.kind == SharingKind.ANONYMOUS_STATISTICS or not rule.identifying:
            anonymous = True
    return "anonymous" if anonymous else None


def _joint_controllers(register: Register, owner: str, organisation: str) -> bool:
    roles = index_of(register).organisation_roles
    return roles.get(owner) == roles.get(organisation) == "joint_controller"


def _recipient_organisations(register: Register, recipients: Iterable[str]) -> set[str]:
    by_id = index_of(register).recipient_organisations
    return {by_id.get(rid, rid) for rid in recipients}


def allowed_categories(
    register: Register,
    purpose: Purpose,
    record_type: RecordType,
    *,
    anonymous: bool,
    aggregate: bool = False,
) -> frozenset[str]:
    """Purpose's categories ∩ record type's, less what the basis or the role cannot have."""
    index = index_of(register)
    key = ("categories", purpose.id, record_type.id, anonymous, aggregate)
    if key not in index.memo:
        index.memo[key] = _allowed_categories(
            index.categories, purpose, record_type, anonymous=anonymous, aggregate=aggregate
        )
    found: frozenset[str] = index.memo[key]
    return found


def _allowed_categories(
    kinds: dict[str, DataCategory],
    purpose: Purpose,
    record_type: RecordType,
    *,
    anonymous: bool,
    aggregate: bool,
) -> frozenset[str]:
    result = set()
    for cid in set(purpose.categories) & set(record_type.categories):
        category = kinds.get(cid)
        if category is None:
            continue
        if category.kind == CategoryKind.SPECIAL and purpose.basis.art9 is None:
            continue
        if category.kind == CategoryKind.CRIMINAL_OFFENCE and purpose.basis.art10 is None:
            continue
        if (anonymous or aggregate) and category.identifying:
            continue
        if anonymous and category.kind == CategoryKind.SPECIAL:
            continue
        result.add(cid)
    return frozenset(result)
