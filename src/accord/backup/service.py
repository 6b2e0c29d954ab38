"""Backing up and restoring the three stores, each to a file of its own.

The case database, the keystore and the analytical store are written to separate files in
separate directories (the keystore never beside the case data: its backups have a short
retention of their own, docs/operations-keys.md). Each file gets a manifest (`.json` beside
it: which store, when, from which engine, its SHA-256) so a restore refuses a file of the
wrong kind or one that has changed. SQLite is copied with SQLite's online backup API (a
consistent copy while servers run); PostgreSQL with pg_dump / pg_restore (custom format)
from PATH; DuckDB with `COPY FROM DATABASE` through a read-only attachment.

Every restore ends by replaying the erasure log (accord.keys.erasures), so keys destroyed
after a keystore backup was taken are destroyed again before anyone reads the restored data.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import URL, make_url

from accord.analytics.lock import writer_lock
from accord.store.base import utcnow

StoreKind = Literal["case", "keystore", "analytics"]
STORE_KINDS: tuple[StoreKind, ...] = ("case", "keystore", "analytics")
MANIFEST_VERSION = 1
Progress = Callable[[int, int], None]  # (done, total) in the store's own units


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    store: StoreKind
    taken_at: str  # ISO 8601, UTC
    engine: str  # sqlite, postgresql, duckdb
    file: str  # the backup file's name, beside the manifest
    sha256: str
    version: int = MANIFEST_VERSION

    @property
    def taken(self) -> datetime:
        return datetime.fromisoformat(self.taken_at)


def manifest_path(file: Path) -> Path:
    return file.with_name(file.name + ".json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(file: Path, expected: StoreKind) -> Manifest:
    """The file's manifest, checked: right store, file unchanged since the backup."""
    if not file.is_file():
        raise BackupError(f"{file}: no such backup file")
    path = manifest_path(file)
    try:
        raw = json.loads(path.read_text())
        manifest = Manifest(**raw)
    except FileNotFoundError:
        raise BackupError(f"{file}: its manifest {path.name} is missing") from None
    except (json.JSONDecodeError, TypeError) as exc:
        raise BackupError(f"{path}: not a backup manifest ({exc})") from None
    if manifest.store != expected:
        raise BackupError(
            f"{file} is a backup of the {manifest.store} store, not the {expected} store"
        )
    if _sha256(file) != manifest.sha256:
        raise BackupError(f"{file} does not match its manifest's SHA-256: changed or truncated")
    return manifest


def _write_manifest(file: Path, store: StoreKind, engine: str, taken: datetime) -> Manifest:
    manifest = Manifest(store, taken.isoformat(), engine, file.name, _sha256(file))
    tmp = manifest_path(file).with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(manifest), indent=2) + "\n")
    os.replace(tmp, manifest_path(file))
    return manifest


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError(f"{url.render_as_string()}: an in-memory database cannot be backed up")
    return Path(url.database)


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The SQLAlchemy URL as libpq takes it (no +driver), and the environment carrying the
    password (PGPASSWORD), which a command line would show to every user of the machine."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH: install the PostgreSQL client tools (the same major "
            "version as the server) to back up or restore a PostgreSQL database"
        )
    return found


def _run(command: list[str], what: str, env: dict[str, str]) -> None:
    # The executable comes from shutil.which and every argument from settings or our paths.
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)  # noqa: S603
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {message[-1] if message else result.returncode}")


def _sqlite_copy(source: Path, target: Path, progress: Progress | None) -> None:
    """Copy with SQLite's online backup API (consistent while others write)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:

        def step(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        src.backup(dst, pages=1024, progress=step)
    except sqlite3.Error as exc:
        raise BackupError(f"{source}: cannot copy ({exc})") from None
    finally:
        dst.close()
        src.close()


def backup_database(
    store: StoreKind,
    url: str,
    out_dir: Path,
    *,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> Manifest:
    """Write a backup of the case database or keystore at `url` into `out_dir`."""
    parsed, taken = make_url(url), now or utcnow()
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = taken.strftime("%Y%m%dT%H%M%S%fZ")
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        source = _sqlite_path(parsed)
        if not source.is_file():
            raise BackupError(f"{source}: the {store} database does not exist")
        file = out_dir / f"accord-{store}-{stamp}.sqlite"
        tmp = file.with_suffix(".partial")
        tmp.unlink(missing_ok=True)
        _sqlite_copy(source, tmp, progress)
    elif backend == "postgresql":
        file = out_dir / f"accord-{store}-{stamp}.pgdump"
        tmp = file.with_suffix(".partial")
        dbname, env = _libpq(parsed)
        _run(
            [_tool("pg_dump"), "--format=custom", "--file", str(tmp), "--dbname", dbname],
            f"pg_dump of the {store} database",
            env,
        )
    else:
        raise BackupError(f"cannot back up a {backend} database (SQLite and PostgreSQL only)")
    os.replace(tmp, file)
    return _write_manifest(file, store, backend, taken)


def restore_database(
    store: StoreKind, url: str, file: Path, *, progress: Progress | None = None
) -> Manifest:
    """Replace the database at `url` with the backup `file` (checked against its manifest)."""
    manifest = read_manifest(file, store)
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if manifest.engine != backend:
        raise BackupError(
            f"{file} is a {manifest.engine} backup; the {store} database is {backend}"
        )
    if backend == "sqlite":
        target = _sqlite_path(parsed)
        target.parent.mkdir(parents=True, exist_ok=True)
        # The backup API replaces the target's pages in one step, under SQLite's own locks.
        _sqlite_copy(file, target, progress)
    else:
        dbname, env = _libpq(parsed)
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                dbname,
                str(file),
            ],
            f"pg_restore of the {store} database",
            env,
        )
    return manifest


def _duckdb_copy(source: Path, target: Path) -> None:
    import duckdb

    connection = duckdb.connect(":memory:")
    try:
        connection.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
        connection.execute(f"ATTACH '{target}' AS dst")
        connection.execute("COPY FROM DATABASE src TO dst")
        connection.execute("DETACH dst")
    except duckdb.IOException as exc:
        raise BackupError(
            f"{source}: the analytical store is in use by another process (an ingest or a "
            f"linkage run); try again when it has finished ({exc})"
        ) from None
    finally:
        connection.close()


def backup_analytics(
    path: Path, out_dir: Path, *, wait: float = 0.0, now: datetime | None = None
) -> Manifest:
    """Write a copy of the DuckDB analytical store into `out_dir`, holding its writer lock
    (so no ingest, sweep or erasure is half-way through it); AnalyticsBusy past `wait`."""
    if not path.is_file():
        raise BackupError(f"{path}: the analytical store does not exist")
    with writer_lock(path, wait=wait):
        taken = now or utcnow()
        out_dir.mkdir(parents=True, exist_ok=True)
        file = out_dir / f"accord-analytics-{taken.strftime('%Y%m%dT%H%M%S%fZ')}.duckdb"
        tmp = file.with_suffix(".partial")
        tmp.unlink(missing_ok=True)
        _duckdb_copy(path, tmp)
        os.replace(tmp, file)
    return _write_manifest(file, "analytics", "duckdb", taken)


def restore_analytics(path: Path, file: Path, *, wait: float = 0.0) -> Manifest:
    """Replace the DuckDB analytical store with the backup `file` (swapped in by rename),
    holding its writer lock; AnalyticsBusy past `wait`."""
    manifest = read_manifest(file, "analytics")
    path.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(path, wait=wait):
        tmp = path.with_name(path.name + ".restoring")
        tmp.unlink(missing_ok=True)
        shutil.copyfile(file, tmp)
        # A write-ahead log left by the replaced file would be applied to the restored one.
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        os.replace(tmp, path)
    return manifest


def check_apart(case_dir: Path | None, keystore_dir: Path | None, others: list[Path]) -> None:
    """Refuse to write keystore backups into a directory holding another store's backups."""
    if keystore_dir is None:
        return
    for other in [d for d in [case_dir, *others] if d is not None]:
        if keystore_dir.resolve() == other.resolve():
            raise BackupError(
                f"--keystore-dir {keystore_dir} is also where another store's backup goes: "
                "keystore backups must be kept apart from the case data (their retention is "
                "short, so erased subjects' keys age out; docs/operations-keys.md)"
            )
