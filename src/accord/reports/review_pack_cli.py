"""`accord reports review-pack` and `accord reports review-outcome`: the six-monthly partner
data review from the command line."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from accord.console import console, err_console
from accord.errors import AccordError
from accord.gate.cli_common import AS_OPTION, actor_for, db, failed
from accord.gate.types import AccessDenied
from accord.reports import review_pack
from accord.store.base import utcnow


def review_pack_command(
    register: str = typer.Option(..., "--register", help="The register whose partners to review."),
    partner: str | None = typer.Option(None, "--partner", help="One partner only."),
    period_from: str | None = typer.Option(
        None, "--from", help="First day (YYYY-MM-DD); default six months ago."
    ),
    period_to: str | None = typer.Option(None, "--to", help="Last day; default today."),
    out: Path | None = typer.Option(None, "--out", help="Write the pack (.html or .pdf)."),
    as_email: str = AS_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """The six-monthly partner data review pack: per partner, what was received, held,
    matched, reported and set aside (counts only)."""
    kind = out.suffix.lower().lstrip(".") if out else None
    if kind not in (None, "html", "pdf"):
        err_console.print("--out: the file must end .html or .pdf")
        raise typer.Exit(2)
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            pack = review_pack.build(
                session,
                actor=actor,
                register=register,
                partner=partner,
                period_from=_day(period_from, "--from"),
                period_to=_day(period_to, "--to"),
            )
        except (AccessDenied, AccordError) as exc:
            session.commit()
            raise failed(exc) from None
        session.commit()
    if out is not None:
        if kind == "pdf":
            out.write_bytes(review_pack.to_pdf(pack))
        else:
            out.write_text(review_pack.to_html(pack), encoding="utf-8")
        console.print(f"[green]✓[/green] wrote {out}")
        return
    if as_json:
        console.print_json(json.dumps(asdict(pack), default=str))
        return
    table = Table(title=f"Partner data review {pack.period_from} to {pack.period_to}")
    for column in ("partner", "received", "held", "matched", "set aside", "reports", "outcome"):
        table.add_column(column)
    for p in pack.partners:
        table.add_row(
            p.partner,
            f"{sum(d.rows_received for d in p.datasets):,}",
            f"{sum(d.held for d in p.datasets):,}",
            f"{sum(d.matched for d in p.datasets):,}",
            f"{p.quarantined:,}",
            f"{sum(p.reports.values()):,}",
            p.outcome["decision"] if p.outcome else "-",
        )
    console.print(table)


def review_outcome_command(
    register: str = typer.Option(..., "--register"),
    partner: str = typer.Option(..., "--partner", help="The partner whose data was reviewed."),
    decision: review_pack.Decision = typer.Option(..., "--decision"),
    notes: str = typer.Option("", "--notes", help="What is to change, and why."),
    period_from: str | None = typer.Option(None, "--from", help="First day of the period."),
    period_to: str | None = typer.Option(None, "--to", help="Last day of the period."),
    as_email: str = AS_OPTION,
) -> None:
    """Record the outcome of a partner's six-monthly data review (audited)."""
    start, end = review_pack.default_period(utcnow().date())
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            row = review_pack.record_outcome(
                session,
                actor=actor,
                register=register,
                partner=partner,
                period_from=_day(period_from, "--from") or start,
                period_to=_day(period_to, "--to") or end,
                decision=decision.value,
                notes=notes,
            )
        except (AccessDenied, AccordError) as exc:
            session.commit()
            raise failed(exc) from None
        session.commit()
        console.print(f"[green]✓[/green] recorded: {partner} {row.decision} ({row.id})")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        err_console.print(f"{option}: a date as YYYY-MM-DD")
        raise typer.Exit(2) from None
