"""Caseload views for the staff pages: who the person is, the reference, where the case is,
when contact is due and when the record is due for deletion, and counts for dashboards.

Every listing is scoped by the gate (`gate.visible`, one audited decision per register and
record type) and shows a person's name only where that decision allows the name category.
Search finds people through the blind indexes (`people.find_subjects`), then lists only the
cases of theirs the gate lets this person see.

Contact is due (the Victims' Code's first-contact times, in working days in England):
a referral not yet reached within 2 working days of arriving when the person is vulnerable
or it is domestic abuse (the enhanced entitlement), 5 otherwise; an engaged case 14 days
after its last contact. Closed and not-taken-up cases are not due.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from accord.cases import purposes, references
from accord.cases.models import Case
from accord.cases.reading import CASE_TYPES, scope_columns
from accord.gate import service as gate
from accord.gate.policy import caseload_of, roles_for
from accord.gate.types import AccessDenied, Actor
from accord.keys.normalise import name_dob_value
from accord.paging import MAX_LIMIT
from accord.people import service as people
from accord.register.registry import current_registry

OPEN = ("referred", "contacting", "engaged")
PRE_ENGAGEMENT = ("referred", "contacting")
ENHANCED_FIRST_CONTACT_DAYS = 2
FIRST_CONTACT_DAYS = 5
ENGAGED_CONTACT_DAYS = 14


@dataclass(frozen=True)
class Filters:
    """What to list, within what the gate lets the person see."""

    assigned_to: uuid.UUID | None = None
    teams: frozenset[str] | None = None
    unassigned: bool = False
    awaiting_routing: bool = False
    statuses: tuple[str, ...] = ()
    subject_ids: Collection[uuid.UUID] | None = None
    reference: str | None = None
    overdue: bool = False


@dataclass(frozen=True)
class CaseRow:
    id: uuid.UUID
    reference: str | None
    name: str | None  # None: the gate does not allow this person the name here
    register: str
    record_type: str
    status: str
    service: str | None
    proposed_service: str | None
    crime_type: str | None
    received_at: datetime
    last_contact_at: datetime | None
    contact_due: date | None
    retention_due: datetime | None
    assigned_user: uuid.UUID | None
    team: str | None
    routing_confirmed_at: datetime | None

    @property
    def overdue(self) -> bool:
        return self.contact_due is not None and self.contact_due < datetime.now(UTC).date()


@dataclass
class Listing:
    rows: list[CaseRow]
    total: int
    limit: int
    offset: int
    categories: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)


# --- when contact is due -------------------------------------------------------------------


@cache
def _bank_holidays() -> Any:
    import holidays  # a second to load: only the pages that show due dates pay for it

    return holidays.country_holidays("GB", subdiv="ENG")


def add_working_days(start: date, days: int) -> date:
    found, counted = start, 0
    holidays = _bank_holidays()
    while counted < days:
        found += timedelta(days=1)
        if found.weekday() < 5 and found not in holidays:
            counted += 1
    return found


def contact_due(case: Case) -> date | None:
    """When the next contact with the person is due (see the module's rule), or None."""
    if case.status in PRE_ENGAGEMENT:
        days = (
            ENHANCED_FIRST_CONTACT_DAYS
            if case.vulnerable or case.domestic_abuse
            else FIRST_CONTACT_DAYS
        )
        return add_working_days(case.received_at.date(), days)
    if case.status == "engaged":
        last = case.last_contact_at or case.received_at
        return (last + timedelta(days=ENGAGED_CONTACT_DAYS)).date()
    return None


def _maybe_overdue(now: datetime) -> ColumnElement[bool]:
    """A superset of the overdue cases in SQL (calendar days never exceed working days)."""
    return or_(
        and_(
            Case.status.in_(PRE_ENGAGEMENT),
            Case.received_at < now - timedelta(days=ENHANCED_FIRST_CONTACT_DAYS),
        ),
        and_(
            Case.status == "engaged",
            func.coalesce(Case.last_contact_at, Case.received_at)
            < now - timedelta(days=ENGAGED_CONTACT_DAYS),
        ),
    )


# --- scope ---------------------------------------------------------------------------------


def _registers(actor: Actor, register: str | None) -> list[str]:
    registry = current_registry()
    if register:
        return [register]
    return [r.id for r in registry.registers_of(actor.organisation)]


def scope(
    session: Session,
    *,
    actor: Actor,
    register: str | None = None,
    purpose: str = purposes.CASEWORK,
) -> tuple[ColumnElement[bool] | None, dict[tuple[str, str], frozenset[str]]]:
    """The gate's filter over every case record type the person may list for `purpose` (None:
    none), and the categories each listing decision allows. Refused only when nothing may be
    listed."""
    registry = current_registry()
    clauses: list[ColumnElement[bool]] = []
    allowed: dict[tuple[str, str], frozenset[str]] = {}
    denial: AccessDenied | None = None
    for register_id in _registers(actor, register):
        reg = registry.get(register_id)
        for record_type in CASE_TYPES:
            if not any(rt.id == record_type for rt in reg.record_types):
                continue
            try:
                visible = gate.visible(
                    session,
                    actor=actor,
                    purpose=purpose,
                    record_type=record_type,
                    register=register_id,
                    columns=scope_columns(),
                )
            except AccessDenied as exc:
                denial = denial or exc
                continue
            allowed[(register_id, record_type)] = visible.decision.categories
            clauses.append(
                and_(Case.register == register_id, Case.record_type == record_type, visible.where)
            )
    if not clauses:
        if denial is not None:
            raise denial
        return None, allowed
    return or_(*clauses), allowed


def caseload_kind(
    actor: Actor, register: str | None = None, purpose: str = purposes.CASEWORK
) -> str:
    """The broadest caseload the person's roles for `purpose` give: none, own, team or
    organisation."""
    registry = current_registry()
    roles = [
        role
        for register_id in _registers(actor, register)
        for role in roles_for(actor, registry.get(register_id), purpose)
    ]
    return caseload_of(roles)


def team_view(actor: Actor) -> str | None:
    """How the person sees their team's cases: "casework" when their casework roles reach the
    team's (or organisation's) cases, "outline" when a register grants them only the team's
    list in outline (`purposes.TEAM_CASELOAD`: the full case stays with their own caseload or
    an access request), None when they see no team's cases."""
    if caseload_kind(actor) in ("team", "organisation"):
        return "casework"
    if caseload_kind(actor, purpose=purposes.TEAM_CASELOAD) in ("team", "organisation"):
        return "outline"
    return None


def _filtered(where: ColumnElement[bool], filters: Filters, now: datetime) -> Any:
    query = select(Case).where(where)
    if filters.assigned_to is not None:
        query = query.where(Case.assigned_user == filters.assigned_to)
    if filters.teams is not None:
        query = query.where(Case.team.in_(sorted(filters.teams)))
    if filters.unassigned:
        query = query.where(Case.assigned_user.is_(None))
    if filters.awaiting_routing:
        query = query.where(Case.status.in_(PRE_ENGAGEMENT), Case.routing_confirmed_at.is_(None))
    if filters.statuses:
        query = query.where(Case.status.in_(filters.statuses))
    if filters.subject_ids is not None:
        query = query.where(Case.subject_id.in_(list(filters.subject_ids)))
    if filters.reference is not None:
        query = query.where(Case.reference == filters.reference)
    if filters.overdue:
        query = query.where(_maybe_overdue(now))
    return query


def list_cases(
    session: Session,
    *,
    actor: Actor,
    filters: Filters = Filters(),
    register: str | None = None,
    limit: int = 50,
    offset: int = 0,
    purpose: str = purposes.CASEWORK,
) -> Listing:
    """A page of cases listed for `purpose`, oldest due first for overdue lists, else newest
    first."""
    limit = max(1, min(limit, MAX_LIMIT))
    where, allowed = scope(session, actor=actor, register=register, purpose=purpose)
    if where is None or (filters.subject_ids is not None and not filters.subject_ids):
        return Listing(rows=[], total=0, limit=limit, offset=offset, categories=allowed)
    now = datetime.now(UTC)
    query = _filtered(where, filters, now)
    if filters.overdue:
        # The exact rule needs working days: checked in Python over the SQL superset.
        found = [
            c
            for c in session.scalars(query.order_by(Case.received_at, Case.id))
            if (due := contact_due(c)) is not None and due < now.date()
        ]
        found.sort(key=lambda c: (contact_due(c) or now.date(), c.received_at))
        total = len(found)
        page = found[offset : offset + limit]
    else:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = list(
            session.scalars(
                query.order_by(Case.received_at.desc(), Case.id).limit(limit).offset(offset)
            )
        )
    rows = [_row(session, case, allowed) for case in page]
    return Listing(rows=rows, total=total, limit=limit, offset=offset, categories=allowed)


def _row(session: Session, case: Case, allowed: dict[tuple[str, str], frozenset[str]]) -> CaseRow:
    return CaseRow(
        id=case.id,
        reference=case.reference,
        name=_name(session, case, allowed.get((case.register, case.record_type), frozenset())),
        register=case.register,
        record_type=case.record_type,
        status=case.status,
        service=case.service,
        proposed_service=case.proposed_service,
        crime_type=case.crime_type,
        received_at=case.received_at,
        last_contact_at=case.last_contact_at,
        contact_due=contact_due(case),
        retention_due=case.retention_due,
        assigned_user=case.assigned_user,
        team=case.team,
        routing_confirmed_at=case.routing_confirmed_at,
    )


def _name(session: Session, case: Case, categories: frozenset[str]) -> str | None:
    register = current_registry().get(case.register)
    fields = purposes.field_categories(register, case.record_type)
    shown = [f for f in ("given_name", "family_name") if fields.get(f) in categories]
    if not shown:
        return None
    values = people.unseal(session, subject_id=case.subject_id, blob=case.identity)
    name = " ".join(str(values[f]) for f in shown if values.get(f))
    return name or None


# --- counts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    mine_open: int = 0
    awaiting_routing: int = 0
    unassigned: int = 0
    overdue: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_assignee: dict[uuid.UUID | None, int] = field(default_factory=dict)


def counts(
    session: Session, *, actor: Actor, register: str | None = None, overdue: bool = True
) -> Counts:
    """Numbers only (no names) for the home page and the team dashboard; `overdue=False`
    skips the one count that reads each candidate case (0 is given instead)."""
    where, _ = scope(session, actor=actor, register=register)
    if where is None:
        return Counts()
    now = datetime.now(UTC)

    def count(filters: Filters) -> int:
        query = _filtered(where, filters, now)
        return session.scalar(select(func.count()).select_from(query.subquery())) or 0

    by_status: dict[str, int] = {
        row.status: row.n
        for row in session.execute(
            select(Case.status, func.count().label("n")).where(where).group_by(Case.status)
        )
    }
    by_assignee: dict[uuid.UUID | None, int] = {
        row.assigned_user: row.n
        for row in session.execute(
            select(Case.assigned_user, func.count().label("n"))
            .where(where, Case.status.in_(OPEN))
            .group_by(Case.assigned_user)
        )
    }
    late = (
        sum(
            1
            for c in session.scalars(_filtered(where, Filters(overdue=True), now))
            if (due := contact_due(c)) is not None and due < now.date()
        )
        if overdue
        else 0
    )
    return Counts(
        mine_open=count(Filters(assigned_to=actor.id, statuses=OPEN)) if actor.id else 0,
        awaiting_routing=count(Filters(awaiting_routing=True)),
        unassigned=count(Filters(unassigned=True, statuses=OPEN)),
        overdue=late,
        by_status=by_status,
        by_assignee=by_assignee,
    )


# --- search --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    name: str = ""
    date_of_birth: date | None = None
    reference: str = ""
    crime_number: str = ""
    phone: str = ""

    def empty(self) -> bool:
        return not (
            self.name or self.date_of_birth or self.reference or self.crime_number or self.phone
        )


class SearchError(ValueError):
    """A search that cannot be run as given; `field` names the box to correct."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def search(
    session: Session,
    *,
    actor: Actor,
    query: Search,
    limit: int = 50,
    offset: int = 0,
) -> Listing:
    """Cases matching every box filled in: a reference as typed, or people found through the
    blind indexes (full name with date of birth, a date of birth alone, phone number, crime
    number). Whoever is found, only the cases the gate lets this person see are listed."""
    if query.empty():
        raise SearchError(
            "name", "Enter a name and date of birth, a reference, a crime number or a phone number"
        )
    if query.name and not query.date_of_birth:
        raise SearchError(
            "date_of_birth", "Enter the person's full name and their date of birth together"
        )
    filters = Filters()
    if query.reference:
        normal = references.normalise(query.reference)
        if normal is None:
            raise SearchError("reference", "Enter a case reference like LVWS-2026-000123")
        filters = replace(filters, reference=normal)
    subject_sets: list[set[uuid.UUID]] = []
    lookups: list[tuple[str, str, str]] = []
    if query.name and query.date_of_birth:
        lookups.append(
            ("name", "name_dob", name_dob_value(query.name, query.date_of_birth.isoformat()))
        )
    elif query.date_of_birth:
        lookups.append(("date_of_birth", "date_of_birth", query.date_of_birth.isoformat()))
    if query.phone:
        lookups.append(("phone", "phone", query.phone))
    if query.crime_number:
        lookups.append(("crime_number", "crime_number", query.crime_number))
    for field_, kind, value in lookups:
        subject_sets.append(_subjects(session, actor, field_, kind, value))
    if subject_sets:
        filters = replace(filters, subject_ids=set.intersection(*subject_sets))
    return list_cases(session, actor=actor, filters=filters, limit=limit, offset=offset)


def _subjects(session: Session, actor: Actor, field_: str, kind: str, value: str) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for register_id in _registers(actor, None):
        try:
            found.update(
                people.find_subjects(session, register=register_id, kind=kind, value=value)
            )
        except ValueError:
            words = {
                "name": "Enter the full name and a real date of birth",
                "date_of_birth": "Enter a real date of birth, for example 27 3 1986",
                "phone": "Enter a phone number using digits, like 07700 900123",
                "crime_number": "Enter a crime number like 1234567/26",
            }
            raise SearchError(field_, words[field_]) from None
    return found
