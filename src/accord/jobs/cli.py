"""`accord jobs run` (run what is due, once: for cron or a systemd timer), `accord jobs list`,
`accord jobs reminders`."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import timedelta

import typer
from rich.table import Table
from sqlalchemy import select

from accord.console import console, err_console
from accord.errors import AccordError
from accord.jobs import runner
from accord.jobs.models import Reminder
from accord.settings import get_settings
from accord.store.engine import make_engine, make_session_factory

app = typer.Typer(help="Recurring jobs: run what is due, list them.", no_args_is_help=True)
JSON = typer.Option(False, "--json", help="Print JSON.")


@app.command("run")
def run_command(
    job: str | None = typer.Option(None, help="Run only this job."),
    force: bool = typer.Option(False, "--force", help="With --job: run it even if not due."),
    lease_minutes: int = typer.Option(
        120, min=1, help="How long a runner holds a job before another may take it over."
    ),
    as_json: bool = JSON,
) -> None:
    """Run each job that is due, once; exits 1 when a job failed."""
    engine = make_engine(get_settings().database_url)
    try:
        ran = runner.run_due(
            make_session_factory(engine),
            only=job,
            force=force and job is not None,
            lease=timedelta(minutes=lease_minutes),
        )
    except AccordError as exc:
        err_console.print(str(exc))
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()
    if as_json:
        print(json.dumps([asdict(r) for r in ran], indent=2))
    else:
        for r in ran:
            console.print(f"{r.name}: {r.outcome}" + (f" ({r.message})" if r.message else ""))
    if any(r.outcome == "failed" for r in ran):
        raise typer.Exit(1)


@app.command("list")
def list_command(as_json: bool = JSON) -> None:
    """The jobs, when each is next due, and how its last run went."""
    engine = make_engine(get_settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            states = runner.list_jobs(session)
    finally:
        engine.dispose()
    if as_json:
        print(json.dumps([asdict(s) for s in states], indent=2))
        return
    table = Table(title="Recurring jobs")
    for column in ("job", "every", "next due", "last run", "outcome", "message"):
        table.add_column(column)
    for s in states:
        table.add_row(
            s.name,
            s.every,
            s.next_due_at or "at the next run",
            s.last_finished_at or "never",
            s.last_outcome or "",
            s.last_message or "",
        )
    console.print(table)


@app.command("reminders")
def reminders_command(as_json: bool = JSON) -> None:
    """Reminders the jobs raised (six-monthly formal reviews), newest first."""
    engine = make_engine(get_settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            rows = [
                {
                    "register": r.register,
                    "organisation": r.organisation,
                    "kind": r.kind,
                    "due_on": r.due_on.isoformat(),
                    "text": r.text,
                }
                for r in session.scalars(select(Reminder).order_by(Reminder.due_on.desc()))
            ]
    finally:
        engine.dispose()
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title="Reminders")
    for column in ("due", "register", "organisation", "reminder"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["due_on"], r["register"], r["organisation"], r["text"])
    console.print(table)
