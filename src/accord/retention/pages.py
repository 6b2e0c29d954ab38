"""The DPO's retention pages: what falls due (`/retention`), records waiting for a person's
decision (`/retention/reviews`) and disposal certificates (`/retention/certificates`); legal
holds are in `pages_holds`.

Each page calls the same retention services as the API (`plan`, `reviews`, `certificates`),
which check `retention:run:execute` through the gate, and shows the DPO's own organisation's
part only: counts and kinds of record, never a person's details.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.errors import Invalid, NotFound
from accord.gate.catalogue import Permission
from accord.gate.service import require
from accord.gate.types import Actor
from accord.retention import certificates, holds, reviews, stores, words
from accord.retention.models import RetentionReview
from accord.retention.plan import plan
from accord.store.base import aware
from accord.web.routing import PageRoute
from accord.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=PageRoute)
DAYS = (30, 90, 365)
PAGE_SIZE = 25
DECISIONS = {
    "keep": "Keep it, and review it again on a later date",
    "dispose": "Dispose of it now",
}


# --- what falls due ----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    register: str
    service: str | None
    record_type: str
    action: str
    due_by: int  # due by the end of the chosen period (already due included)
    due_now: int  # due already: goes at the next disposal run
    held: int  # of `due_by`, under a legal hold
    kind_held: bool  # every record of this kind is under a hold


@dataclass(frozen=True)
class PlanGroup:
    heading: str
    rows: list[PlanRow]


Line = tuple[str, str | None, str]  # register, service, record type


def _held(session: Session, actor: Actor, before: datetime) -> tuple[Counter[Line], set[Line]]:
    """Of the organisation's records due by `before`, how many each line's holds keep (per
    record or person held), and the (register, record type) pairs held whole."""
    counted: dict[tuple[str, uuid.UUID], Line] = {}
    kinds: set[Line] = set()
    for hold in holds.list_holds(session, actor=actor):
        if hold.scope == "record-type" and hold.record_type is not None:
            kinds.add((hold.register, None, hold.record_type))
        for declaration in stores.clocked():
            ids: list[uuid.UUID] = []
            if hold.record_id is not None:
                ids = [hold.record_id]
            elif hold.subject_id is not None:
                ids = _records_of(session, declaration.model, hold.subject_id, actor, before)
            for record_id in ids:
                row = declaration.get(session, record_id)
                if row is None or row.organisation != actor.organisation:
                    continue
                if row.due is not None and aware(row.due) <= before:
                    counted[(declaration.name, row.id)] = (
                        row.register,
                        row.service,
                        row.record_type,
                    )
    return Counter(counted.values()), kinds


def _records_of(
    session: Session, model: Any, subject_id: uuid.UUID, actor: Actor, before: datetime
) -> list[uuid.UUID]:
    """Ids of the organisation's records about one person due by `before` in one store."""
    c = (model.__table__ if hasattr(model, "__table__") else model).c
    return list(
        session.scalars(
            select(c.id).where(
                c.subject_id == subject_id,
                c.organisation == actor.organisation,
                c.retention_due.is_not(None),
                c.retention_due <= before,
            )
        )
    )


def plan_groups(session: Session, actor: Actor, days: int, now: datetime) -> list[PlanGroup]:
    require(
        session, actor=actor, permission=Permission.RETENTION_RUN_EXECUTE, what="retention-plan"
    )
    mine = actor.organisation
    by: Counter[tuple[str, str | None, str, str]] = Counter()
    already: Counter[tuple[str, str | None, str, str]] = Counter()
    for line in plan(session, days=days, now=now):
        if line.organisation == mine:
            by[(line.register, line.service, line.record_type, line.action)] += line.count
    for line in plan(session, days=0, now=now):
        if line.organisation == mine:
            already[(line.register, line.service, line.record_type, line.action)] += line.count
    held, kinds = _held(session, actor, now + timedelta(days=days))
    groups: dict[tuple[str, str | None], list[PlanRow]] = {}
    for (register, service, record_type, action), count in by.items():
        kind_held = (register, None, record_type) in kinds
        groups.setdefault((register, service), []).append(
            PlanRow(
                register=register,
                service=service,
                record_type=record_type,
                action=action,
                due_by=count,
                due_now=already[(register, service, record_type, action)],
                held=count if kind_held else min(count, held[(register, service, record_type)]),
                kind_held=kind_held,
            )
        )
    found = [
        PlanGroup(
            words.service_words(register, service),
            sorted(rows, key=lambda r: words.record_words(r.register, r.record_type)),
        )
        for (register, service), rows in groups.items()
    ]
    return sorted(found, key=lambda g: g.heading)


@router.get("/retention")
def what_falls_due(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    days: Annotated[str, Query()] = "30",
) -> Response:
    chosen = int(days) if days.isdigit() and int(days) in DAYS else DAYS[0]
    now = datetime.now(UTC)
    groups = plan_groups(session, actor, chosen, now)
    return templates.TemplateResponse(
        request,
        "retention/plan.html",
        {
            "groups": groups,
            "days": chosen,
            "choices": DAYS,
            "until": (now + timedelta(days=chosen)).date(),
            "words": words,
        },
    )


# --- the review queue -------------------------------------------------------------------


def _reviews_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    decided: str = "",
    status_code: int = 200,
) -> Response:
    waiting = reviews.pending(session, actor=actor)
    return templates.TemplateResponse(
        request,
        "retention/reviews.html",
        {
            "waiting": waiting,
            "errors": errors or {},
            "values": values or {},
            "decided": decided,
            "decisions": DECISIONS,
            "words": words,
        },
        status_code=status_code,
    )


@router.get("/retention/reviews")
def review_queue(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    decided: Annotated[str, Query()] = "",
) -> Response:
    return _reviews_page(request, session, actor, decided=decided if decided in DECISIONS else "")


def _review_date(values: dict[str, str], prefix: str, errors: dict[str, str]) -> datetime | None:
    parts = [values.get(f"{prefix}-{p}", "").strip() for p in ("day", "month", "year")]
    field = f"{prefix}-day"
    if not any(parts):
        errors[field] = "Enter the date to review the record again"
        return None
    try:
        chosen = date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        errors[field] = "The review date must be a real date, for example 3 1 2030"
        return None
    if chosen <= datetime.now(UTC).date():
        errors[field] = "The review date must be in the future"
        return None
    return datetime(chosen.year, chosen.month, chosen.day, tzinfo=UTC)


@router.post("/retention/reviews/{review_id}")
def decide_review(
    review_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    review_day: Annotated[str, Form(alias="review-on-day")] = "",
    review_month: Annotated[str, Form(alias="review-on-month")] = "",
    review_year: Annotated[str, Form(alias="review-on-year")] = "",
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    """Keep the record with a reason and a new review date, or (after a check) dispose of it."""
    key = str(review_id)
    values = {
        f"decision-{key}": decision,
        f"reason-{key}": reason,
        f"review-on-{key}-day": review_day,
        f"review-on-{key}-month": review_month,
        f"review-on-{key}-year": review_year,
    }
    errors: dict[str, str] = {}
    if decision not in DECISIONS:
        errors[f"decision-{key}"] = "Choose whether to keep the record or dispose of it"
    if len(reason.strip()) < 10:
        errors[f"reason-{key}"] = "Give the reason for your decision, in at least 10 characters"
    review_on = _review_date(values, f"review-on-{key}", errors) if decision == "keep" else None
    if not errors and decision == "dispose" and confirmed != "yes":
        review = _pending_review(session, actor, review_id)
        return templates.TemplateResponse(
            request,
            "retention/review_check.html",
            {"review": review, "reason": reason.strip(), "words": words},
        )
    if not errors:
        try:
            with session.begin_nested():
                reviews.decide(
                    session,
                    actor=actor,
                    review_id=review_id,
                    decision=decision,
                    reason=reason,
                    review_on=review_on,
                )
        except Invalid as error:
            field = {"review_on": f"review-on-{key}-day", "reason": f"reason-{key}"}
            errors[field.get(error.field or "", f"decision-{key}")] = error.message
    if errors:
        return _reviews_page(request, session, actor, errors=errors, values=values, status_code=400)
    return RedirectResponse(f"/retention/reviews?decided={decision}", status_code=303)


def _pending_review(session: Session, actor: Actor, review_id: uuid.UUID) -> RetentionReview:
    """The organisation's pending review (through the queue, so the permission is checked)."""
    for review in reviews.pending(session, actor=actor):
        if review.id == review_id:
            return review
    raise NotFound("review")


# --- certificates -----------------------------------------------------------------------


def _counts(view: certificates.CertificateView, organisation: str) -> list[dict[str, Any]]:
    return [c for c in view.certificate["counts"] if c["organisation"] == organisation]


@router.get("/retention/certificates")
def certificate_list(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    views = certificates.list_certificates(
        session, actor=actor, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    total = certificates.count_certificates(session)
    runs = [
        {
            "view": view,
            "disposed": sum(
                c["count"]
                for c in _counts(view, actor.organisation)
                if c["outcome"] in ("deleted", "anonymised")
            ),
        }
        for view in views
    ]
    return templates.TemplateResponse(
        request,
        "retention/certificates.html",
        {
            "runs": runs,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "words": words,
        },
    )


@router.get("/retention/certificates/{run_id}")
def certificate_page(
    run_id: uuid.UUID, request: Request, session: DbSession, actor: CurrentActor
) -> Response:
    view = certificates.show_certificate(session, actor=actor, run_id=run_id)
    return templates.TemplateResponse(
        request,
        "retention/certificate.html",
        {"view": view, "counts": _counts(view, actor.organisation), "words": words},
    )
