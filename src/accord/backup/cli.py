"""`accord backup` and `accord restore`: each store to a file of its own, erasures replayed.

Typical use (docs/operations-keys.md): a nightly `accord backup --case-dir /backups/case
--analytics-dir /backups/analytics` kept for months, and `accord backup --keystore-dir
/keystore-backups` to another place, kept for days.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from sqlalchemy.orm import Session

from accord.analytics.lock import AnalyticsBusy
from accord.backup.service import (
    BackupError,
    Manifest,
    StoreKind,
    backup_analytics,
    backup_database,
    check_apart,
    restore_analytics,
    restore_database,
)
from accord.console import console, err_console
from accord.keys.erasures import ErasureLog
from accord.keys.errors import KeystoreMisconfigured
from accord.keys.keystore import Keystore
from accord.settings import get_settings
from accord.store.engine import make_engine

backup_app = typer.Typer(
    help="Back up the case database, keystore and analytical store, each apart.",
    invoke_without_command=True,
)
restore_app = typer.Typer(
    help="Restore stores from `accord backup` files, then replay erasures made since.",
    invoke_without_command=True,
)
app = backup_app  # the sub-app accord.cli registers as `backup`


def _fail(exc: Exception, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]✗[/red] {exc}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _keystore() -> Keystore:
    try:
        return Keystore.from_settings(get_settings())
    except KeystoreMisconfigured as exc:
        raise _fail(exc, 2) from None


def _advance(bar: Progress, task: TaskID) -> Callable[[int, int], None]:
    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return update


def _each_database(
    bar: Progress,
    jobs: list[tuple[StoreKind, str, Path]],
    run: Callable[..., Manifest],
) -> list[Manifest]:
    """Back up or restore each (store, url, path) in order, one progress line each."""
    done: list[Manifest] = []
    for store, url, path in jobs:
        task = bar.add_task(f"{store} database", total=None)
        done.append(run(store, url, path, progress=_advance(bar, task)))
        bar.update(task, completed=1, total=1)
    return done


def _bar(quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        disable=quiet,
    )


@backup_app.callback()
def backup(
    case_dir: Path | None = typer.Option(None, help="Directory for the case database backup."),
    keystore_dir: Path | None = typer.Option(
        None, help="Directory for the keystore backup: apart from the others, short retention."
    ),
    analytics_dir: Path | None = typer.Option(
        None, help="Directory for the analytical store backup."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the manifests as JSON."),
) -> None:
    """Back up each named store into its own directory (one file and manifest each)."""
    if not (case_dir or keystore_dir or analytics_dir):
        raise _fail(
            ValueError("name at least one of --case-dir, --keystore-dir, --analytics-dir"), 2
        )
    settings = get_settings()
    written: list[Manifest] = []
    try:
        check_apart(case_dir, keystore_dir, [analytics_dir] if analytics_dir else [])
        with _bar(as_json) as bar:
            # The analytical store first: when a writer holds it, nothing is written at all.
            if analytics_dir:
                task = bar.add_task("analytical store", total=1)
                written.append(
                    backup_analytics(
                        settings.analytics_path,
                        analytics_dir,
                        wait=settings.analytics_lock_wait_seconds,
                    )
                )
                bar.update(task, completed=1)
            jobs: list[tuple[StoreKind, str, Path]] = []
            if case_dir:
                jobs.append(("case", settings.database_url, case_dir))
            if keystore_dir:
                jobs.append(("keystore", _keystore().url, keystore_dir))
            written += _each_database(bar, jobs, backup_database)
    except BackupError as exc:
        raise _fail(exc) from None
    except AnalyticsBusy as exc:
        raise _fail(ValueError(f"{exc}; nothing written"), 3) from None
    outs = {"case": case_dir, "keystore": keystore_dir, "analytics": analytics_dir}
    if as_json:
        print(
            json.dumps(
                [{**m.__dict__, "path": str(outs[m.store] / m.file)} for m in written],  # type: ignore[operator]
                indent=2,
            )
        )
        return
    for m in written:
        console.print(f"[green]✓[/green] {m.store}: {outs[m.store] / m.file}")  # type: ignore[operator]


def _replay_records(url: str, erasures: ErasureLog) -> int:
    """Delete again the records a partial erasure removed (the rest of the person kept) that
    the restored case database brought back: their keys live on, so only deleting them again
    keeps them gone."""
    from accord.rights.erasure import replay_record_erasures

    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            return replay_record_erasures(session, erasures)
    finally:
        engine.dispose()


@restore_app.callback()
def restore(
    case: Path | None = typer.Option(None, help="Case database backup file."),
    keystore: Path | None = typer.Option(None, help="Keystore backup file."),
    analytics: Path | None = typer.Option(None, help="Analytical store backup file."),
    yes: bool = typer.Option(False, "--yes", help="Confirm: the named stores are replaced."),
    as_json: bool = typer.Option(False, "--json", help="Print what was restored as JSON."),
) -> None:
    """Replace the named stores with backups, then replay the erasure log so keys destroyed
    after the keystore backup was taken are destroyed again. Stop the servers first."""
    from accord.keys.erasures import replay

    if not (case or keystore or analytics):
        raise _fail(ValueError("name at least one of --case, --keystore, --analytics"), 2)
    if not yes:
        raise _fail(ValueError("restoring replaces the live stores: add --yes"), 2)
    settings = get_settings()
    live_keys = _keystore()
    restored: list[Manifest] = []
    try:
        with _bar(as_json) as bar:
            # The analytical store first: when a writer holds it, nothing is replaced.
            if analytics is not None:
                task = bar.add_task("analytical store", total=1)
                restored.append(
                    restore_analytics(
                        settings.analytics_path,
                        analytics,
                        wait=settings.analytics_lock_wait_seconds,
                    )
                )
                bar.update(task, completed=1)
            # The keystore before the case database: the erasure replay below runs against
            # what was restored.
            databases: list[tuple[StoreKind, str, Path | None]] = [
                ("keystore", live_keys.url, keystore),
                ("case", settings.database_url, case),
            ]
            jobs = [(store, url, file) for store, url, file in databases if file is not None]
            restored += _each_database(bar, jobs, restore_database)
    except BackupError as exc:
        raise _fail(exc) from None
    except AnalyticsBusy as exc:
        raise _fail(ValueError(f"{exc}; nothing restored"), 3) from None
    live_keys.dispose()
    erasures = live_keys.erasures
    entries = len(erasures.entries()) if erasures is not None else 0
    destroyed = replay(erasures, live_keys) if erasures is not None else 0
    live_keys.dispose()
    records = _replay_records(settings.database_url, erasures) if erasures is not None else 0
    if as_json:
        print(
            json.dumps(
                {
                    "restored": [m.__dict__ for m in restored],
                    "erasures_logged": entries,
                    "keys_destroyed_again": destroyed,
                    "records_erased_again": records,
                },
                indent=2,
            )
        )
        return
    for m in restored:
        console.print(f"[green]✓[/green] {m.store} restored from the backup of {m.taken_at}")
    console.print(
        f"erasure log: {entries} erasures recorded; {destroyed} restored keys destroyed again; "
        f"{records} restored records erased again"
    )
    console.print("next: `accord keys check` compares the keystore with the case database")
