"""`accord referrals import` killed at every step (as kill -9 would): running the same file
again loads every good row exactly once, the keys a killed run made are found and swept by the
orphan check, and the rejects file and sealed rows list every bad row. Runs on SQLite and,
with ACCORD_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.models import Case
from accord.keys.blind import BlindIndexer
from accord.keys.keyring import LocalKeyring
from accord.keys.keystore import Keystore
from accord.people.consistency import check_keys, destroy_keys
from accord.people.crypto import Crypto, use_crypto
from accord.referrals import bulk
from accord.referrals.rejects import open_rejects
from accord.store.engine import make_engine
from accord.store.faults import CRASH_STATUS
from feeds.crashes import fresh_store, run_accord

# Run again on PostgreSQL by `make test-pg`: the stores these tests make follow the suite's database.
pytestmark = pytest.mark.store

STEPS = [
    "referrals.import.after-row.1",
    "referrals.import.after-row.4",  # mid-file: three keys made, a bad row already seen
    "referrals.import.before-commit",
    "referrals.import.after-commit",
    "referrals.import.after-rejects",
    "referrals.import.after-sealed",
]
GOOD = {1: "MPS-C1", 2: "MPS-C2", 4: "MPS-C4", 6: "MPS-C6"}  # row number -> police reference
BAD = {3: "date_of_birth", 5: "given_name"}  # row number -> the column that rejects it
REPEAT = ("police_reference", "already received as referral")


def _row(number: int) -> dict[str, str]:
    now = datetime.now(UTC)
    row = {
        "police_reference": GOOD.get(number, f"MPS-X{number}"),
        "role": "victim",
        "given_name": f"Name{'abcdef'[number - 1]}",
        "family_name": "Shah",
        "date_of_birth": "14/02/1990",
        "phone": f"020 7946 000{number}",
        "crime_number": f"234567{number}/26",
        "crime_date": (now - timedelta(days=2)).strftime("%d/%m/%Y"),
        "crime_type": "theft",
        "consent_given": "yes",
        "consent_captured_by": "PC 42 Example",
        "consent_captured_at": (now - timedelta(hours=1)).isoformat(),
        "consent_channel": "phone",
    }
    if number == 3:
        row["date_of_birth"] = "01/01/2999"
    if number == 5:
        row["given_name"] = "Bad\x00Name"
    return row


def _file(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(bulk.COLUMNS))
        writer.writeheader()
        writer.writerows(_row(n) for n in range(1, 7))
    return path


@pytest.fixture
def own_keys(tmp_path: Path) -> Iterator[Crypto]:
    """A keystore of this test's own (the session's is shared), inherited by forked runs."""
    keystore = Keystore(f"sqlite:///{tmp_path / 'keys.db'}")
    crypto = Crypto(
        keyring=LocalKeyring(b"accord-test-master-key-32-bytes!"),
        keystore=keystore,
        indexer=BlindIndexer(b"accord-test-index-key"),
    )
    with use_crypto(crypto):
        yield crypto
    keystore.dispose()


def _references(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return sorted(ref or "" for ref in session.scalars(select(Case.police_reference)))
    finally:
        engine.dispose()


def _sweep(url: str, crypto: Crypto) -> tuple[int, list[uuid.UUID]]:
    """The orphan check, then its sweep with no age limit: (keys destroyed, orphans left)."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            found = check_keys(session, crypto)
            assert found.active_without_key == []
            assert found.erased_with_key == []
            destroyed = destroy_keys(crypto, list(found.orphan_keys))
            after = check_keys(session, crypto)
    finally:
        engine.dispose()
    assert after.consistent, after
    assert after.keys == after.subjects
    return destroyed, list(after.orphan_keys)


@pytest.mark.parametrize("step", STEPS)
def test_an_import_killed_at_each_step_loads_each_good_row_once_when_run_again(
    step: str, tmp_path: Path, own_keys: Crypto
) -> None:
    feed = _file(tmp_path / "referrals.csv")
    rejects = tmp_path / "referrals.rejects.csv"
    sealed = rejects.with_suffix(".sealed")
    args = ["referrals", "import", str(feed), "--register", "lvws"]
    args += ["--org", "metropolitan-police", "--rejects", str(rejects)]
    with fresh_store(tmp_path / "store") as env:
        url = env["ACCORD_DATABASE_URL"]
        assert run_accord(args, env, crash_at=step) == CRASH_STATUS  # the step was reached
        committed = step in STEPS[3:]
        assert _references(url) == (sorted(GOOD.values()) if committed else [])

        assert run_accord(args, env) == 1  # bad rows: exit 1, as an uninterrupted run

        assert _references(url) == sorted(GOOD.values())  # every good row, exactly once
        destroyed, left = _sweep(url, own_keys)
        assert left == []
        # the killed run's keys were orphans only when its transaction never committed
        assert (destroyed > 0) == (not committed)

    reasons: dict[int, list[tuple[str, str]]] = {}
    with rejects.open(newline="", encoding="utf-8") as read:
        for line in csv.DictReader(read):
            reasons.setdefault(int(line["row"]), []).append((line["column"], line["reason"]))
    for number, column in BAD.items():
        assert column in {c for c, _ in reasons[number]}, reasons
    repeats = {
        n
        for n, found in reasons.items()
        if any(c == REPEAT[0] and r.startswith(REPEAT[1]) for c, r in found)
    }
    # a re-run after the commit tells of the rows loaded before the kill; nothing else is added
    assert set(reasons) == set(BAD) | repeats
    assert repeats == (set(GOOD) if committed else set())

    with feed.open(newline="", encoding="utf-8") as read:
        as_read = dict(enumerate(csv.DictReader(read), start=1))
    header, rows = open_rejects(sealed)
    assert header == list(bulk.COLUMNS)
    assert {n: values for n, values in rows} == {n: as_read[n] for n in reasons}
