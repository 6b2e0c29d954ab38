"""`accord access reviews` and `accord access decide`: the DPO's review of access outside caseloads."""

from __future__ import annotations

import uuid

import typer
from rich.table import Table

from accord.console import console
from accord.gate import access
from accord.gate.cli_common import AS_OPTION, actor_for, db, exits

app = typer.Typer(help="Access outside a caseload and its review.", no_args_is_help=True)


@app.command()
def reviews(
    as_email: str = AS_OPTION,
    state: str = typer.Option("pending", help="pending, appropriate, inappropriate or all."),
) -> None:
    """List accesses outside a caseload for the DPO to review."""
    with db() as session:
        actor = actor_for(session, as_email)
        with exits(session):
            grants = access.list_reviews(
                session, actor=actor, state=None if state == "all" else state
            )
        session.commit()
    table = Table(title=f"Access outside a caseload ({state})")
    for column in (
        "grant",
        "granted (UTC)",
        "expires (UTC)",
        "who",
        "record",
        "purpose",
        "reason",
        "review",
    ):
        table.add_column(column)
    for grant in grants:
        table.add_row(
            str(grant.id),
            grant.granted_at.strftime("%Y-%m-%d %H:%M"),
            grant.expires_at.strftime("%Y-%m-%d %H:%M"),
            f"{grant.actor_id} ({grant.actor_organisation})",
            f"{grant.register}/{grant.record_type} {grant.record_id}",
            grant.purpose,
            grant.reason,
            grant.review_state + (f": {grant.review_note}" if grant.review_note else ""),
        )
    console.print(table)
    if not grants:
        console.print("Nothing to review.")


@app.command()
def decide(
    grant_id: uuid.UUID = typer.Argument(..., help="The grant to review."),
    outcome: access.ReviewOutcome = typer.Option(..., help="appropriate or inappropriate."),
    note: str = typer.Option("", help="Why (required when inappropriate)."),
    as_email: str = AS_OPTION,
) -> None:
    """Record whether an access outside a caseload was appropriate."""
    with db() as session:
        actor = actor_for(session, as_email)
        with exits(session):
            grant = access.decide_review(
                session, actor=actor, grant_id=grant_id, outcome=outcome, note=note
            )
        session.commit()
    console.print(f"Grant {grant.id} reviewed: {grant.review_state}.")
