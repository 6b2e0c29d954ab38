"""The gate's vocabulary: who asks (Actor), for what (Target, Action, purpose), and the answer.

Every domain service builds a Target for the record it touches and calls
`accord.gate.service.authorize(...)`; nothing else reads or writes personal data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from accord.errors import Refused


class Action(StrEnum):
    READ = "read"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    DISCLOSE = "disclose"
    EXPORT = "export"
    # Statistics over a record type (counts, rates): no record is identified, and the decision
    # never includes an identifying category.
    AGGREGATE = "aggregate"


class ReasonCode(StrEnum):
    ALLOWED = "allowed"
    ALLOWED_OUTSIDE_CASELOAD = "allowed-outside-caseload"
    NO_PERMISSION = "no-permission"
    PURPOSE_NOT_FOR_ROLE = "purpose-not-for-role"
    PURPOSE_NOT_FOR_RECORD = "purpose-not-for-record"
    NOT_SHARED_WITH_ORGANISATION = "not-shared-with-organisation"
    OUTSIDE_CASELOAD = "outside-caseload"
    NO_CONSENT = "no-consent"
    RESTRICTED = "restricted"
    OBJECTION_PENDING = "objection-pending"
    DISPOSED = "disposed"
    ANONYMOUS_ONLY = "anonymous-only"
    UNKNOWN_PURPOSE = "unknown-purpose"
    UNKNOWN_RECORD_TYPE = "unknown-record-type"
    CATEGORY_NOT_FOR_PURPOSE = "category-not-for-purpose"
    NO_OWNER = "no-owner"


@dataclass(frozen=True)
class Actor:
    """A signed-in user, an API token acting for a machine, or the system itself (jobs).

    `grants` binds each role to the register it was granted in, as (register id, role id):
    role ids repeat across registers, and a role (with its permissions) counts only in its
    own register. People and tokens always carry grants (`accounts.actor`). An actor built
    without grants (a job, a test) holds its roles in every register naming its organisation.
    `permissions` caps what the roles grant (a token may be limited to some of them).
    """

    id: uuid.UUID | None
    kind: Literal["user", "token", "system"]
    organisation: str  # register organisation id, e.g. "victim-support"
    roles: frozenset[str]
    permissions: frozenset[str]
    teams: frozenset[str] = frozenset()
    name: str = ""
    grants: frozenset[tuple[str, str]] = frozenset()

    @property
    def bound(self) -> bool:
        return bool(self.grants)

    def roles_in(self, register: str) -> frozenset[str]:
        """The role ids this actor holds in `register`."""
        if not self.grants:
            return self.roles
        return frozenset(role for reg, role in self.grants if reg == register)


@dataclass(frozen=True)
class Target:
    """The record (or record type, for create/list) an access concerns."""

    register: str  # register id, e.g. "lvws"
    record_type: str  # register record type id
    owner_organisation: str
    record_id: uuid.UUID | None = None
    service: str | None = None
    subject_ids: tuple[uuid.UUID, ...] = ()
    assigned_user: uuid.UUID | None = None
    team: str | None = None
    # organisations it was referred or disclosed to, or joint controllers of it
    shared_with: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: ReasonCode
    purpose: str
    # data minimisation: the categories the response may hold (empty when denied)
    categories: frozenset[str] = field(default_factory=frozenset)
    audit_id: uuid.UUID | None = None


class AccessDenied(Refused):
    """Raised by the gate after it has audited a refusal: 403, with the reason code."""

    def __init__(self, decision: Decision, detail: str = "") -> None:
        self.decision = decision
        reason = decision.reason.value
        super().__init__(reason, f"{reason}: {detail}" if detail else reason)
