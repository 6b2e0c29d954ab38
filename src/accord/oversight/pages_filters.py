"""What the DPO's log pages share: the services a DPO oversees, the service and date filters
checked into errors a page shows, staff names, and the page itself."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from accord.accounts.models import User
from accord.gate import audit
from accord.gate.catalogue import Permission
from accord.gate.service import holds_permission, refuse
from accord.gate.types import Actor, ReasonCode
from accord.register.registry import current_registry
from accord.register.schema import Register
from accord.web.templating import templates

PAGE_SIZE = 50
Row = TypeVar("Row")


@dataclass(frozen=True)
class Found:
    """One page of a log, in the page's words, and how many entries match in all."""

    rows: list[dict[str, Any]]
    total: int


def overseen(actor: Actor, permission: Permission) -> list[Register]:
    """The registers where the actor oversees `permission`'s records: they hold it and the
    audit trail's read permission there, as their organisation's DPO does."""
    return [
        register
        for register in current_registry().registers_of(actor.organisation)
        if holds_permission(actor, permission, register.id)
        and holds_permission(actor, Permission.AUDIT_TRAIL_READ, register.id)
    ]


def parse_day(value: str, field: str, errors: dict[str, str]) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[field] = "Enter a real date, for example 2026-11-30"
        return None


def one_page(
    session: Session,
    query: Select[Row],
    moment: Any,
    *,
    since: date | None,
    until: date | None,
    page: int,
    order: tuple[Any, ...],
) -> tuple[list[Row], int]:
    """The `page`th page of `query`'s rows whose `moment` falls on `since` to `until` (UTC
    days), in `order`, and how many match in all."""
    if since:
        query = query.where(moment >= datetime.combine(since, time(0, 0), tzinfo=UTC))
    if until:
        end = datetime.combine(until + timedelta(days=1), time(0, 0), tzinfo=UTC)
        query = query.where(moment < end)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return list(rows), total


class Filters:
    """A log page's query checked: the services the actor oversees (none: refused, audited
    as `what`), the chosen one, the dates, and an error for each field that is wrong."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        permission: Permission,
        what: str,
        query: dict[str, str],
    ) -> None:
        self.services = {r.id: r.title for r in overseen(actor, permission)}
        if not self.services:
            refuse(session, actor=actor, what=what, reason=ReasonCode.NO_PERMISSION)
        self.query = query
        self.errors: dict[str, str] = {}
        if query["service"] and query["service"] not in self.services:
            self.errors["service"] = "Select a service you oversee"
        self.since = parse_day(query["since"], "since", self.errors)
        self.until = parse_day(query["until"], "until", self.errors)
        if self.since and self.until and self.since > self.until:
            self.errors["until"] = "The end date must be the same as or after the start date"

    def page(self, request: Request, template: str, found: Any, page: int, **more: Any) -> Response:
        """The page: the filters as given, errors (400) or one page of what was found."""
        return templates.TemplateResponse(
            request,
            template,
            {
                "query": self.query,
                "services": self.services,
                "found": found,
                "page": page,
                "pages": max(1, -(-found.total // PAGE_SIZE)) if found else 1,
                "errors": self.errors,
                **more,
            },
            status_code=400 if self.errors else 200,
        )


def names_of(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    return {u.id: u.name for u in session.scalars(select(User).where(User.id.in_(ids)))}


def who(names: dict[uuid.UUID, str], user: uuid.UUID | None, kind: str) -> str:
    """A staff member by name, or the kind of program that acted."""
    if user is not None and kind == "user":
        return names.get(user, "Someone no longer here")
    return "A partner's system" if kind == "token" else "accord, automatically"


def record_look(
    session: Session, *, actor: Actor, what: str, register: str, people: Iterable[uuid.UUID]
) -> None:
    """Audit a DPO's look at a log (`what`), naming the people whose entries it showed."""
    audit.record(
        session,
        audit.Event(
            actor=actor,
            action="list",
            purpose=what,
            register=register,
            record_type=what,
            reason="allowed",
            outcome="allowed",
            subject_ids=tuple(sorted(set(people), key=str)),
        ),
    )
