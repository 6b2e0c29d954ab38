"""`accord panels ...`: meetings, agendas, a case's actions; `--as` names the account acting."""

from __future__ import annotations

import uuid
from datetime import date

import typer
from rich.table import Table

from accord.console import console, err_console
from accord.gate.cli_common import AS_OPTION, actor_for, db, failed
from accord.gate.types import AccessDenied
from accord.panels import actions, meetings
from accord.panels.access import NotFound, PanelError

app = typer.Typer(help="Risk panels (MARAC, Community Risk Panel, IOM).", no_args_is_help=True)


@app.command()
def agenda(
    meeting_id: uuid.UUID = typer.Argument(..., help="The meeting's id."),
    as_email: str = AS_OPTION,
) -> None:
    """A meeting's agenda: cases in order with their risk level and whether minuted."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            found = meetings.agenda(session, actor=actor, meeting_id=meeting_id)
        except (AccessDenied, NotFound, PanelError) as exc:
            session.commit()  # keep the audit entry of a refusal
            raise failed(exc) from None
        session.commit()
    table = Table(
        title=f"{found.panel} on {found.held_on:%d %B %Y}, chair {found.chair} ({found.status})"
    )
    for column in ("#", "case", "risk", "status", "minuted", "case id"):
        table.add_column(column)
    for item in found.items:
        table.add_row(
            str(item.position),
            item.reference,
            item.risk_level or "-",
            item.status,
            "yes" if item.discussed else "no",
            str(item.case_id),
        )
    console.print(table)
    if found.others:
        console.print(f"{found.others} other case(s) listed that you may not see.")


@app.command("meetings")
def list_meetings(
    as_email: str = AS_OPTION,
    register: str = typer.Option(..., help="Register id."),
    panel: str | None = typer.Option(None, help="marac, community-risk-panel or iom."),
    since: str | None = typer.Option(
        None, help="Only meetings on or after this date (YYYY-MM-DD)."
    ),
    limit: int = typer.Option(20, min=1, max=200),
) -> None:
    """Meetings, newest first."""
    try:
        start = date.fromisoformat(since) if since else None
    except ValueError:
        err_console.print(f"--since: {since!r} is not a date like 2026-03-12")
        raise typer.Exit(2) from None
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            rows, total = meetings.list_meetings(
                session, actor=actor, register=register, panel=panel, since=start, limit=limit
            )
        except AccessDenied as exc:
            session.commit()
            raise failed(exc) from None
        session.commit()
    table = Table(title=f"{total} meeting(s)")
    for column in ("date", "panel", "chair", "status", "id"):
        table.add_column(column)
    for m in rows:
        table.add_row(str(m.held_on), m.panel, m.chair, m.status, str(m.id))
    console.print(table)


@app.command("actions")
def case_actions(
    case_id: uuid.UUID = typer.Argument(..., help="The case's id."),
    as_email: str = AS_OPTION,
) -> None:
    """A case's actions: owner agency, due date, status (overdue flagged) and updates."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            views = actions.actions_of(session, actor=actor, case_id=case_id)
        except (AccessDenied, NotFound, PanelError) as exc:
            session.commit()
            raise failed(exc) from None
        session.commit()
    table = Table(title=f"actions on case {case_id}")
    for column in ("owner", "due", "status", "action", "updates"):
        table.add_column(column)
    for v in views:
        status = f"[red]{v.status} (overdue)[/red]" if v.overdue else v.status
        updates = "\n".join(
            f"{at:%d %b} {agency}: {text or '(not shown)'}" for at, agency, text in v.updates
        )
        table.add_row(
            v.owner_agency, str(v.due_on), status, v.description or "(not shown)", updates
        )
    console.print(table)
