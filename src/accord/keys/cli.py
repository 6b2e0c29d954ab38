"""`accord keys ...`: generate a master key, rotate to a new one, show keystore status."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from accord.console import console, err_console
from accord.keys.errors import InvalidMasterKey, KeystoreMisconfigured
from accord.keys.keyring import LocalKeyring, generate_master_key, read_master_key_file
from accord.keys.keystore import Keystore
from accord.keys.rotation import rotate as rotate_keys
from accord.settings import get_settings

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


@app.command()
def status() -> None:
    """Count data keys by the master key that wraps them."""
    keyring = _keyring()
    counts = _keystore().counts_by_master_key()
    table = Table(title="Data keys by master key")
    table.add_column("master key id")
    table.add_column("data keys", justify="right")
    table.add_column("held by this keyring")
    for key_id, count in counts.items():
        role = (
            "current"
            if key_id == keyring.current_key_id
            else ("previous" if key_id in keyring.key_ids else "[red]no[/red]")
        )
        table.add_row(key_id, str(count), role)
    console.print(table)
    console.print(f"current master key: {keyring.current_key_id}; total {sum(counts.values())}")


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
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

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
