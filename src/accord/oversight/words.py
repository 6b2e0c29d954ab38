"""The audit trail in a DPO's words: what was done and why the gate decided as it did."""

from __future__ import annotations

from accord.gate.types import ReasonCode
from accord.register.registry import current_registry

ACTIONS = {
    "read": "Opened",
    "list": "Listed",
    "create": "Created",
    "update": "Changed",
    "delete": "Deleted",
    "disclose": "Shared",
    "export": "Exported",
    "aggregate": "Counted",
    "grant": "Opened outside their caseload",
    "review": "Reviewed access",
}
REASONS = {
    ReasonCode.ALLOWED: "Allowed",
    ReasonCode.ALLOWED_OUTSIDE_CASELOAD: "Allowed outside their caseload, with a reason",
    ReasonCode.NO_PERMISSION: "Refused: their role does not allow it",
    ReasonCode.PURPOSE_NOT_FOR_ROLE: "Refused: not work their role does",
    ReasonCode.PURPOSE_NOT_FOR_RECORD: "Refused: not a reason this record is held for",
    ReasonCode.NOT_SHARED_WITH_ORGANISATION: "Refused: not shared with their organisation",
    ReasonCode.OUTSIDE_CASELOAD: "Refused: outside their caseload",
    ReasonCode.NO_CONSENT: "Refused: no consent",
    ReasonCode.RESTRICTED: "Refused: the person has restricted processing",
    ReasonCode.OBJECTION_PENDING: "Refused: the person's objection is being decided",
    ReasonCode.DISPOSED: "Refused: the record has been disposed of",
    ReasonCode.ANONYMOUS_ONLY: "Refused: their role sees anonymous figures only",
    ReasonCode.UNKNOWN_PURPOSE: "Refused: unknown reason for the work",
    ReasonCode.UNKNOWN_RECORD_TYPE: "Refused: unknown kind of record",
    ReasonCode.CATEGORY_NOT_FOR_PURPOSE: "Refused: information not needed for the work",
    ReasonCode.NO_OWNER: "Refused: the record has no owning organisation",
    "appropriate": "Access was appropriate",
    "inappropriate": "Access was not appropriate",
}


def action_words(action: str) -> str:
    return ACTIONS.get(action, action.replace("-", " ").capitalize())


def reason_words(reason: str) -> str:
    return REASONS.get(reason, reason.replace("-", " ").capitalize())


def record_words(register_id: str, record_type: str) -> str:
    """The register's own name for a kind of record, falling back to its id in words."""
    try:
        register = current_registry().get(register_id)
    except KeyError:
        return record_type.replace("-", " ")
    for kind in register.record_types:
        if kind.id == record_type:
            return kind.name
    return record_type.replace("-", " ")


def register_title(register_id: str) -> str:
    try:
        return current_registry().get(register_id).title
    except KeyError:
        return register_id
