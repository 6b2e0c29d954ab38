"""`accord keys rotate` killed at every step (as kill -9 would) leaves every key readable,
and running it again finishes the rotation. Runs on SQLite and, with
ACCORD_TEST_DATABASE_URL, on PostgreSQL (keystore and case database both)."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.feeds.crypto import dataset_key_id
from accord.feeds.models import FeedDataKey
from accord.keys.keyring import LocalKeyring, WrappedKey, master_key_id
from accord.keys.keystore import KeyKind, Keystore
from accord.store.base import Base
from accord.store.engine import make_engine
from accord.store.faults import CRASH_ENV, CRASH_STATUS

# Run again on PostgreSQL by `make test-pg`: the stores these tests make follow the suite's database.
pytestmark = pytest.mark.store

OLD = bytes(range(32))
NEW = bytes(range(100, 132))
# The `accord keys` command group, without importing every other domain's commands.
KEYS_CLI = "from accord.keys.cli import app; app(prog_name='accord keys')"

STEPS = [
    "keys.move-dataset-keys.after-put",
    "keys.rotate.after-move",
    "keys.rotate.subject.before-swap",
    "keys.rotate.subject.after-swap",
    "keys.rotate.dataset.before-swap",
    "keys.rotate.dataset.after-swap",
]


@dataclass
class World:
    keystore_url: str
    case_url: str
    env: dict[str, str]
    # (kind, id) -> the plain data key that must stay reachable
    keys: dict[tuple[KeyKind, uuid.UUID], bytes]


def _key_file(path: Path, key: bytes) -> Path:
    path.write_text(base64.b64encode(key).decode() + "\n")
    return path


def _world(tmp_path: Path, fresh_database: Callable[[str], str]) -> World:
    keystore_url, case_url = fresh_database("keystore"), fresh_database("case")
    ring = LocalKeyring(OLD)
    keys: dict[tuple[KeyKind, uuid.UUID], bytes] = {}
    keystore = Keystore(keystore_url)
    for _ in range(5):  # subjects' keys: three batches of two
        subject = uuid.uuid4()
        keys[("subject", subject)] = os.urandom(32)
        keystore.put(subject, ring.wrap(keys[("subject", subject)], subject_id=subject))
    for i in range(3):  # dataset keys already in the keystore
        dataset = dataset_key_id("tvt", "thames-valley-police", f"kept-{i}")
        keys[("dataset", dataset)] = os.urandom(32)
        wrapped = ring.wrap(keys[("dataset", dataset)], subject_id=dataset)
        keystore.put(dataset, wrapped, kind="dataset")
    keystore.dispose()
    case = make_engine(case_url)
    Base.metadata.create_all(case, tables=[FeedDataKey.__table__])  # type: ignore[list-item]
    with Session(case) as db, db.begin():
        for i in range(3):  # dataset keys as earlier versions kept them, in the case database
            dataset = dataset_key_id("tvt", "oxfordshire-cc", f"legacy-{i}")
            keys[("dataset", dataset)] = os.urandom(32)
            wrapped = ring.wrap(keys[("dataset", dataset)], subject_id=dataset)
            db.add(
                FeedDataKey(
                    register="tvt",
                    partner="oxfordshire-cc",
                    dataset=f"legacy-{i}",
                    key_id=wrapped.key_id,
                    wrapped=wrapped.blob,
                )
            )
    case.dispose()
    env = {
        **os.environ,
        "ACCORD_ENVIRONMENT": "test",
        "ACCORD_MASTER_KEY_FILE": str(_key_file(tmp_path / "old.key", OLD)),
        "ACCORD_MASTER_KEY_PREVIOUS_FILES": "",
        "ACCORD_KEYSTORE_URL": keystore_url,
        "ACCORD_DATABASE_URL": case_url,
        "ACCORD_ERASURE_LOG_URL": f"sqlite:///{tmp_path / 'erasures.db'}",
    }
    env.pop(CRASH_ENV, None)
    _key_file(tmp_path / "new.key", NEW)
    return World(keystore_url, case_url, env, keys)


def _rotate(world: World, tmp_path: Path, crash_at: str | None) -> subprocess.CompletedProcess[str]:
    env = dict(world.env)
    if crash_at:
        env[CRASH_ENV] = crash_at
    return subprocess.run(
        [
            sys.executable,
            "-c",
            KEYS_CLI,
            "rotate",
            "--new-key-file",
            str(tmp_path / "new.key"),
            "--batch-size",
            "2",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _held(world: World) -> dict[tuple[KeyKind, uuid.UUID], WrappedKey]:
    """Every wrapped key, wherever it is held (keystore, or still in the case database)."""
    held: dict[tuple[KeyKind, uuid.UUID], WrappedKey] = {}
    case = make_engine(world.case_url)
    with Session(case) as db:
        for row in db.scalars(select(FeedDataKey)):
            key = dataset_key_id(row.register, row.partner, row.dataset)
            held[("dataset", key)] = WrappedKey(row.key_id, row.wrapped)
    case.dispose()
    keystore = Keystore(world.keystore_url)
    for kind, key in world.keys:
        wrapped = keystore.get(key, kind=kind)
        if wrapped is not None:
            held[(kind, key)] = wrapped
    keystore.dispose()
    return held


def _all_readable(world: World, ring: LocalKeyring) -> None:
    held = _held(world)
    assert set(held) == set(world.keys)  # no key lost
    for (kind, key), plain in world.keys.items():
        assert ring.unwrap(held[(kind, key)], subject_id=key) == plain, (kind, key)


@pytest.mark.parametrize("step", STEPS)
def test_a_rotation_killed_at_each_step_loses_nothing_and_finishes_when_run_again(
    step: str, tmp_path: Path, fresh_database: Callable[[str], str]
) -> None:
    world = _world(tmp_path, fresh_database)
    killed = _rotate(world, tmp_path, step)
    assert killed.returncode == CRASH_STATUS, killed.stderr  # the step was reached
    # Midway, a keyring holding both master keys (as servers do during a rotation) reads all.
    _all_readable(world, LocalKeyring(NEW, [OLD]))

    again = _rotate(world, tmp_path, None)
    assert again.returncode == 0, again.stdout + again.stderr
    # Done: nothing left in the case database, every key under the new master key alone.
    _all_readable(world, LocalKeyring(NEW))
    keystore = Keystore(world.keystore_url)
    try:
        assert keystore.counts_by_master_key() == {master_key_id(NEW): len(world.keys)}
    finally:
        keystore.dispose()
    case = make_engine(world.case_url)
    with Session(case) as db:
        assert db.scalars(select(FeedDataKey)).first() is None
    case.dispose()
