"""`accord rights ...`: the information rights team's queue; `--as` names the account acting."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from accord.console import console, err_console
from accord.errors import AccordError
from accord.gate.cli_common import AS_OPTION, actor_for, db
from accord.gate.types import AccessDenied
from accord.rights import requests
from accord.rights.schemas import QUEUE_ORDER, QUEUE_WORDS

app = typer.Typer(help="Data subject rights requests.", no_args_is_help=True)


@app.callback()
def rights() -> None:
    """Data subject rights requests."""


@app.command("queue")
def queue(
    as_email: str = AS_OPTION,
    register: str = typer.Option(..., help="Register id."),
    state: str | None = typer.Option(None, help=f"Only one state: {', '.join(QUEUE_ORDER)}."),
    reminder_days: int = typer.Option(
        requests.IDENTITY_REMINDER_DAYS,
        min=1,
        help="Flag a reminder when identity has not arrived after this many days.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Open requests, most urgent first, with their due dates."""
    if state is not None and state not in QUEUE_ORDER:
        err_console.print(f"--state: {state!r} is not one of {', '.join(QUEUE_ORDER)}")
        raise typer.Exit(2)
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            items = requests.queue(
                session, actor=actor, register=register, state=state, reminder_days=reminder_days
            )
        except AccessDenied as exc:
            session.commit()  # keep the audit entry of the refusal
            err_console.print(f"[red]refused[/red]: {exc}")
            raise typer.Exit(3) from None
        except AccordError as exc:
            err_console.print(f"[red]error[/red]: {exc}")
            raise typer.Exit(2) from None
        session.commit()
    if as_json:
        print(json.dumps([i.model_dump(mode="json", by_alias=True) for i in items], indent=2))
        return
    table = Table(title=f"Rights requests in {register}: {len(items)} open")
    for column in ("reference", "state", "rights", "received", "due", "days left", "note"):
        table.add_column(column)
    for item in items:
        note = ", ".join(item.partners)
        if item.reminder:
            note = "remind: identity not received"
        elif item.waiting_for and item.state != "identity":
            note = "waiting for " + " and ".join(item.waiting_for)
        table.add_row(
            item.reference,
            QUEUE_WORDS[item.state],
            ", ".join(item.rights),
            f"{item.received_on:%d %b %Y}",
            f"{item.due:%d %b %Y}" if item.due else "-",
            "-" if item.days_left is None else str(item.days_left),
            note,
        )
    console.print(table)
