"""Reports API: definitions and approvals, runs, and protected outputs (every call audited)."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Response

from accord.accounts.deps import CurrentActor
from accord.deps import AppSettings, DbSession
from accord.paging import Limit, Offset, Page
from accord.reports import outputs, service
from accord.reports.engines import report_engine
from accord.reports.schemas import ApprovalIn, ApprovalOut, ReportOut, RunIn, RunOut
from accord.web.errors import ERROR_RESPONSES as _ERRORS

router = APIRouter(prefix="/api/reports", tags=["reports"])


@router.get("", responses=_ERRORS)
def list_reports(session: DbSession, actor: CurrentActor, register: str) -> list[ReportOut]:
    """The register's agreed reports with each partner's approval of the current definition."""
    states = service.list_reports(session, actor=actor, register=register)
    return [ReportOut.of(register, s) for s in states]


@router.get("/outputs", responses=_ERRORS)
def list_outputs(
    session: DbSession,
    actor: CurrentActor,
    register: str,
    report: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[RunOut]:
    """Producers see their organisation's runs; recipients see released outputs only."""
    rows, total = service.list_runs(
        session, actor=actor, register=register, report=report, limit=limit, offset=offset
    )
    return Page(items=[RunOut.of(r) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/outputs/{run_id}", responses=_ERRORS)
def get_output(run_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> RunOut:
    return RunOut.of(service.get_run(session, actor=actor, run_id=run_id))


_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


@router.get("/outputs/{run_id}/download", responses=_ERRORS)
def download_output(
    run_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    format: Literal["csv", "xlsx", "html"] = "csv",
) -> Response:
    run = service.get_run(session, actor=actor, run_id=run_id)
    report = service.definition(run.register, run.report)
    if format == "csv":
        body: bytes | str = outputs.to_csv(run)
    elif format == "xlsx":
        body = outputs.to_xlsx(run, report.name)
    else:
        body = outputs.to_html(run, report.name, report.description)
    name = f"{run.report}-{run.ran_at:%Y%m%d}-{str(run.id)[:8]}.{format}"
    disposition = "inline" if format == "html" else f'attachment; filename="{name}"'
    return Response(body, media_type=_TYPES[format], headers={"Content-Disposition": disposition})


@router.get("/outputs/{run_id}/map", responses=_ERRORS)
def map_picture(
    run_id: uuid.UUID,
    session: DbSession,
    actor: CurrentActor,
    format: Literal["png", "svg"] = "png",
) -> Response:
    """A hotspot map's picture: its hexagons, legend and scale (no identifying data)."""
    from accord.errors import NotFound
    from accord.reports import maps

    run = service.get_run(session, actor=actor, run_id=run_id)
    if not maps.is_map(run):
        raise NotFound("map", "This output is a table, not a map.")
    report = service.definition(run.register, run.report)
    body = maps.image(maps.view(run, report.name), format)
    media = "image/png" if format == "png" else "image/svg+xml"
    return Response(body, media_type=media)


@router.post("/outputs/{run_id}/release", responses=_ERRORS)
def release_output(run_id: uuid.UUID, session: DbSession, actor: CurrentActor) -> RunOut:
    """An output checker releases an output held for review (after the differencing check)."""
    return RunOut.of(service.release_run(session, actor=actor, run_id=run_id))


@router.get("/{register}/{report_id}", responses=_ERRORS)
def show_report(
    register: str, report_id: str, session: DbSession, actor: CurrentActor
) -> ReportOut:
    state = service.show_report(session, actor=actor, register=register, report_id=report_id)
    return ReportOut.of(register, state)


@router.post("/{register}/{report_id}/approvals", status_code=201, responses=_ERRORS)
def approve(
    register: str, report_id: str, body: ApprovalIn, session: DbSession, actor: CurrentActor
) -> ApprovalOut:
    """One partner approves the definition it read (by its hash)."""
    row = service.approve(
        session,
        actor=actor,
        register=register,
        report_id=report_id,
        definition_hash=body.definition_hash,
    )
    return ApprovalOut.model_validate(row)


@router.post("/{register}/{report_id}/runs", status_code=201, responses=_ERRORS)
def run(
    register: str,
    report_id: str,
    body: RunIn,
    session: DbSession,
    actor: CurrentActor,
    settings: AppSettings,
) -> RunOut:
    """Run an approved report: disclosure control, then release, hold for review or refusal."""
    report = service.definition(register, report_id)
    with report_engine(settings, report) as engine:
        result = service.run_report(
            session,
            actor=actor,
            register=register,
            report_id=report_id,
            engine=engine,
            scope=service.Scope(body.period_from, body.period_to, body.filters),
        )
    return RunOut.of(result)
