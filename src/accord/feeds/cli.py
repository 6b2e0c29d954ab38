"""`accord feeds ingest PARTNER DATASET FILE`, `accord feeds sweep`, `accord feeds status`,
`accord feeds reindex`.

Commands act as the system actor of a register role (default: the matching team's
`partnership-analyst` for ingest and status; the `dpo` role, which holds the retention
permission, for the sweep).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.analytics.lock import AnalyticsBusy
from accord.console import console, err_console
from accord.feeds.errors import FeedError
from accord.feeds.ingest import IngestResult, ingest_file
from accord.feeds.models import QuarantinedRow
from accord.gate.types import AccessDenied, Actor
from accord.store.engine import settings_session

app = typer.Typer(
    help="Partner feeds: ingest deliveries, sweep the lookback, status.", no_args_is_help=True
)

REGISTER = typer.Option(..., help="Register holding the feed contracts.")
FEED_REGISTER = typer.Option(
    None,
    help="Register holding the feed contract (default: the one register that declares it).",
)
ORGANISATION = typer.Option(
    None,
    help="Organisation the command acts for (default: the one the role belongs to, when the"
    " register binds it to one).",
)


def _actor(register: str, role_id: str, organisation: str | None) -> Actor:
    from accord.register.registry import current_registry

    role = current_registry().role(register, role_id)
    organisation = organisation or role.organisation
    if organisation is None:
        err_console.print(
            f"[red]✗[/red] --organisation: role {role_id!r} of register {register!r} is held in"
            " more than one organisation; name the one the command acts for"
        )
        raise typer.Exit(2)
    return Actor(
        id=None,
        kind="system",
        organisation=organisation,
        roles=frozenset({role.id}),
        permissions=frozenset(role.permissions),
        name=f"accord feeds ({role.id})",
    )


def resolve_register(register: str | None, partner: str, dataset: str) -> str:
    """The register named on the command line, else the one declaring the feed (exit 2 when
    none or several do)."""
    if register is not None:
        return register
    from accord.feeds.contracts import register_for_feed

    try:
        return register_for_feed(partner, dataset)
    except FeedError as exc:
        err_console.print(f"[red]✗[/red] {exc}")
        raise typer.Exit(2) from exc


_session = settings_session


@contextmanager
def _exits(session: Session) -> Iterator[None]:
    """A command's failures as exit codes: refused by the gate 1 (its audit entry kept), a
    feed or file refused 2, the partner data store busy 3; nothing else is written."""
    try:
        yield
    except AccessDenied as exc:
        session.commit()  # keep the audited refusal
        err_console.print(f"[red]✗[/red] {exc}")
        raise typer.Exit(1) from exc
    except AnalyticsBusy as exc:
        session.rollback()
        err_console.print(f"[red]✗[/red] {exc}; nothing written")
        raise typer.Exit(3) from exc
    except (FeedError, KeyError) as exc:
        session.rollback()
        err_console.print(f"[red]✗[/red] {exc}")
        raise typer.Exit(2) from exc


def summary_table(result: IngestResult) -> Table:
    title = (
        f"{result.partner}/{result.dataset} ← {result.file} ({result.delivery}, {result.encoding})"
    )
    table = Table("rows", "count", title=title)
    table.add_row("in the file", f"{result.rows_in:,}")
    table.add_row("  loaded: new", f"{result.inserted:,}")
    table.add_row("  loaded: changed", f"{result.updated:,}")
    table.add_row("  loaded: unchanged", f"{result.unchanged:,}")
    table.add_row("  deletions (delta)", f"{result.deletion_rows:,}")
    table.add_row("  excluded: older than the lookback", f"{result.excluded:,}")
    table.add_row("  quarantined", f"{result.quarantined:,}")
    table.add_row("records deleted from the store", f"{result.records_deleted:,}")
    table.add_row("duplicate partner keys", f"{result.duplicate_keys:,}")
    ok = "[green]yes[/green]" if result.reconciled else "[red]NO[/red]"
    table.add_row("in = loaded + deletions + excluded + quarantined", ok)
    return table


@app.command("ingest")
def ingest_command(
    partner: str,
    dataset: str,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    register: str | None = FEED_REGISTER,
    role: str = typer.Option("partnership-analyst", help="Register role to act as."),
    organisation: str | None = ORGANISATION,
    confirm_removal: bool = typer.Option(
        False,
        "--confirm-removal",
        help="Load a snapshot even though it removes more of the dataset than"
        " ACCORD_FEEDS_SNAPSHOT_MAX_REMOVAL allows (the partner means to remove them).",
    ),
) -> None:
    """Validate, split and load one delivery (CSV, JSON Lines or Parquet)."""
    register = resolve_register(register, partner, dataset)
    with _session() as session, _exits(session):
        result = ingest_file(
            session,
            actor=_actor(register, role, organisation),
            partner=partner,
            dataset=dataset,
            path=file,
            register=register,
            confirm_removal=confirm_removal,
        )
        session.commit()
        reasons: Counter[str] = Counter()
        if result.quarantined and not result.already_ingested:
            for row_reasons in session.scalars(
                select(QuarantinedRow.reasons).where(QuarantinedRow.batch_id == result.batch_id)
            ):
                reasons.update(row_reasons)
    if result.already_ingested:
        console.print(
            f"[yellow]=[/yellow] {file.name} was already ingested as batch {result.batch_id}: nothing changed"
        )
    console.print(summary_table(result))
    if reasons:
        why = Table(
            "quarantine reason", "rows", title=f"quarantined rows (batch {result.batch_id})"
        )
        for reason, count in reasons.most_common(20):
            why.add_row(reason, f"{count:,}")
        console.print(why)


@app.command("sweep")
def sweep_command(
    register: str = REGISTER,
    role: str = typer.Option("dpo", help="Register role to act as (needs retention:run:execute)."),
    organisation: str | None = ORGANISATION,
) -> None:
    """Remove partner records older than each feed's lookback window, from both stores."""
    from accord.feeds.sweep import sweep

    with _session() as session, _exits(session):
        results = sweep(session, actor=_actor(register, role, organisation), register=register)
        session.commit()
    table = Table("feed", "cutoff", "attribute rows removed", "identifier rows removed")
    for r in results:
        table.add_row(
            f"{r.partner}/{r.dataset}",
            str(r.cutoff),
            f"{r.attributes_removed:,}",
            f"{r.identifiers_removed:,}",
        )
    console.print(table)


@app.command("reindex")
def reindex_command(
    register: str = REGISTER,
    role: str = typer.Option("partnership-analyst", help="Register role to act as."),
    organisation: str | None = ORGANISATION,
) -> None:
    """Write the digests rights requests find partner records by, for every stored record
    (records stored before the digests were kept are found only once this has run)."""
    from accord.feeds.identifiers import reindex

    with _session() as session, _exits(session):
        written = reindex(session, actor=_actor(register, role, organisation), register=register)
        session.commit()
    console.print(f"[green]✓[/green] {written:,} digests written for register {register}")


@app.command("status")
def status_command(
    register: str = REGISTER,
    role: str = typer.Option("partnership-analyst", help="Register role to act as."),
    organisation: str | None = ORGANISATION,
) -> None:
    """Each feed's last delivery, record and quarantine counts, and whether it is overdue."""
    from accord.feeds.status import feed_status

    with _session() as session, _exits(session):
        rows = feed_status(session, actor=_actor(register, role, organisation), register=register)
    now = datetime.now(UTC)
    table = Table(
        "feed",
        "delivery",
        "last delivery",
        "records",
        "identifiers",
        "quarantined (last/total)",
        "due",
    )
    for s in rows:
        last = f"{s.last_delivery:%Y-%m-%d %H:%M} {s.last_file}" if s.last_delivery else "never"
        if s.due_by is None:
            due = "[red]no delivery yet[/red]"
        elif s.overdue:
            due = f"[red]overdue by {(now - s.due_by).days} days[/red]"
        else:
            due = f"by {s.due_by:%Y-%m-%d}"
        table.add_row(
            f"{s.partner}/{s.dataset}",
            f"{s.delivery}, every {s.cadence}",
            last,
            f"{s.records:,}",
            f"{s.identifiers:,}",
            f"{s.quarantined_last:,} / {s.quarantined_total:,}",
            due,
        )
    console.print(table)
