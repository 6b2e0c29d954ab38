"""The partnership analyst's partner data pages: each feed's deliveries and counts, and the
rows of recent deliveries that were set aside, with why (field names, never values).

Both read counts and reasons only (`feeds:status:read`); the set-aside rows themselves stay
sealed under their dataset's key.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from starlette.responses import Response

from accord.accounts.deps import CurrentActor
from accord.deps import DbSession
from accord.errors import NotFound
from accord.feeds.contracts import contracts
from accord.feeds.models import FeedBatch, QuarantinedRow
from accord.feeds.status import feed_status
from accord.gate.catalogue import Permission
from accord.gate.service import holds_permission, require
from accord.register.registry import current_registry
from accord.web.routing import PageRoute
from accord.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=PageRoute)
ROWS_SHOWN = 200


def _organisation_names(register_id: str) -> dict[str, str]:
    return {o.id: o.name for o in current_registry().get(register_id).organisations}


@router.get("/feeds")
def partner_data(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    registers = [
        register
        for register in current_registry().registers_of(actor.organisation)
        if register.feeds and holds_permission(actor, Permission.FEEDS_STATUS_READ, register.id)
    ]
    if not registers:
        require(session, actor=actor, permission=Permission.FEEDS_STATUS_READ, what="feeds-status")
    shown = [
        {
            "register": register,
            "feeds": feed_status(session, actor=actor, register=register.id),
            "names": _organisation_names(register.id),
        }
        for register in registers
    ]
    return templates.TemplateResponse(request, "feeds/status.html", {"registers": shown})


@router.get("/feeds/{register_id}/{partner}/{dataset}/set-aside")
def set_aside(
    register_id: str,
    partner: str,
    dataset: str,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    deliveries: Annotated[int, Query(ge=1, le=50)] = 5,
) -> Response:
    require(
        session,
        actor=actor,
        permission=Permission.FEEDS_STATUS_READ,
        what="feeds-status",
        register=register_id,
    )
    if not any(c.partner == partner and c.dataset == dataset for c in contracts(register_id)):
        raise NotFound("dataset", "There is no such partner feed.")
    batches = list(
        session.scalars(
            select(FeedBatch)
            .where(
                FeedBatch.register == register_id,
                FeedBatch.partner == partner,
                FeedBatch.dataset == dataset,
            )
            .order_by(FeedBatch.received_at.desc())
            .limit(deliveries)
        )
    )
    rows = {
        batch.id: list(
            session.scalars(
                select(QuarantinedRow)
                .where(QuarantinedRow.batch_id == batch.id)
                .order_by(QuarantinedRow.row_number)
                .limit(ROWS_SHOWN)
            )
        )
        for batch in batches
    }
    return templates.TemplateResponse(
        request,
        "feeds/set_aside.html",
        {
            "partner_name": _organisation_names(register_id).get(partner, partner),
            "dataset": dataset,
            "batches": batches,
            "rows": rows,
            "shown": ROWS_SHOWN,
        },
    )
