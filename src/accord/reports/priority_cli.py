"""`accord reports priority-list` and `accord reports priority-lists`: produce an identifying
priority list for named recipient organisations, and list the lists made or received."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from accord.console import console
from accord.errors import AccordError
from accord.gate.cli_common import AS_OPTION, actor_for, db, failed
from accord.gate.types import AccessDenied
from accord.reports import priority, service
from accord.reports.engines import report_engine
from accord.reports.priority_api import ListOut
from accord.settings import get_settings


def produce_command(
    register: str = typer.Argument(..., help="The register."),
    report: str = typer.Argument(..., help="The priority list's id in the register."),
    recipients: list[str] = typer.Option(
        ..., "--recipient", help="An organisation the list is for (repeat for each)."
    ),
    as_email: str = AS_OPTION,
) -> None:
    """Produce a priority list of an approved definition for the named organisations."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            definition = service.definition(register, report)
            with report_engine(get_settings(), definition) as engine:
                plist = priority.produce(
                    session,
                    actor=actor,
                    register=register,
                    report_id=report,
                    engine=engine,
                    recipients=recipients,
                )
        except (AccessDenied, AccordError) as exc:
            session.commit()
            raise failed(exc) from None
        session.commit()
        console.print(
            f"[green]✓[/green] {plist.entries} people listed in {plist.id} for "
            f"{', '.join(plist.recipients)}; it can be opened until {plist.expires_at:%d %B %Y},"
            " and no one acts on an entry before a person decides about it"
        )


def list_command(
    register: str = typer.Option(..., "--register", help="The register."),
    as_email: str = AS_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Priority lists your organisation made, or was named for while they can be opened."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            rows, _total = priority.list_lists(session, actor=actor, register=register, limit=200)
        except (AccessDenied, AccordError) as exc:
            session.commit()
            raise failed(exc) from None
        found = [ListOut.model_validate(r) for r in rows]
        session.commit()
    if as_json:
        console.print_json(json.dumps([f.model_dump(mode="json") for f in found]))
        return
    table = Table(title=f"Priority lists in {register}")
    for column in ("made", "list", "for", "people", "expires", "by"):
        table.add_column(column)
    for f in found:
        table.add_row(
            f"{f.produced_at:%Y-%m-%d %H:%M}",
            str(f.id),
            ", ".join(f.recipients),
            str(f.entries),
            f"{f.expires_at:%Y-%m-%d}",
            f.produced_by_name,
        )
    console.print(table)
