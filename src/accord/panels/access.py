"""The gate, as community safety casework calls it: targets, purposes and case loading."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord import errors
from accord.gate.service import authorize
from accord.gate.types import AccessDenied, Action, Actor, Decision, ReasonCode, Target
from accord.panels.models import CaseAgency, SafetyCase
from accord.register.registry import current_registry
from accord.register.schema import RecordType, Register

# Services that meet as a panel; the others (outreach, FGM) are casework without meetings.
PANEL_SERVICES = ("marac", "community-risk-panel", "iom")
REFERENCE_PREFIX = {
    "marac": "MARAC",
    "community-risk-panel": "CRP",
    "iom": "IOM",
    "dsv-outreach": "DSV",
    "fgm-service": "FGM",
}


class PanelError(errors.Invalid):
    """Bad input for panels or community safety cases: names the field and why."""


class NotFound(errors.NotFound):
    def __init__(self, what: str) -> None:
        super().__init__(what, f"No such {what}.")


def record_type_for(register: Register, service: str) -> RecordType:
    """The record type the register keeps a service's cases under (e.g. marac -> marac-case)."""
    for record_type in register.record_types:
        if record_type.service == service and record_type.personal_data:
            return record_type
    raise PanelError("service", f"register {register.id!r} keeps no case records for {service!r}")


def purpose_for(record_type: RecordType) -> str:
    """The service's own purpose: named like the service, else the record type's first."""
    if record_type.service in record_type.purposes:
        return record_type.service
    return record_type.purposes[0]


def note_category(record_type: RecordType, preferred: str) -> str:
    """The category free text is held under: the preferred one if the record type holds it
    (minutes-actions, partner-updates), else the general case information."""
    if preferred in record_type.categories:
        return preferred
    if "case-information" in record_type.categories:
        return "case-information"
    raise PanelError(
        "record_type", f"{record_type.id!r} holds neither {preferred!r} nor case notes"
    )


def agencies_of(session: Session, case_id: uuid.UUID) -> frozenset[str]:
    return frozenset(
        session.scalars(select(CaseAgency.organisation).where(CaseAgency.case_id == case_id))
    )


def case_target(
    case: SafetyCase, agencies: Iterable[str] = (), *, party: uuid.UUID | None = None
) -> Target:
    """The gate's view of a case; `party` adds one of its other people as a subject (e.g. to
    record telling a perpetrator, or not, that the case holds their data)."""
    subjects = (case.subject_id,) if party in (None, case.subject_id) else (case.subject_id, party)
    return Target(
        register=case.register,
        record_type=case.record_type,
        owner_organisation=case.organisation,
        record_id=case.id,
        service=case.service,
        subject_ids=tuple(s for s in subjects if s is not None),
        assigned_user=case.assigned_user,
        team=case.team,
        shared_with=frozenset(agencies),
    )


def case_purpose(case: SafetyCase) -> str:
    register = current_registry().get(case.register)
    return purpose_for(register.record_type(case.record_type))


def load_case(
    session: Session,
    *,
    actor: Actor,
    case_id: uuid.UUID,
    action: Action,
    categories: Iterable[str] | None = None,
    permission: str | None = None,
) -> tuple[SafetyCase, Decision]:
    """The case and the gate's decision; another organisation's unshared case is not found."""
    case = session.get(SafetyCase, case_id)
    if case is None:
        raise NotFound("case")
    try:
        decision = authorize(
            session,
            actor=actor,
            purpose=case_purpose(case),
            action=action,
            target=case_target(case, agencies_of(session, case.id)),
            categories=None if categories is None else frozenset(categories),
            permission=permission,
        )
    except AccessDenied as exc:
        if exc.decision.reason is ReasonCode.NOT_SHARED_WITH_ORGANISATION:
            raise NotFound("case") from None
        raise
    return case, decision
