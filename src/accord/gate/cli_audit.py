"""`accord audit verify` and `accord audit history SUBJECT_ID`."""

from __future__ import annotations

import uuid

import typer
from rich.table import Table

from accord.console import console, err_console
from accord.gate import audit
from accord.gate.cli_common import AS_OPTION, actor_for, db, exits
from accord.gate.history import view_history

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@app.command()
def verify() -> None:
    """Check the whole hash chain; exit 1 naming the first altered, removed or moved entry."""
    with db() as session:
        result = audit.verify(session)
    if result.problem is not None:
        problem = result.problem
        err_console.print(
            f"[red]✗ audit trail broken at entry {problem.seq}[/red] ({problem.kind}): "
            f"{problem.message}",
            highlight=False,
        )
        err_console.print(f"{result.checked} entries before it verified.")
        raise typer.Exit(1)
    console.print(
        f"[green]✓[/green] {result.checked} entries verified; head {result.head_seq} "
        f"{result.head_hash}",
        highlight=False,
    )


@app.command()
def history(
    subject_id: uuid.UUID = typer.Argument(..., help="The person's subject id."),
    as_email: str = AS_OPTION,
) -> None:
    """Who viewed or changed this person's data, when and why."""
    with db() as session:
        actor = actor_for(session, as_email)
        with exits(session):
            items = view_history(session, actor=actor, subject_id=subject_id)
        session.commit()
    table = Table(title=f"Access history of subject {subject_id}")
    for column in (
        "#",
        "when (UTC)",
        "who",
        "organisation",
        "action",
        "purpose",
        "why",
        "outcome",
        "record",
    ):
        table.add_column(column)
    for item in items:
        why = item.reason + (f": {item.stated_reason}" if item.stated_reason else "")
        table.add_row(
            str(item.seq),
            item.at.strftime("%Y-%m-%d %H:%M:%S"),
            f"{item.actor_kind} {item.actor_id or '-'}",
            item.actor_organisation,
            item.action,
            item.purpose,
            why,
            item.outcome,
            f"{item.record_type} {', '.join(item.record_ids)}".strip(),
        )
    console.print(table)
    if not items:
        console.print("No access to this person's data is recorded.")
