"""`accord referrals import FILE`: bulk police referrals from a police system's CSV export."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from accord.accounts.actor import role_permissions
from accord.console import console, err_console
from accord.gate.types import Actor
from accord.referrals import bulk
from accord.referrals.rejects import (
    SealedRejectsError,
    open_rejects,
    seal_rejects,
    write_for_correction,
)
from accord.register.registry import current_registry
from accord.settings import get_settings
from accord.store.engine import make_engine, make_session_factory
from accord.store.faults import checkpoint

app = typer.Typer(help="Referrals into a service.", no_args_is_help=True)
POLICE_ROLE = "police-referrer"


def file_actor(register: str, organisation: str) -> Actor:
    """The police system whose export this is, acting with the register's referrer role."""
    return Actor(
        id=None,
        kind="system",
        organisation=organisation,
        roles=frozenset({POLICE_ROLE}),
        permissions=role_permissions(current_registry(), register, POLICE_ROLE),
        name=f"{organisation} referral file",
    )


@app.command("import")
def import_file(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV export (see columns in accord.referrals.bulk)."
    ),
    register: str = typer.Option(..., "--register", help="Register id, e.g. lvws."),
    org: str = typer.Option(
        ..., "--org", help="The referring organisation, e.g. metropolitan-police."
    ),
    to: str | None = typer.Option(
        None, "--to", help="Receiving provider (default: the register's lead provider)."
    ),
    rejects: Path | None = typer.Option(
        None,
        "--rejects",
        help="Where to write the row numbers and reasons (default: FILE.rejects.csv); "
        "the rows themselves are sealed beside it (.sealed).",
    ),
) -> None:
    """Load the good rows; list each bad row's number, column and reason in a rejects file
    and keep the bad rows themselves sealed for correction."""
    registry = current_registry()
    try:
        reg = registry.get(register)
    except KeyError:
        err_console.print(f"[red]--register: {registry.missing(register)}[/red]")
        raise typer.Exit(2) from None
    if not any(o.id == org for o in reg.organisations):
        err_console.print(f"[red]--org: {org!r} is not an organisation in {register!r}[/red]")
        raise typer.Exit(2)
    try:
        header, rows = bulk.read_rows(file)
    except bulk.BadFileError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    engine = make_engine(get_settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            with Progress(
                TextColumn("[bold]importing[/bold] {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as progress:
                task = progress.add_task(file.name, total=len(rows))
                report = bulk.import_rows(
                    session,
                    actor=file_actor(register, org),
                    rows=rows,
                    register=register,
                    receiving_organisation=to,
                    progress=lambda: progress.advance(task),
                )
            # One commit for the file: a run killed before it loads nothing (its keys are
            # orphans for `accord keys check --fix`), and the re-run loads every good row.
            checkpoint("referrals.import.before-commit")
            session.commit()
        checkpoint("referrals.import.after-commit")
    finally:
        engine.dispose()
    _summary(report, file)
    if report.rejected:
        target = rejects or file.with_suffix(".rejects.csv")
        sealed = target.with_suffix(".sealed")
        bulk.write_rejects(target, report.rejected)
        checkpoint("referrals.import.after-rejects")
        seal_rejects(sealed, header, report.rejected)
        checkpoint("referrals.import.after-sealed")
        console.print(f"reasons written to [bold]{target}[/bold]")
        console.print(
            f"rejected rows sealed in [bold]{sealed}[/bold] "
            f"(to correct them: accord referrals rejects open {sealed} --out FILE.csv)"
        )
        raise typer.Exit(1)


rejects_app = typer.Typer(help="Rejected rows of bulk imports, kept sealed.", no_args_is_help=True)
app.add_typer(rejects_app, name="rejects")


@rejects_app.command("open")
def open_sealed_rejects(
    sealed: Path = typer.Argument(..., exists=True, dir_okay=False, help="The .sealed file."),
    out: Path = typer.Option(..., "--out", help="Where to write the rows for correction."),
) -> None:
    """Write a bulk import's sealed rejected rows as a CSV to correct and import again."""
    try:
        header, rows = open_rejects(sealed)
    except SealedRejectsError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    write_for_correction(out, header, [values for _, values in rows])
    numbers = ", ".join(str(number) for number, _ in rows)
    console.print(f"{len(rows)} rows (file rows {numbers}) written to [bold]{out}[/bold]")


def _summary(report: bulk.ImportReport, file: Path) -> None:
    table = Table(title=f"{file.name}: {report.rows} rows read")
    table.add_column("outcome")
    table.add_column("rows", justify="right")
    table.add_row("loaded", str(report.loaded))
    for service, count in sorted(report.routed.items()):
        table.add_row(f"  proposed for {service}", str(count))
    table.add_row("  with a match to confirm", str(report.matches))
    table.add_row("rejected", str(len(report.rejected)))
    table.add_row("reconciles (read = loaded + rejected)", "yes" if report.reconciles else "NO")
    console.print(table)
    if report.rejected:
        reasons = Table(title="Rejected rows")
        reasons.add_column("row", justify="right")
        reasons.add_column("why")
        for item in report.rejected[:50]:
            reasons.add_row(str(item.row), "\n".join(item.reasons))
        if len(report.rejected) > 50:
            reasons.add_row("…", f"{len(report.rejected) - 50} more in the rejects file")
        console.print(reasons)
