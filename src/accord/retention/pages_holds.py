"""Legal holds on the DPO's pages (`/retention/holds`): the holds in force (who placed them,
why, since when), a form to hold a case or record, everything about a person, or a kind of
record (checked before it is placed), and the release of a hold.

Holds are placed and released through `retention.holds`, as the API does; a case is found by
its reference through casework's own search, so the gate decides what the DPO may find.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.cases import caseload, references
from accord.deps import DbSession
from accord.errors import Invalid
from accord.gate.catalogue import Permission
from accord.gate.service import holds_permission
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.retention import holds, stores, words
from accord.retention.declare import DueRow
from accord.retention.models import RetentionHold
from accord.web.routing import PageRoute
from accord.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=PageRoute)
SCOPES = {
    "record": "One case or record",
    "subject": "Everything about one person",
    "record-type": "Every record of one kind",
}
FIELDS = ("scope", "which", "kind_of_record", "kind", "reason")
RELEASED_SHOWN = 20


@dataclass(frozen=True)
class Held:
    """What a hold is to cover, found from what the DPO typed, with its words."""

    scope: str
    register: str
    record_type: str | None
    record_id: uuid.UUID | None
    subject_id: uuid.UUID | None
    words: str


def _registers(actor: Actor) -> list[str]:
    """The registers in which the DPO may hold records."""
    return [
        r
        for r in current_registry().registers
        if holds_permission(actor, Permission.RETENTION_RUN_EXECUTE, r)
    ]


def kinds_of_record(actor: Actor) -> dict[str, str]:
    """'register:record type' -> its name, for the kinds of record the DPO may hold."""
    registry = current_registry()
    several = len(_registers(actor)) > 1
    found: dict[str, str] = {}
    for register_id in _registers(actor):
        register = registry.get(register_id)
        for kind in register.record_types:
            if kind.personal_data:
                name = f"{kind.name} ({register.title})" if several else kind.name
                found[f"{register_id}:{kind.id}"] = name
    return found


def _record(session: Session, record_id: uuid.UUID) -> DueRow | None:
    for declaration in stores.clocked():
        row = declaration.get(session, record_id)
        if row is not None:
            return row
    return None


def _by_reference(session: Session, actor: Actor, reference: str) -> DueRow | None:
    try:
        listing = caseload.search(
            session, actor=actor, query=caseload.Search(reference=reference), limit=1
        )
    except caseload.SearchError:
        return None
    return _record(session, listing.rows[0].id) if listing.rows else None


def _find(
    session: Session, actor: Actor, values: dict[str, str], errors: dict[str, str]
) -> Held | None:
    scope = values["scope"]
    if scope not in SCOPES:
        errors["scope"] = "Choose what to hold"
    if values["kind"] not in words.HOLD_KINDS:
        errors["kind"] = "Choose why the records are held"
    if len(values["reason"].strip()) < 10:
        errors["reason"] = "Say why the records are held, in at least 10 characters"
    if scope == "record-type":
        register, _, record_type = values["kind_of_record"].partition(":")
        if values["kind_of_record"] not in kinds_of_record(actor):
            errors["kind_of_record"] = "Choose the kind of record to hold"
            return None
        return Held(
            scope,
            register,
            record_type,
            None,
            None,
            f"Every {words.record_words(register, record_type).lower()}"
            f" ({words.register_title(register)})",
        )
    if scope not in SCOPES:
        return None
    which = values["which"].strip()
    if not which:
        errors["which"] = "Enter the case reference or the identifier shown on the record"
        return None
    reference = references.normalise(which)
    if reference is not None:
        row = _by_reference(session, actor, reference)
        named = f"case {reference}"
    else:
        try:
            given = uuid.UUID(which)
        except ValueError:
            errors["which"] = "Enter a case reference like LVWS-2026-000123, or an identifier"
            return None
        row = _record(session, given)
        if row is None and scope == "subject":
            registers = _registers(actor)
            return Held(
                scope,
                registers[0] if registers else "",
                None,
                None,
                given,
                f"Everything about the person with the identifier {given}",
            )
        named = f"the record {given}"
    if row is None:
        errors["which"] = (
            f"Your organisation has no case with the reference {reference}"
            if reference is not None
            else "Your organisation holds no record with this identifier"
        )
        return None
    if row.organisation != actor.organisation:
        errors["which"] = "This record belongs to another organisation"
        return None
    if scope == "record":
        kind = words.record_words(row.register, row.record_type)
        return Held(scope, row.register, None, row.id, None, f"{kind}: {named}")
    if row.subject_id is None:
        errors["which"] = "This record is about nobody in particular: hold the record instead"
        return None
    return Held(
        scope, row.register, None, None, row.subject_id, f"Everything about the person on {named}"
    )


def hold_words(session: Session, hold: RetentionHold) -> tuple[str, str | None]:
    """What a hold covers, in words, and the page of the record it holds (if it has one)."""
    if hold.scope == "record-type" and hold.record_type is not None:
        kind = words.record_words(hold.register, hold.record_type).lower()
        return f"Every {kind} ({words.register_title(hold.register)})", None
    if hold.scope == "subject":
        return f"Everything about the person with the identifier {hold.subject_id}", None
    row = _record(session, hold.record_id) if hold.record_id is not None else None
    if row is None:
        return f"The record {hold.record_id} (no longer held)", None
    kind = words.record_words(row.register, row.record_type)
    return f"{kind}: the record {row.id}", words.record_page(row.store, row.id)


def _holds_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    done: str = "",
    released_reason: str = "",
    status_code: int = 200,
) -> Response:
    every = holds.list_holds(session, actor=actor, active=False)
    in_force = [hold for hold in every if hold.released_at is None]
    released = sorted(
        (hold for hold in every if hold.released_at is not None),
        key=lambda hold: hold.released_at or hold.placed_at,
        reverse=True,
    )[:RELEASED_SHOWN]
    return templates.TemplateResponse(
        request,
        "retention/holds.html",
        {
            "holds": [(hold, *hold_words(session, hold)) for hold in in_force],
            "released": [(hold, hold_words(session, hold)[0]) for hold in released],
            "values": values or dict.fromkeys(FIELDS, ""),
            "errors": errors or {},
            "done": done,
            "released_reason": released_reason,
            "scopes": SCOPES,
            "kinds": words.HOLD_KINDS,
            "kinds_of_record": kinds_of_record(actor),
            "words": words,
        },
        status_code=status_code,
    )


@router.get("/retention/holds")
def holds_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    done: Annotated[str, Query()] = "",
) -> Response:
    return _holds_page(request, session, actor, done=done if done in ("placed", "released") else "")


Field = Annotated[str, Form()]


def _answers(
    scope: Field = "",
    which: Field = "",
    kind_of_record: Field = "",
    kind: Field = "",
    reason: Field = "",
) -> dict[str, str]:
    """The hold form's answers, as given."""
    return {
        "scope": scope,
        "which": which,
        "kind_of_record": kind_of_record,
        "kind": kind,
        "reason": reason,
    }


Answers = Annotated[dict[str, str], Depends(_answers)]


@router.post("/retention/holds/check")
def check_hold(
    request: Request, session: DbSession, actor: CurrentActor, _csrf: CsrfChecked, values: Answers
) -> Response:
    """Check your answers before the hold is placed."""
    errors: dict[str, str] = {}
    held = _find(session, actor, values, errors)
    if errors or held is None:
        return _holds_page(request, session, actor, values=values, errors=errors, status_code=400)
    return templates.TemplateResponse(
        request,
        "retention/hold_check.html",
        {"held": held, "values": values, "kinds": words.HOLD_KINDS},
    )


@router.post("/retention/holds/change")
def change_hold(
    request: Request, session: DbSession, actor: CurrentActor, _csrf: CsrfChecked, values: Answers
) -> Response:
    """Back to the form with the answers given, to change them."""
    return _holds_page(request, session, actor, values=values)


@router.post("/retention/holds")
def place_hold(
    request: Request, session: DbSession, actor: CurrentActor, _csrf: CsrfChecked, values: Answers
) -> Response:
    errors: dict[str, str] = {}
    held = _find(session, actor, values, errors)
    if held is not None and not errors:
        try:
            with session.begin_nested():
                holds.place_hold(
                    session,
                    actor=actor,
                    register=held.register,
                    scope=held.scope,
                    kind=values["kind"],
                    reason=values["reason"],
                    record_type=held.record_type,
                    record_id=held.record_id,
                    subject_id=held.subject_id,
                )
        except Invalid as error:
            field = {"reason": "reason", "kind": "kind", "record_type": "kind_of_record"}
            errors[field.get(error.field or "", "which")] = error.message
    if errors or held is None:
        return _holds_page(request, session, actor, values=values, errors=errors, status_code=400)
    return RedirectResponse("/retention/holds?done=placed", status_code=303)


@router.post("/retention/holds/{hold_id}/release")
def release_hold(
    hold_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
    reason: Field = "",
) -> Response:
    """End a hold, saying why it is over."""
    field = f"release-{hold_id}"
    errors: dict[str, str] = {}
    if len(reason.strip()) < 10:
        errors[field] = "Say why the hold is released, in at least 10 characters"
    else:
        try:
            with session.begin_nested():
                holds.release_hold(session, actor=actor, hold_id=hold_id, reason=reason)
        except Invalid as error:
            errors[field] = error.message
    if errors:
        return _holds_page(
            request, session, actor, errors=errors, released_reason=reason, status_code=400
        )
    return RedirectResponse("/retention/holds?done=released", status_code=303)
