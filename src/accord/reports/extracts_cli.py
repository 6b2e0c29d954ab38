"""`accord reports extract` and `accord reports extracts`: evaluation extracts from the command
line. The rows go to one file and the key to another (shown once, kept nowhere), so they can
be sent to the evaluator by separate routes."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from accord.console import console, err_console
from accord.errors import AccordError
from accord.gate.cli_common import AS_OPTION, actor_for, db, failed
from accord.gate.types import AccessDenied
from accord.reports import extracts
from accord.reports.extracts_api import ExtractOut


def extract_command(
    register: str = typer.Argument(..., help="The register."),
    report: str = typer.Argument(..., help="The extract's id in the register."),
    out: Path = typer.Option(..., "--out", help="Write the rows here (CSV)."),
    key_out: Path = typer.Option(..., "--key-out", help="Write the evaluator's key here."),
    recipient: str | None = typer.Option(None, "--recipient", help="One of its recipients."),
    as_email: str = AS_OPTION,
) -> None:
    """Make an evaluation extract: people who consented and have not withdrawn, under
    pseudonyms of a new key, k-anonymous; each row goes in the disclosure log."""
    if out.resolve() == key_out.resolve():
        err_console.print("--key-out: the key goes in a file of its own, apart from the rows")
        raise typer.Exit(2)
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            made = extracts.run_extract(
                session, actor=actor, register=register, report_id=report, recipient=recipient
            )
        except (AccessDenied, AccordError) as exc:
            session.commit()
            raise failed(exc) from None
        out.write_text(extracts.to_csv(made), encoding="utf-8")
        key_out.write_text(made.key + "\n", encoding="utf-8")
        key_out.chmod(0o600)
        session.commit()
        record = made.record
    console.print(
        f"[green]✓[/green] {record.rows} rows about {record.people} people to {record.recipient}"
        f" in {out}; the key is in {key_out} (send it apart; accord keeps only its fingerprint"
        f" {record.key_fingerprint[:16]})"
    )
    console.print(
        f"left out: {record.withdrawn} who withdrew, {record.without_consent} whose consent "
        f"lapsed or was refused, {record.withheld} rows withheld for k={record.k}"
    )
    for note in record.notes:
        console.print(f"  {note}")


def list_extracts_command(
    register: str = typer.Option(..., "--register", help="The register."),
    report: str | None = typer.Option(None, "--report", help="One extract definition only."),
    as_email: str = AS_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """The evaluation extracts your organisation made (their rows and keys are never kept)."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            rows, _total = extracts.list_extracts(
                session, actor=actor, register=register, report=report, limit=200
            )
        except (AccessDenied, AccordError) as exc:
            session.commit()
            raise failed(exc) from None
        found = [ExtractOut.of(r) for r in rows]
        session.commit()
    if as_json:
        console.print_json(json.dumps([f.model_dump(mode="json") for f in found]))
        return
    table = Table(title=f"Evaluation extracts in {register}")
    for column in ("made", "extract", "to", "rows", "people", "withdrew", "withheld", "by"):
        table.add_column(column)
    for f in found:
        table.add_row(
            f"{f.produced_at:%Y-%m-%d %H:%M}",
            f.report,
            f.recipient,
            str(f.rows),
            str(f.people),
            str(f.withdrawn),
            str(f.withheld),
            f.produced_by_name,
        )
    console.print(table)
