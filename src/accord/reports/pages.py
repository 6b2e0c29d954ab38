"""Report pages: the agreed reports a person may see, a report's page (what it counts, who
agreed it, its runs), running and approving it, an output with its disclosure-control note
(released by an output checker, downloaded once released), hotspot maps, and the six-monthly
partner data review with its outcome form.

Every page calls the reports services, which check permissions and audit the looking;
refusals are shown as pages (`PageRoute`), bad input as the GOV.UK error summary.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.responses import Response

from accord.accounts.csrf import CsrfChecked
from accord.accounts.deps import CurrentActor
from accord.deps import AppSettings, DbSession
from accord.errors import Conflict, Invalid, NotFound
from accord.gate.catalogue import Permission
from accord.gate.service import holds_permission
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.register.report_schema import ReportDefinition
from accord.reports import maps, outputs, review_pack, service
from accord.reports.engines import report_engine
from accord.reports.models import ReportApproval, ReportRun
from accord.web.routing import PageRoute
from accord.web.templating import templates

router = APIRouter(include_in_schema=False, route_class=PageRoute)

READ = (
    Permission.REPORTS_AGGREGATE_READ,
    Permission.REPORTS_RUN_EXECUTE,
    Permission.REPORTS_DEFINITION_APPROVE,
    Permission.REPORTS_OUTPUT_CHECK,
)
OUTCOMES = {
    "pass": "Passed: nothing needed withholding",
    "review": "Needs a check: some figures were withheld, so an output checker looks first",
    "fail": "Failed: nothing could be published safely",
}
STATUSES = {
    "released": "Released",
    "held": "Waiting for an output checker",
    "refused": "Not released",
}


def _may(actor: Actor, register: str, *permissions: Permission) -> bool:
    return any(holds_permission(actor, p.value, register) for p in permissions)


def _registers(actor: Actor, *permissions: Permission) -> list[Any]:
    return [
        r
        for r in current_registry().registers.values()
        if _may(actor, r.id, *permissions) and (r.reports or r.feeds)
    ]


def _org_names(register: str) -> dict[str, str]:
    return {o.id: o.name for o in current_registry().get(register).organisations}


def counts_words(report: ReportDefinition) -> str:
    """What a report counts, in words: 'Crimes and incidents by offence group and quarter'."""
    measures = " and ".join(m.name.lower() for m in report.measures)
    by = [b.label or b.field.replace("_", " ") for b in report.breakdowns]
    if report.map is not None:
        return f"{measures[:1].upper()}{measures[1:]} by area of the map (hexagons)"
    joined = ", ".join(by[:-1]) + (" and " if len(by) > 1 else "") + by[-1] if by else ""
    return f"{measures[:1].upper()}{measures[1:]} by {joined.lower()}"


# --- the list -----------------------------------------------------------------------------------


@router.get("/reports")
def reports_index(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    groups = []
    for register in _registers(actor, *READ):
        if not register.reports:
            continue
        states = service.list_reports(session, actor=actor, register=register.id)
        names = _org_names(register.id)
        groups.append(
            {
                "register": register,
                "reports": [
                    {
                        "state": s,
                        "counts": counts_words(s.report),
                        "awaiting": [names.get(o, o) for o in s.awaiting],
                    }
                    for s in states
                ],
                "reviews": register.feeds
                and _may(actor, register.id, Permission.FEEDS_STATUS_READ, *READ[1:]),
            }
        )
    return templates.TemplateResponse(request, "reports/index.html", {"groups": groups})


# --- partner data reviews -------------------------------------------------------------------------


@router.get("/reports/reviews")
def reviews_index(actor: CurrentActor) -> Response:
    """The registers whose partners' data is reviewed: straight to the one there usually is."""
    found = [r for r in _registers(actor, Permission.FEEDS_STATUS_READ, *READ[1:]) if r.feeds]
    if not found:
        raise NotFound("partner data review", "There are no partner data reviews for you to see.")
    return RedirectResponse(f"/reports/reviews/{found[0].id}", status_code=303)


def _review_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    register: str,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    recorded: str = "",
    status_code: int = 200,
) -> Response:
    pack = review_pack.build(session, actor=actor, register=register)
    return templates.TemplateResponse(
        request,
        "reports/review.html",
        {
            "pack": pack,
            "register": current_registry().get(register),
            "rows": review_pack.ROWS,
            "report_rows": review_pack.REPORT_ROWS,
            "decisions": review_pack.DECISIONS,
            "may_decide": _may(actor, register, Permission.REPORTS_DEFINITION_APPROVE),
            "errors": errors or {},
            "values": values or {},
            "recorded": recorded,
        },
        status_code=status_code,
    )


@router.get("/reports/reviews/{register}")
def review(
    register: str,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    recorded: Annotated[str, Query()] = "",
) -> Response:
    return _review_page(request, session, actor, register, recorded=recorded)


@router.post("/reports/reviews/{register}/{partner}")
def record_review(
    register: str,
    partner: str,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
    period_from: Annotated[date, Form()],
    period_to: Annotated[date, Form()],
    decision: Annotated[str, Form()] = "",
    notes: Annotated[str, Form()] = "",
) -> Response:
    errors: dict[str, str] = {}
    if decision not in {d.value for d in review_pack.Decision}:
        errors[f"decision-{partner}"] = "Select what the partners decided"
    else:
        try:
            with session.begin_nested():
                review_pack.record_outcome(
                    session,
                    actor=actor,
                    register=register,
                    partner=partner,
                    period_from=period_from,
                    period_to=period_to,
                    decision=decision,
                    notes=notes,
                )
        except Invalid as error:
            errors[f"{error.field or 'decision'}-{partner}"] = (
                error.message[:1].upper() + (error.message[1:])
            )
    if errors:
        return _review_page(
            request,
            session,
            actor,
            register,
            errors=errors,
            values={"partner": partner, "decision": decision, "notes": notes},
            status_code=400,
        )
    return RedirectResponse(f"/reports/reviews/{register}?recorded={partner}", status_code=303)


# --- an output -----------------------------------------------------------------------------------


@router.get("/reports/outputs/{run_id}")
def output(
    run_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    released: Annotated[str, Query()] = "",
    error: Annotated[str, Query()] = "",
) -> Response:
    run = service.get_run(session, actor=actor, run_id=run_id)
    report = service.definition(run.register, run.report)
    header, rows = outputs.table(run)
    view = maps.view(run, report.name) if maps.is_map(run) else None
    return templates.TemplateResponse(
        request,
        "reports/output.html",
        {
            "run": run,
            "report": report,
            "header": header,
            "rows": rows,
            "ndims": len(run.output["dimensions"]),
            "map": view,
            "map_svg": maps.svg(view) if view is not None and view.hexagons else "",
            "place_name": maps.place_name,
            "describe": maps.describe,
            "outcomes": OUTCOMES,
            "statuses": STATUSES,
            "may_release": run.status == "held"
            and run.run_by != actor.id
            and _may(actor, run.register, Permission.REPORTS_OUTPUT_CHECK),
            "released": released,
            "error": error,
            "mark": service.SUPPRESSED_MARK,
        },
    )


@router.post("/reports/outputs/{run_id}/release")
def release(
    run_id: uuid.UUID, session: DbSession, actor: CurrentActor, _csrf: CsrfChecked
) -> Response:
    try:
        with session.begin_nested():
            run = service.release_run(session, actor=actor, run_id=run_id)
    except Conflict as refused:
        return RedirectResponse(
            f"/reports/outputs/{run_id}?error={quote(refused.message[:300])}", status_code=303
        )
    return RedirectResponse(f"/reports/outputs/{run.id}?released=1", status_code=303)


# --- a report ------------------------------------------------------------------------------------


def _report_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    register: str,
    report_id: str,
    error: str = "",
    done: str = "",
    status_code: int = 200,
) -> Response:
    state = service.show_report(session, actor=actor, register=register, report_id=report_id)
    names = _org_names(register)
    approvals = session.scalars(
        select(ReportApproval)
        .where(
            ReportApproval.register == register,
            ReportApproval.report == report_id,
            ReportApproval.definition_hash == state.definition_hash,
        )
        .order_by(ReportApproval.approved_at)
    ).all()
    producer = _may(
        actor, register, Permission.REPORTS_RUN_EXECUTE, Permission.REPORTS_OUTPUT_CHECK
    )
    reg = current_registry().get(register)
    runs: list[ReportRun] = []
    if producer or service.may_receive(actor, reg, state.report):
        runs, _ = service.list_runs(
            session, actor=actor, register=register, report=report_id, limit=20
        )
    return templates.TemplateResponse(
        request,
        "reports/report.html",
        {
            "state": state,
            "register": reg,
            "counts": counts_words(state.report),
            "names": names,
            "approvals": approvals,
            "awaiting": [names.get(o, o) for o in state.awaiting],
            "runs": runs,
            "outcomes": OUTCOMES,
            "statuses": STATUSES,
            "may_run": _may(actor, register, Permission.REPORTS_RUN_EXECUTE),
            "may_approve": _may(actor, register, Permission.REPORTS_DEFINITION_APPROVE)
            and actor.organisation in state.awaiting,
            "recipients": [reg.recipient(r).name for r in state.report.recipients],
            "error": error,
            "done": done,
        },
        status_code=status_code,
    )


@router.get("/reports/{register}/{report_id}")
def report_page(
    register: str,
    report_id: str,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    done: Annotated[str, Query()] = "",
) -> Response:
    return _report_page(request, session, actor, register, report_id, done=done)


@router.post("/reports/{register}/{report_id}/runs")
def run_report(
    register: str,
    report_id: str,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    settings: AppSettings,
    _csrf: CsrfChecked,
) -> Response:
    report = service.definition(register, report_id)
    try:
        with session.begin_nested(), report_engine(settings, report) as engine:
            run = service.run_report(
                session, actor=actor, register=register, report_id=report_id, engine=engine
            )
    except (Conflict, Invalid) as refused:
        return _report_page(
            request, session, actor, register, report_id, error=refused.message, status_code=409
        )
    return RedirectResponse(f"/reports/outputs/{run.id}", status_code=303)


@router.post("/reports/{register}/{report_id}/approvals")
def approve_report(
    register: str,
    report_id: str,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    _csrf: CsrfChecked,
    definition_hash: Annotated[str, Form()] = "",
) -> Response:
    try:
        with session.begin_nested():
            service.approve(
                session,
                actor=actor,
                register=register,
                report_id=report_id,
                definition_hash=definition_hash,
            )
    except (Conflict, Invalid) as refused:
        return _report_page(
            request, session, actor, register, report_id, error=refused.message, status_code=409
        )
    return RedirectResponse(f"/reports/{register}/{report_id}?done=approved", status_code=303)
