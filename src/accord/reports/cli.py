"""`accord reports list/show/approve/run/release/outputs/export`: agreed reports from the
command line, acting as a named account (its roles decide what it may do)."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from accord.console import console, err_console
from accord.errors import AccordError
from accord.gate.cli_common import AS_OPTION, actor_for, db, failed
from accord.gate.types import AccessDenied
from accord.reports import outputs, service
from accord.reports.engines import report_engine
from accord.reports.schemas import ReportOut, RunOut
from accord.settings import get_settings

app = typer.Typer(help="Agreed reports with disclosure control.", no_args_is_help=True)

JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _print_json(data: Any) -> None:
    console.print_json(json.dumps(data, default=str))


@app.command("list")
def list_reports(
    register: str = typer.Option(..., "--register", help="The register whose reports to list."),
    as_email: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """The register's agreed reports and whether every partner approved them."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            states = service.list_reports(session, actor=actor, register=register)
        except (AccessDenied, AccordError) as exc:
            session.commit()
            raise failed(exc) from None
        session.commit()
    found = [ReportOut.of(register, s) for s in states]
    if as_json:
        _print_json([r.model_dump() for r in found])
        return
    table = Table(title=f"Reports in {register}")
    for column in ("report", "name", "kind", "approved", "awaiting"):
        table.add_column(column)
    for r in found:
        table.add_row(
            r.id, r.name, r.kind, "yes" if r.approved else "no", ", ".join(r.awaiting) or "-"
        )
    console.print(table)


@app.command()
def show(
    register: str = typer.Argument(..., help="The register."),
    report: str = typer.Argument(..., help="The report's id."),
    as_email: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """One report's definition, its hash and its approvals."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            state = service.show_report(session, actor=actor, register=register, report_id=report)
        except (AccessDenied, AccordError) as exc:
            session.commit()
            raise failed(exc) from None
        session.commit()
    out = ReportOut.of(register, state)
    if as_json:
        _print_json(out.model_dump())
        return
    console.print(f"[bold]{out.name}[/bold] ({out.id}, {out.kind})")
    if out.description:
        console.print(out.description)
    console.print(f"purpose: {out.purpose}; source: {out.source}")
    console.print(f"breakdowns: {', '.join(out.breakdowns)}; measures: {', '.join(out.measures)}")
    console.print(f"recipients: {', '.join(out.recipients)}; roles: {', '.join(out.roles)}")
    console.print(f"definition hash: {out.definition_hash}")
    if out.partners:
        console.print(f"approved by: {', '.join(out.approved_by) or 'nobody yet'}")
        console.print(f"awaiting: {', '.join(out.awaiting) or 'nobody'}")


@app.command()
def approve(
    register: str = typer.Argument(..., help="The register."),
    report: str = typer.Argument(..., help="The report's id."),
    definition_hash: str = typer.Option(
        ..., "--hash", help="The definition hash you read with `accord reports show`."
    ),
    as_email: str = AS_OPTION,
) -> None:
    """Approve a report's definition for your organisation (a joint controller)."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            row = service.approve(
                session,
                actor=actor,
                register=register,
                report_id=report,
                definition_hash=definition_hash,
            )
        except (AccessDenied, AccordError) as exc:
            session.commit()
            raise failed(exc) from None
        session.commit()
        console.print(
            f"[green]✓[/green] {row.organisation} approved {report} ({definition_hash[:12]})"
        )


def _filters(values: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in values:
        field, sep, value = item.partition("=")
        if not sep or not field or not value:
            err_console.print(f"--filter: {item!r} is not FIELD=VALUE")
            raise typer.Exit(2)
        out.setdefault(field.strip(), []).append(value.strip())
    return out


@app.command()
def run(
    register: str = typer.Argument(..., help="The register."),
    report: str = typer.Argument(..., help="The report's id."),
    period_from: str | None = typer.Option(None, "--from", help="First day (YYYY-MM-DD)."),
    period_to: str | None = typer.Option(None, "--to", help="Last day (YYYY-MM-DD)."),
    filters: list[str] = typer.Option([], "--filter", help="FIELD=VALUE, repeatable."),
    as_email: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Run an approved report: disclosure control, then release, hold for review or refusal."""
    try:
        start = date.fromisoformat(period_from) if period_from else None
        end = date.fromisoformat(period_to) if period_to else None
    except ValueError as exc:
        err_console.print(f"--from/--to: {exc}")
        raise typer.Exit(2) from None
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            definition = service.definition(register, report)
            with (
                console.status(f"Running {report} with disclosure control"),
                report_engine(get_settings(), definition) as engine,
            ):
                result = service.run_report(
                    session,
                    actor=actor,
                    register=register,
                    report_id=report,
                    engine=engine,
                    scope=service.Scope(start, end, _filters(filters) or None),
                )
        except (AccessDenied, AccordError) as exc:
            session.commit()
            raise failed(exc) from None
        session.commit()
        out = RunOut.of(result)
    if as_json:
        _print_json(out.model_dump(mode="json"))
        return
    colour = {"released": "green", "held": "yellow", "refused": "red"}[out.status]
    console.print(f"[{colour}]{out.status}[/{colour}] ({out.outcome}): output {out.id}")
    if out.refusal:
        console.print(out.refusal)
    for note in out.notes:
        console.print(f"- {note}")


@app.command()
def release(
    run_id: uuid.UUID = typer.Argument(..., help="The output held for review."),
    as_email: str = AS_OPTION,
) -> None:
    """Release an output held for review (an output checker who did not produce it)."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            result = service.release_run(session, actor=actor, run_id=run_id)
        except (AccessDenied, AccordError) as exc:
            session.commit()
            raise failed(exc) from None
        session.commit()
        console.print(f"{result.status}: output {result.id}")
        if result.refusal:
            console.print(result.refusal)


@app.command("outputs")
def list_outputs(
    register: str = typer.Option(..., "--register", help="The register."),
    report: str | None = typer.Option(None, "--report", help="Only this report."),
    as_email: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Outputs you may see: producers their runs, recipients released outputs only."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            rows, total = service.list_runs(
                session, actor=actor, register=register, report=report, limit=200
            )
        except (AccessDenied, AccordError) as exc:
            session.commit()
            raise failed(exc) from None
        session.commit()
        found = [RunOut.of(r) for r in rows]
    if as_json:
        _print_json([r.model_dump(mode="json") for r in found])
        return
    table = Table(title=f"Report outputs in {register} ({total})")
    for column in ("output", "report", "ran", "outcome", "status"):
        table.add_column(column)
    for r in found:
        table.add_row(str(r.id), r.report, f"{r.ran_at:%Y-%m-%d %H:%M}", r.outcome, r.status)
    console.print(table)


@app.command()
def export(
    run_id: uuid.UUID = typer.Argument(..., help="The output."),
    out: Path = typer.Option(
        ..., "--out", help="File to write (.csv, .xlsx or .html; a map also .png or .svg)."
    ),
    as_email: str = AS_OPTION,
) -> None:
    """Write an output you may see as CSV, XLSX, an HTML page with a chart, or a map's
    picture (PNG or SVG)."""
    kind = out.suffix.lower().lstrip(".")
    if kind not in ("csv", "xlsx", "html", "png", "svg"):
        err_console.print("--out: the file must end .csv, .xlsx, .html, .png or .svg")
        raise typer.Exit(2)
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            result = service.get_run(session, actor=actor, run_id=run_id)
            definition = service.definition(result.register, result.report)
        except (AccessDenied, AccordError) as exc:
            session.commit()
            raise failed(exc) from None
        session.commit()
        if kind == "csv":
            out.write_text(outputs.to_csv(result), encoding="utf-8")
        elif kind == "xlsx":
            out.write_bytes(outputs.to_xlsx(result, definition.name))
        elif kind in ("png", "svg"):
            from accord.reports import maps

            if not maps.is_map(result):
                err_console.print("--out: only a map is drawn as .png or .svg")
                raise typer.Exit(2)
            picture = maps.view(result, definition.name)
            out.write_bytes(maps.image(picture, "png" if kind == "png" else "svg"))
        else:
            out.write_text(
                outputs.to_html(result, definition.name, definition.description), encoding="utf-8"
            )
    console.print(f"[green]✓[/green] wrote {out}")


@app.command()
def notice(
    register: str = typer.Argument(..., help="The register."),
    fmt: str = typer.Option("md", "--format", help="md or html."),
    out: Path | None = typer.Option(None, "--out", help="File to write (default: print)."),
) -> None:
    """The privacy notice with its list of reports and which partners agreed each one."""
    from accord.register.notice import build_notice
    from accord.register.notice_render import NoticeFormat, render

    if fmt not in ("md", "html"):
        err_console.print("--format: md or html")
        raise typer.Exit(2)
    with db() as session:
        try:
            reg = service.register_of(register)
            approvals = service.notice_approvals(session, register=register)
        except AccordError as exc:
            raise failed(exc) from None
    text = render(build_notice(reg, approvals), NoticeFormat(fmt))
    if out is None:
        console.print(text, markup=False, highlight=False)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"[green]✓[/green] wrote {out}")


from accord.reports.review_pack_cli import (  # noqa: E402
    review_outcome_command,
    review_pack_command,
)

app.command("review-pack")(review_pack_command)
app.command("review-outcome")(review_outcome_command)

from accord.reports.extracts_cli import extract_command, list_extracts_command  # noqa: E402

app.command("extract")(extract_command)
app.command("extracts")(list_extracts_command)

from accord.reports.priority_cli import list_command, produce_command  # noqa: E402

app.command("priority-list")(produce_command)
app.command("priority-lists")(list_command)
