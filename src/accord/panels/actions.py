"""Actions agreed on a case (owner agency, due date, status) and updates from partners.

Giving an action to a partner agency shares the case with that agency (the gate's
`shared_with`), and the first time it does, the sharing is written to the disclosure log.
Every action and update moves the case's last action, and so its retention clock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.disclosures.service import DisclosureBasis, log_disclosure
from accord.gate.catalogue import Permission
from accord.gate.types import Action, Actor
from accord.panels.access import (
    NotFound,
    PanelError,
    case_purpose,
    load_case,
    note_category,
)
from accord.panels.cases import _record_type, audit_update, touch
from accord.panels.models import CaseAction, CaseAgency, CaseParty, CaseUpdate, SafetyCase
from accord.people import service as people
from accord.register.registry import current_registry
from accord.store.base import utcnow

ACTION_STATUSES = ("open", "done", "cancelled")
MIN_TEXT_CHARS = 5


def _agency(case: SafetyCase, agency: str) -> tuple[str, str | None]:
    """(organisation id, register recipient id) for an agency named by either id."""
    register = current_registry().get(case.register)
    purpose = case_purpose(case)
    if agency == case.organisation:
        return agency, None
    for recipient in register.recipients:
        if purpose not in recipient.purposes:
            continue
        if agency in (recipient.id, recipient.organisation):
            return recipient.organisation or recipient.id, recipient.id
    raise PanelError(
        "owner_agency",
        f"{agency!r} is not a recipient for {purpose!r} in register {case.register!r}",
    )


def _share_with(session: Session, actor: Actor, case: SafetyCase, agency: str) -> str:
    organisation, recipient = _agency(case, agency)
    if recipient is None:
        return organisation
    if session.get(CaseAgency, (case.id, organisation)) is None:
        session.add(CaseAgency(case_id=case.id, organisation=organisation, recipient=recipient))
        held = set(_record_type(case).categories)
        shared: set[str] = set()
        for row in session.scalars(select(CaseParty).where(CaseParty.case_id == case.id)):
            shared.update(c for c in row.categories if c in held)
        shared.update(c for c in ("referral-forms", "minutes-actions") if c in held)
        log_disclosure(
            session,
            actor=actor,
            subject_id=case.subject_id,
            register=case.register,
            recipient=recipient,
            fields=sorted(shared),
            with_consent=False,
            basis=DisclosureBasis.PANEL,
            purpose=case_purpose(case),
            from_organisation=case.organisation,
            record_type=case.record_type,
            record_id=case.id,
            method="panel",
        )
    return organisation


def add_action(
    session: Session,
    *,
    actor: Actor,
    case_id: uuid.UUID,
    owner_agency: str,
    description: str,
    due_on: date,
    meeting_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> CaseAction:
    """Agree an action: who owns it (a partner agency or the council), what, and by when."""
    case = session.get(SafetyCase, case_id)
    if case is None:
        raise NotFound("case")
    category = note_category(_record_type(case), "minutes-actions")
    case, _ = load_case(
        session, actor=actor, case_id=case_id, action=Action.UPDATE, categories={category}
    )
    text = description.strip()
    if len(text) < MIN_TEXT_CHARS:
        raise PanelError("description", "say what is to be done")
    moment = at or utcnow()
    if due_on < moment.date():
        raise PanelError("due_on", "the due date is in the past")
    if case.status != "open":
        raise PanelError("case_id", "actions are agreed on open cases only")
    organisation = _share_with(session, actor, case, owner_agency)
    action = CaseAction(
        case_id=case.id,
        meeting_id=meeting_id,
        owner_agency=organisation,
        description=people.seal(session, subject_id=case.subject_id, values={category: text}),
        due_on=due_on,
        status="open",
        created_by=actor.id,
        created_at=moment,
    )
    session.add(action)
    touch(case, moment)
    session.flush()
    audit_update(
        session,
        actor=actor,
        case=case,
        ref="panel:action:created",
        row_id=action.id,
        category=category,
    )
    return action


def partner_update(
    session: Session,
    *,
    actor: Actor,
    case_id: uuid.UUID,
    text: str,
    action_id: uuid.UUID | None = None,
    action_status: str | None = None,
    at: datetime | None = None,
) -> CaseUpdate:
    """An update from an agency working the case (its own actions, or the case in general).

    Partners hold read access to shared cases and the action-update permission; they add
    updates, never edit the case. The gate checks both.
    """
    case = session.get(SafetyCase, case_id)
    if case is None:
        raise NotFound("case")
    category = note_category(_record_type(case), "partner-updates")
    case, _ = load_case(
        session,
        actor=actor,
        case_id=case_id,
        action=Action.READ,
        categories={category},
        permission=Permission.PANEL_ACTION_UPDATE.value,
    )
    body = text.strip()
    if len(body) < MIN_TEXT_CHARS:
        raise PanelError("text", "write the update")
    action: CaseAction | None = None
    if action_id is not None:
        action = session.get(CaseAction, action_id)
        if action is None or action.case_id != case.id:
            raise PanelError("action_id", "no such action on this case")
        if actor.organisation not in (action.owner_agency, case.organisation):
            raise PanelError("action_id", "only the owning agency or the panel updates an action")
    if action_status is not None:
        if action is None:
            raise PanelError("action_status", "name the action whose status changes")
        if action_status not in ACTION_STATUSES:
            raise PanelError(
                "action_status", f"{action_status!r} is not one of " + ", ".join(ACTION_STATUSES)
            )
    moment = at or utcnow()
    update = CaseUpdate(
        case_id=case.id,
        action_id=action_id,
        agency=actor.organisation,
        text=people.seal(session, subject_id=case.subject_id, values={category: body}),
        action_status=action_status,
        recorded_by=actor.id,
        recorded_at=moment,
    )
    session.add(update)
    if action is not None and action_status is not None:
        action.status = action_status
        action.completed_at = moment if action_status == "done" else None
    touch(case, moment)
    session.flush()
    audit_update(
        session, actor=actor, case=case, ref="panel:update", row_id=update.id, category=category
    )
    return update


@dataclass(frozen=True)
class ActionView:
    id: uuid.UUID
    owner_agency: str
    due_on: date
    status: str
    overdue: bool
    description: str | None  # None when the actor's purpose may not see the notes
    updates: list[tuple[datetime, str, str | None]]  # (when, agency, text)


def actions_of(
    session: Session, *, actor: Actor, case_id: uuid.UUID, today: date | None = None
) -> list[ActionView]:
    """The case's actions with their updates, oldest first."""
    case, decision = load_case(session, actor=actor, case_id=case_id, action=Action.READ)
    record_type = _record_type(case)
    action_cat = note_category(record_type, "minutes-actions")
    update_cat = note_category(record_type, "partner-updates")
    day = today or utcnow().date()

    def opened(blob: bytes, category: str) -> str | None:
        if category not in decision.categories:
            return None
        return str(people.unseal(session, subject_id=case.subject_id, blob=blob)[category])

    updates: dict[uuid.UUID | None, list[tuple[datetime, str, str | None]]] = {}
    for row in session.scalars(
        select(CaseUpdate).where(CaseUpdate.case_id == case.id).order_by(CaseUpdate.recorded_at)
    ):
        updates.setdefault(row.action_id, []).append(
            (row.recorded_at, row.agency, opened(row.text, update_cat))
        )
    return [
        ActionView(
            id=row.id,
            owner_agency=row.owner_agency,
            due_on=row.due_on,
            status=row.status,
            overdue=row.status == "open" and row.due_on < day,
            description=opened(row.description, action_cat),
            updates=updates.get(row.id, []),
        )
        for row in session.scalars(
            select(CaseAction).where(CaseAction.case_id == case.id).order_by(CaseAction.created_at)
        )
    ]
