"""The partnership analyst's matching pages: the last runs (`/linkage`), the pairs waiting for
a person to decide (`/linkage/review`), one pair side by side with why it scored as it did
and the decision (`/linkage/review/{id}`), and the last run's quality report with its charts
(`/linkage/quality`). Charts are drawn from what the page already read and sent inside it (SVG
images as data addresses), so a chart costs no second gate decision or scoring.

Every page calls linkage's own services (`service.status`, `review.explanation`,
`review.decide`), which ask the gate and audit the looking; the two records of a pair are read
through the gate as a run reads them (`feeds.identifiers.authorize_datasets`). Refusals are
shown as plain pages by `PageRoute`.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.errors import Invalid, NotFound
from accord.gate.catalogue import Permission
from accord.gate.service import holds_permission
from accord.gate.types import Action
from accord.linkage import access, review, service
from accord.linkage.api import Config
from accord.linkage.models import LinkageRun, ReviewPair
from accord.linkage.pages_words import (
    DECISIONS,
    decided_by_name,
    pair_records,
    quality_summary,
    report_charts,
    steps_in_words,
    waterfall_image,
)
from accord.web.routing import PageRoute
from accord.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=PageRoute)
PAGE_SIZE = 25


@router.get("/linkage")
def linkage_home(
    request: Request, session: DbSession, actor: CurrentActor, config: Config
) -> Response:
    found = service.status(session, actor=actor, config=config, limit=10)
    return templates.TemplateResponse(request, "linkage/status.html", {"status": found})


@router.get("/linkage/review")
def review_queue(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    config: Config,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Pairs waiting for a decision, the longest waiting first."""
    access.authorize(session, actor=actor, config=config, action=Action.LIST)
    waiting = select(ReviewPair).where(ReviewPair.status == "open")
    total = session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
    pairs = session.scalars(
        waiting.order_by(ReviewPair.created_at, ReviewPair.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return templates.TemplateResponse(
        request,
        "linkage/review_queue.html",
        {
            "can_decide": holds_permission(
                actor, Permission.LINKAGE_REVIEW_DECIDE.value, config.register
            ),
            "pairs": pairs,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "first": (page - 1) * PAGE_SIZE + 1,
        },
    )


def _pair_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    config: Config,
    pair_id: uuid.UUID,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    saved: bool = False,
) -> Response:
    explained = review.explanation(session, actor=actor, config=config, pair_id=pair_id)
    pair = session.get(ReviewPair, pair_id)
    if pair is None:  # explanation has found it; a concurrent erasure could still remove it
        raise NotFound("review pair", "There is no such pair to review.")
    records = pair_records(session, actor=actor, config=config, pair=pair)
    return templates.TemplateResponse(
        request,
        "linkage/review_pair.html",
        {
            "pair": pair,
            "records": records,
            "steps": steps_in_words(explained["steps"]),
            "chart": waterfall_image(explained),
            "probability": explained["match_probability"],
            "decided_by": decided_by_name(session, pair.decided_by),
            "decisions": DECISIONS,
            "errors": errors or {},
            "form": form or {"decision": "", "note": ""},
            "saved": saved,
        },
        status_code=400 if errors else 200,
    )


@router.get("/linkage/review/{pair_id}")
def review_pair(
    pair_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    config: Config,
    saved: Annotated[str, Query()] = "",
) -> Response:
    return _pair_page(request, session, actor, config, pair_id, saved=bool(saved))


@router.post("/linkage/review/{pair_id}")
def decide_pair(
    pair_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    config: Config,
    _csrf: CsrfChecked,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    errors: dict[str, str] = {}
    if decision not in DECISIONS:
        errors["decision"] = "Select whether these records are about the same person"
    elif len(note) > 2000:
        errors["note"] = "The note must be 2,000 characters or fewer"
    if not errors:
        try:
            with session.begin_nested():
                review.decide(
                    session,
                    actor=actor,
                    config=config,
                    pair_id=pair_id,
                    decision="accept" if decision == "accept" else "reject",
                    note=note,
                )
        except Invalid as error:
            errors["decision"] = error.message
    if errors:
        form = {"decision": decision, "note": note}
        return _pair_page(request, session, actor, config, pair_id, errors=errors, form=form)
    return RedirectResponse(f"/linkage/review/{pair_id}?saved=1", status_code=303)


def _last_reported_run(
    session: DbSession, actor: CurrentActor, config: Config
) -> LinkageRun | None:
    service.status(session, actor=actor, config=config, limit=1)  # the gate, audited
    return session.scalars(
        select(LinkageRun)
        .where(LinkageRun.status == "finished", LinkageRun.report.is_not(None))
        .order_by(LinkageRun.started_at.desc())
        .limit(1)
    ).first()


def _model_of(session: DbSession, run: LinkageRun | None) -> dict[str, Any] | None:
    """The model a run scored with: its own (full runs), else the last full run's."""
    if run is not None and run.model:
        return run.model
    last = service.last_full_run(session)
    return last.model if last is not None else None


@router.get("/linkage/quality")
def quality_report(
    request: Request, session: DbSession, actor: CurrentActor, config: Config
) -> Response:
    run = _last_reported_run(session, actor, config)
    model = _model_of(session, run)
    summary = quality_summary(run, model) if run is not None else None
    drawn = report_charts(run.report or {}, model) if run is not None else {}
    return templates.TemplateResponse(
        request, "linkage/quality.html", {"run": run, "summary": summary, "charts": drawn}
    )
