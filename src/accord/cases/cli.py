"""`accord cases reindex`: the blind indexes people referred before an index kind was added
lack (the date of birth alone, searched on the case search page), added from their cases."""

from __future__ import annotations

import json

import typer

from accord.cases.reindex import Reindexed, reindex
from accord.console import console, err_console
from accord.people.models import INDEX_KINDS
from accord.referrals.matching import index_values
from accord.settings import get_settings
from accord.store.engine import make_engine, make_session_factory

app = typer.Typer(help="Casework upkeep.", no_args_is_help=True)


@app.command("reindex")
def reindex_command(
    kind: list[str] = typer.Option(
        ["date_of_birth"],
        "--kind",
        help=f"Index kind to add where missing (repeatable; one of {', '.join(INDEX_KINDS)}).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the totals as JSON."),
) -> None:
    """Add the blind indexes each case's person lacks, from their sealed details: run once
    after an upgrade adds an index kind. A stopped run keeps what it did; run it again."""
    unknown = sorted(set(kind) - set(INDEX_KINDS))
    if unknown:
        err_console.print(
            f"--kind: {', '.join(unknown)} is not an index kind (one of {', '.join(INDEX_KINDS)})"
        )
        raise typer.Exit(2)
    engine = make_engine(get_settings().database_url)
    try:

        def said(done: Reindexed) -> None:
            if not as_json:
                console.print(f"{done.people} people looked at, {done.added} indexes added")

        done = reindex(
            make_session_factory(engine), values_of=index_values, kinds=kind, progress=said
        )
    finally:
        engine.dispose()
    if as_json:
        console.print_json(json.dumps(vars(done)))
    else:
        console.print(
            f"Done: {done.added} indexes added for {done.people - done.skipped} people; "
            f"{done.skipped} had nothing the index could read."
        )
