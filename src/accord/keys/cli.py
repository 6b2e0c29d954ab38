"""`accord keys ...`: generate a master key, rotate to a new one, show keystore status,
shred a partner dataset."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from accord.console import console, err_console
from accord.keys.errors import InvalidMasterKey, KeystoreMisconfigured
from accord.keys.keyring import LocalKeyring, generate_master_key, read_master_key_file
from accord.keys.keystore import Keystore
from accord.keys.rotation import rotate as rotate_keys
from accord.settings import get_settings
from accord.store.faults import checkpoint

app = typer.Typer(help="Master keys and the data-key keystore.", no_args_is_help=True)


def _keyring() -> LocalKeyring:
    try:
        return LocalKeyring.from_settings(get_settings())
    except InvalidMasterKey as exc:
        err_console.print(f"[red]✗[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _keystore() -> Keystore:
    try:
        return Keystore.from_settings(get_settings())
    except KeystoreMisconfigured as exc:
        err_console.print(f"[red]✗[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


@app.command()
def generate(
    out: Path = typer.Option(..., "--out", help="File to write the new master key to."),
) -> None:
    """Write a new random master key (base64 of 32 bytes), readable by its owner only."""
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        err_console.print(
            f"[red]✗[/red] {out} already exists; not overwriting a key file", soft_wrap=True
        )
        raise typer.Exit(1) from None
    with os.fdopen(fd, "w") as handle:
        handle.write(generate_master_key() + "\n")
    key_id = LocalKeyring(read_master_key_file(out)).current_key_id
    console.print(f"[green]✓[/green] wrote master key {key_id} to {out}")


def _case_engine_if_present() -> Engine | None:
    """The case database's engine, or None when it does not exist yet (a SQLite file not
    made) or has no dataset-key table, so key commands never create a case database."""
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url

    from accord.store.engine import make_engine

    url = make_url(get_settings().database_url)
    if url.get_backend_name() == "sqlite" and (
        not url.database or url.database == ":memory:" or not Path(url.database).exists()
    ):
        return None
    engine = make_engine(str(get_settings().database_url))
    try:
        if inspect(engine).has_table("feed_data_keys"):
            return engine
    except SQLAlchemyError:
        engine.dispose()
        err_console.print(
            "[red]✗[/red] cannot read the case database (ACCORD_DATABASE_URL) to find dataset "
            "keys still held there",
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
    engine.dispose()
    return None


def _keys_in_case_database() -> int:
    from sqlalchemy import func, select

    from accord.feeds.models import FeedDataKey

    engine = _case_engine_if_present()
    if engine is None:
        return 0
    try:
        with Session(engine) as session:
            return int(session.scalar(select(func.count()).select_from(FeedDataKey)) or 0)
    finally:
        engine.dispose()


def _move_dataset_keys(keystore: Keystore) -> int:
    """Move dataset keys still held in the case database into the keystore, so rotation and
    erasure reach them (committed before any rewrapping starts)."""
    from accord.feeds.crypto import move_dataset_keys

    engine = _case_engine_if_present()
    if engine is None:
        return 0
    try:
        with Session(engine) as session, session.begin():
            return move_dataset_keys(session, keystore)
    finally:
        engine.dispose()


@app.command()
def status(
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Count every data key (subjects' and partner datasets') by the master key wrapping it."""
    keyring = _keyring()
    by_kind = _keystore().counts_by_kind()
    legacy = _keys_in_case_database()
    key_ids = sorted({key_id for counts in by_kind.values() for key_id in counts})

    def role(key_id: str) -> str:
        if key_id == keyring.current_key_id:
            return "current"
        return "previous" if key_id in keyring.key_ids else "no"

    total = sum(sum(counts.values()) for counts in by_kind.values())
    if as_json:
        print(
            json.dumps(
                {
                    "current_master_key": keyring.current_key_id,
                    "master_keys": [
                        {
                            "master_key_id": key_id,
                            "held_by_keyring": role(key_id),
                            **{kind: by_kind[kind].get(key_id, 0) for kind in by_kind},
                        }
                        for key_id in key_ids
                    ],
                    "total": total,
                    "dataset_keys_in_case_database": legacy,
                },
                indent=2,
            )
        )
        return
    table = Table(title="Data keys by master key")
    table.add_column("master key id")
    table.add_column("subject keys", justify="right")
    table.add_column("dataset keys", justify="right")
    table.add_column("held by this keyring")
    for key_id in key_ids:
        held = role(key_id)
        table.add_row(
            key_id,
            str(by_kind["subject"].get(key_id, 0)),
            str(by_kind["dataset"].get(key_id, 0)),
            "[red]no[/red]" if held == "no" else held,
        )
    console.print(table)
    console.print(f"current master key: {keyring.current_key_id}; total {total}")
    if legacy:
        err_console.print(
            f"[yellow]![/yellow] {legacy} partner dataset keys are still in the case database: "
            "`accord keys rotate` moves them into the keystore",
            soft_wrap=True,
        )


@app.command()
def rotate(
    new_key_file: Path = typer.Option(
        ..., "--new-key-file", help="File holding the new master key (see `accord keys generate`)."
    ),
    batch_size: int = typer.Option(500, min=1, help="Keys read per keystore query."),
) -> None:
    """Rewrap every data key under the new master key (no record is decrypted; no downtime).

    Old keys are unwrapped with ACCORD_MASTER_KEY(_FILE) and ACCORD_MASTER_KEY_PREVIOUS_FILES.
    Afterwards make the new key current and the old one unnecessary (docs/operations-keys.md).
    """
    try:
        new_key = read_master_key_file(new_key_file)
    except InvalidMasterKey as exc:
        err_console.print(f"[red]✗[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    keyring = _keyring().with_current(new_key)
    keystore = _keystore()
    moved = _move_dataset_keys(keystore)
    if moved:
        console.print(f"moved {moved} partner dataset keys from the case database to the keystore")
    checkpoint("keys.rotate.after-move")
    total = keystore.count_not_under(keyring.current_key_id)
    with Progress(
        TextColumn("rewrapping data keys"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("rotate", total=total)
        report = rotate_keys(
            keystore,
            keyring,
            batch_size=batch_size,
            progress=lambda n: bar.advance(task, n),
        )
    console.print(
        f"rewrapped {report.rewrapped} data keys under {report.target_key_id}"
        + (f"; {report.skipped} changed meanwhile (skipped)" if report.skipped else "")
    )
    for key_id, count in sorted(report.unknown.items()):
        err_console.print(
            f"[red]✗[/red] {count} data keys are wrapped under {key_id}, which no configured key "
            "matches: add it to ACCORD_MASTER_KEY_PREVIOUS_FILES and run again",
            highlight=False,
            soft_wrap=True,
        )
    if report.failed:
        err_console.print(
            f"[red]✗[/red] {report.failed} wrapped keys failed authentication and were left as they were"
        )
    if not report.complete:
        raise typer.Exit(1)


@app.command()
def check(
    fix: bool = typer.Option(
        False,
        "--fix",
        help="Destroy keys of erased subjects, and orphaned keys older than --orphan-age-hours.",
    ),
    orphan_age_hours: int = typer.Option(24, min=1, help="Age before an orphaned key may go."),
) -> None:
    """Compare the keystore with the case database (subject ids only)."""
    # Imported here: people depends on keys, not the other way round.
    from accord.people.consistency import check_keys, destroy_keys
    from accord.people.crypto import Crypto
    from accord.store.engine import make_engine

    settings = get_settings()
    _keystore()  # refuses a keystore inside the case database
    crypto = Crypto.from_settings(settings)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            report = check_keys(session, crypto)
    except SQLAlchemyError:
        err_console.print(
            "[red]✗[/red] cannot read subjects from the case database: check "
            "ACCORD_DATABASE_URL and run `accord db upgrade`",
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    old_orphans = report.orphans_older_than(timedelta(hours=orphan_age_hours))
    console.print(f"subjects in the case database: {report.subjects}; data keys: {report.keys}")
    console.print(
        f"orphaned keys (no subject row): {len(report.orphan_keys)}, "
        f"{len(old_orphans)} older than {orphan_age_hours} h"
    )
    console.print(
        f"active subjects without a key (erasure not finished): {len(report.active_without_key)}"
    )
    console.print(
        f"erased or anonymised subjects still holding a key: {len(report.erased_with_key)}"
    )
    if fix:
        if report.subjects == 0 and report.keys:
            err_console.print(
                "[red]✗[/red] the case database has no subjects but the keystore has keys: "
                "refusing to destroy anything (is ACCORD_DATABASE_URL the right database?)",
                soft_wrap=True,
            )
            raise typer.Exit(2)
        destroyed = destroy_keys(crypto, report.erased_with_key + old_orphans)
        console.print(f"[green]✓[/green] destroyed {destroyed} keys")
        report.erased_with_key.clear()
    if report.erased_with_key or report.active_without_key:
        raise typer.Exit(1)


@app.command("shred-dataset")
def shred_dataset(
    partner: str = typer.Argument(..., help="Partner organisation of the dataset."),
    dataset: str = typer.Argument(..., help="Dataset name in the feed contract."),
    register: str | None = typer.Option(
        None,
        help="Register holding the feed contract (default: the one register that declares it).",
    ),
    role: str = typer.Option("dpo", help="Register role to act as (needs to delete partner data)."),
    organisation: str | None = typer.Option(
        None, help="Organisation the command acts for (needed when the role is not bound to one)."
    ),
    yes: bool = typer.Option(False, "--yes", help="Confirm: this cannot be undone."),
) -> None:
    """Erase a partner dataset: destroy its key (every copy of its identifiers, backups
    included, becomes unreadable), then delete its rows from both stores."""
    from accord.analytics.lock import AnalyticsBusy
    from accord.feeds.cli import _actor, resolve_register
    from accord.feeds.erase import erase_dataset
    from accord.feeds.errors import FeedError
    from accord.gate.types import AccessDenied
    from accord.store.engine import make_engine

    if not yes:
        err_console.print("[red]✗[/red] erasing a dataset cannot be undone: add --yes")
        raise typer.Exit(2)
    register = resolve_register(register, partner, dataset)
    _keystore()  # refuses a keystore inside the case database
    engine = make_engine(get_settings().database_url)
    try:
        with Session(engine) as session:
            try:
                done = erase_dataset(
                    session,
                    actor=_actor(register, role, organisation),
                    register=register,
                    partner=partner,
                    dataset=dataset,
                )
            except (AccessDenied, FeedError) as exc:
                session.commit()  # the refusal's audit entry
                err_console.print(f"[red]✗[/red] {exc}", highlight=False, soft_wrap=True)
                raise typer.Exit(1) from None
            except AnalyticsBusy as exc:
                session.rollback()
                err_console.print(f"[red]✗[/red] {exc}; nothing erased", soft_wrap=True)
                raise typer.Exit(3) from None
            session.commit()
    finally:
        engine.dispose()
    console.print(
        f"[green]✓[/green] {partner}/{dataset}: key "
        + ("destroyed" if done.key_destroyed else "already gone")
        + f", {done.identifiers_removed} identifier rows deleted"
    )
