"""`accord link run [--incremental]`, `accord link status`, `accord link review list|accept|reject`.

Commands act as a named account's API token role or, for scheduled jobs, as the system actor
of the matching team (ACCORD_LINKAGE_* settings are not needed: defaults follow TVT's register).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import cast, get_args

import pandas as pd
import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from accord.console import console, err_console
from accord.gate.types import AccessDenied, Actor
from accord.linkage import review, service
from accord.linkage.config import LinkageConfig
from accord.linkage.engine import EngineName
from accord.settings import get_settings
from accord.store.engine import make_engine, make_session_factory

app = typer.Typer(
    help="Record linkage across partners: person ids and clerical review.", no_args_is_help=True
)
review_app = typer.Typer(help="The clerical review queue.", no_args_is_help=True)
app.add_typer(review_app, name="review")

_STEPS = {
    "prepare": "Preparing identifiers",
    "train": "Training the model (u sampling, EM)",
    "score": "Blocking and scoring pairs",
    "cluster": "Clustering and assigning person ids",
}


MATCHING_ROLE = "partnership-analyst"


def _actor(register: str, organisation: str) -> Actor:
    """The matching team's role from the register, acting as the system (CLI and jobs)."""
    from accord.register.registry import current_registry

    try:
        role = current_registry().role(register, MATCHING_ROLE)
    except KeyError as exc:
        err_console.print(
            f"[red]✗[/red] register {register!r} has no {MATCHING_ROLE!r} role to run linkage as"
        )
        raise typer.Exit(1) from exc
    return Actor(
        id=None,
        kind="system",
        organisation=organisation,
        roles=frozenset({role.id}),
        permissions=frozenset(role.permissions),
        name="accord link",
    )


@contextmanager
def _run_log(path: Path) -> Iterator[None]:
    """Library messages (Splink's training notes and warnings, accord's own) go to the run's
    log file; the terminal keeps the progress lines and the summary. Splink adds its own
    terminal handler only when no handler is set above it, so one file handler on the root
    logger is enough."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(min(level, logging.INFO) if level else logging.INFO)
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        root.setLevel(level)
        root.removeHandler(handler)
        handler.close()


@contextmanager
def _session() -> Iterator[Session]:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


@app.command("run")
def run_command(
    incremental: bool = typer.Option(
        False, "--incremental", help="Link only new or changed records."
    ),
    engine: str = typer.Option("duckdb", help="duckdb (default) or spark."),
    threshold: float = typer.Option(
        0.9, help="Match probability at which two records are one person."
    ),
    review_lower: float = typer.Option(0.5, help="Lower bound of the clerical review band."),
    max_cluster_size: int = typer.Option(500, help="Largest person allowed before re-clustering."),
    truth: Path | None = typer.Option(
        None, help="CSV of record_id,person_id labels, for accuracy."
    ),
    reports: Path = typer.Option(Path("linkage-reports"), help="Folder for the quality reports."),
    relations: Path | None = typer.Option(
        None,
        help="CSV of person_id,household,twin_of,kind for the --truth people: adds precision "
        "and recall for twin, household and ordinary pairs.",
    ),
) -> None:
    """Link every partner's records into people and write a quality report."""
    try:
        if engine not in get_args(EngineName):
            raise ValueError(f"--engine must be duckdb or spark, not {engine!r}")
        config = LinkageConfig(
            engine=cast(EngineName, engine),
            threshold=threshold,
            review_lower=review_lower,
            max_cluster_size=max_cluster_size,
        )
    except ValueError as exc:
        err_console.print(f"[red]✗[/red] {exc}")
        raise typer.Exit(2) from exc
    labels = pd.read_csv(truth, dtype="string") if truth else None
    people = pd.read_csv(relations, dtype="string") if relations else None
    settings = get_settings()
    # named after the run once it has an id; until then after the time it started
    log_path = reports / f"linkage-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.log"
    with (
        _run_log(log_path),
        _session() as session,
        Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
        ) as progress,
    ):

        @contextmanager
        def step(name: str) -> Iterator[None]:
            task = progress.add_task(_STEPS.get(name, name), total=None)
            yield
            progress.update(task, total=1, completed=1)

        try:
            record = service.run(
                session,
                actor=_actor(config.register, config.owner_organisation),
                config=config,
                index_key=settings.index_key.get_secret_value(),
                incremental=incremental,
                truth=labels,
                reports_dir=reports,
                step=step,
                people=people,
            )
        except (AccessDenied, service.LinkageError) as exc:
            session.commit()
            err_console.print(f"[red]✗[/red] {exc} (log: {log_path})")
            raise typer.Exit(1) from exc
        session.commit()
    log_path = log_path.replace(reports / f"linkage-{record.id}.log")
    counts = (record.report or {}).get("counts", {})
    model = (record.report or {}).get("model") or {}
    if model.get("source") not in (None, "trained"):
        console.print(f"[yellow]![/yellow] {model['summary']}")
    console.print(
        f"[green]✓[/green] {record.kind} run {record.id}: {counts.get('records', 0):,} records, "
        f"{record.people:,} people, {counts.get('review_pairs_added', 0):,} pairs for review; "
        f"report in {reports}/linkage-{record.id}.md, library messages in {log_path}"
    )


@app.command("status")
def status_command() -> None:
    """People, review queue and the latest runs."""
    config = LinkageConfig()
    with _session() as session:
        info = service.status(
            session,
            actor=_actor(config.register, config.owner_organisation),
            config=config,
        )
        session.commit()
    console.print(
        f"{info['records']:,} records, {info['people']:,} people; review queue: "
        f"{info['review_open']:,} open, {info['review_decided']:,} decided"
    )
    table = Table("run", "kind", "status", "started", "records", "delta", "people")
    for r in info["runs"]:
        table.add_row(
            r["id"][:8],
            r["kind"],
            r["status"],
            str(r["started_at"])[:19],
            f"{r['records']:,}",
            f"{r['delta_records']:,}",
            f"{r['people']:,}",
        )
    console.print(table)


@review_app.command("list")
def review_list(
    status: str = typer.Option("open", help="open, decided or all."), limit: int = typer.Option(50)
) -> None:
    """Pairs waiting for a decision, closest to the threshold first."""
    config = LinkageConfig()
    with _session() as session:
        pairs = review.list_pairs(
            session,
            actor=_actor(config.register, config.owner_organisation),
            config=config,
            status=cast(review.Status, status),
            limit=limit,
        )
        session.commit()
        table = Table("weight", "probability", "status", "decision")
        for column in ("record", "record", "pair"):
            table.add_column(column, overflow="fold")
        for p in pairs:
            table.add_row(
                f"{p.match_weight:.2f}",
                f"{p.match_probability:.3f}",
                p.status,
                p.decision or "",
                p.record_id_l,
                p.record_id_r,
                str(p.id),
            )
    console.print(table)


def _decide(pair: str, decision: str, note: str | None) -> None:
    config = LinkageConfig()
    try:
        pair_id = uuid.UUID(pair)
    except ValueError as exc:
        err_console.print(f"[red]✗[/red] {pair!r} is not a review pair id")
        raise typer.Exit(2) from exc
    with _session() as session:
        try:
            review.decide(
                session,
                actor=_actor(config.register, config.owner_organisation),
                config=config,
                pair_id=pair_id,
                decision=cast(review.Decision, decision),
                note=note,
            )
        except review.ReviewError as exc:
            err_console.print(f"[red]✗[/red] {exc}")
            raise typer.Exit(1) from exc
        session.commit()
    console.print(f"[green]✓[/green] pair {pair_id}: {decision}ed (applies from the next run)")


@review_app.command("accept")
def review_accept(pair: str, note: str = typer.Option(None, help="Why.")) -> None:
    """The two records are the same person."""
    _decide(pair, "accept", note)


@review_app.command("reject")
def review_reject(pair: str, note: str = typer.Option(None, help="Why.")) -> None:
    """The two records are different people: never join them."""
    _decide(pair, "reject", note)
