"""Partner dataset keys live in the keystore: moved there from the case database without a
key lost, rewrapped by rotation, and destroyed when the dataset is erased, so a copy of the
case database taken before the erasure no longer opens."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.analytics.lock import AnalyticsBusy
from accord.feeds import identifiers
from accord.feeds.crypto import (
    DatasetCipher,
    dataset_cipher,
    dataset_key_id,
    move_dataset_keys,
)
from accord.feeds.erase import erase_dataset
from accord.feeds.models import FeedDataKey, FeedIdentity
from accord.keys.blind import BlindIndexer
from accord.keys.erasures import ErasureLog
from accord.keys.keyring import LocalKeyring, master_key_id
from accord.keys.keystore import Keystore
from accord.keys.rotation import rotate
from accord.people.crypto import Crypto, use_crypto
from accord.settings import Settings
from accord.store import migrate
from accord.store.engine import make_engine
from support.holders import writer_elsewhere

from .conftest import actor_with

OLD = bytes(range(10, 42))
NEW = bytes(range(60, 92))
POLICE = ("thames-valley-police", "crime-events")
CARE = ("oxfordshire-cc", "social-care")
# shred-dataset acts as the DPO role, which every joint controller holds: name whose DPO
AS_TVP = ("--organisation", "thames-valley-police")


def _frame(n: int = 3) -> pd.DataFrame:
    rows = []
    for partner, dataset in (POLICE, CARE):
        for i in range(n):
            rows.append(
                {
                    "record_id": f"{dataset}-{i}",
                    "partner": partner,
                    "dataset": dataset,
                    "first_name": f"Ada{i}",
                    "surname": "Lovelace",
                    "dob": date(1990, 1, 1 + i),
                    "postcode": "OX1 1AA",
                    "address": None,
                    "phone": None,
                    "email": None,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def keystore(tmp_path: Path) -> Iterator[Keystore]:
    store = Keystore(
        f"sqlite:///{tmp_path / 'keys.db'}",
        erasures=ErasureLog(f"sqlite:///{tmp_path / 'erasures.db'}"),
    )
    yield store
    store.dispose()


def _crypto(keystore: Keystore, keyring: LocalKeyring) -> Crypto:
    return Crypto(
        keyring=keyring, keystore=keystore, indexer=BlindIndexer(b"feeds-keys-test-index")
    )


def _names(session: Session) -> dict[str, str]:
    frame = identifiers.identifiers_frame(session, register="tvt")
    return dict(zip(frame["record_id"], frame["first_name"], strict=True))


def test_a_dataset_key_is_made_in_the_keystore_not_the_case_database(
    session: Session, keystore: Keystore
) -> None:
    with use_crypto(_crypto(keystore, LocalKeyring(OLD))):
        identifiers.write_frame(session, _frame(), register="tvt")
        assert len(_names(session)) == 6
    assert session.scalar(select(func.count()).select_from(FeedDataKey)) == 0
    for partner, dataset in (POLICE, CARE):
        held = keystore.get(dataset_key_id("tvt", partner, dataset), kind="dataset")
        assert held is not None
        assert held.key_id == master_key_id(OLD)
    assert keystore.counts_by_kind()["dataset"] == {master_key_id(OLD): 2}
    assert keystore.subject_ids() == {}  # never mistaken for subjects' keys


def _legacy_key(session: Session, keyring: LocalKeyring, partner: str, dataset: str) -> bytes:
    """A dataset key as earlier versions stored it: wrapped, in the case database."""
    key = bytes(range(32))
    wrapped = keyring.wrap(key, subject_id=dataset_key_id("tvt", partner, dataset))
    session.add(
        FeedDataKey(
            register="tvt",
            partner=partner,
            dataset=dataset,
            key_id=wrapped.key_id,
            wrapped=wrapped.blob,
        )
    )
    session.flush()
    return key


def _seal_legacy(session: Session, key: bytes, partner: str, dataset: str) -> None:
    frame = _frame(2)
    frame = frame[frame["dataset"] == dataset]
    ids = frame["record_id"].tolist()
    plains = [
        identifiers._ENCODE(  # the store's own row encoding
            {c: identifiers._iso(v) for c, v in zip(identifiers.MATCH_COLUMNS, r, strict=True)}
        ).encode()
        for r in frame[list(identifiers.MATCH_COLUMNS)].itertuples(index=False, name=None)
    ]
    for record_id, blob in zip(ids, DatasetCipher(key).seal_json(ids, plains), strict=True):
        session.add(
            FeedIdentity(
                record_id=record_id,
                register="tvt",
                partner=partner,
                dataset=dataset,
                sealed=blob,
                row_digest="d" * 32,
            )
        )
    session.flush()


def test_a_key_left_in_the_case_database_moves_on_first_use_and_still_opens(
    session: Session, keystore: Keystore
) -> None:
    ring = LocalKeyring(OLD)
    key = _legacy_key(session, ring, *POLICE)
    _seal_legacy(session, key, *POLICE)
    with use_crypto(_crypto(keystore, ring)):
        assert _names(session) == {"crime-events-0": "Ada0", "crime-events-1": "Ada1"}
    assert session.scalar(select(func.count()).select_from(FeedDataKey)) == 0
    held = keystore.get(dataset_key_id("tvt", *POLICE), kind="dataset")
    assert held is not None
    assert ring.unwrap(held, subject_id=dataset_key_id("tvt", *POLICE)) == key


def test_moving_every_key_keeps_each_and_rotation_then_covers_them(
    session: Session, keystore: Keystore
) -> None:
    ring = LocalKeyring(OLD)
    for partner, dataset in (POLICE, CARE):
        _seal_legacy(session, _legacy_key(session, ring, partner, dataset), partner, dataset)
    assert move_dataset_keys(session, keystore) == 2
    assert session.scalar(select(func.count()).select_from(FeedDataKey)) == 0

    report = rotate(keystore, ring.with_current(NEW))
    assert report.complete
    assert report.rewrapped == 2
    assert keystore.counts_by_master_key() == {master_key_id(NEW): 2}
    # The old master key retired: every partner identifier still opens under the new one.
    with use_crypto(_crypto(keystore, LocalKeyring(NEW))):
        assert len(_names(session)) == 4


def test_a_legacy_key_of_an_erased_dataset_is_not_brought_back(
    session: Session, keystore: Keystore
) -> None:
    ring = LocalKeyring(OLD)
    with use_crypto(_crypto(keystore, ring)):
        identifiers.write_frame(session, _frame(), register="tvt")
        # a restored old case database still holding the dataset's key row
        _legacy_key(session, ring, *CARE)
        keystore.destroy(dataset_key_id("tvt", *CARE), kind="dataset")
        assert dataset_cipher(session, register="tvt", partner=CARE[0], dataset=CARE[1],
                              create=False) is None  # fmt: skip
    assert session.scalar(select(func.count()).select_from(FeedDataKey)) == 0


def test_erasing_a_dataset_leaves_an_earlier_case_database_copy_unreadable(
    tmp_path: Path, keystore: Keystore
) -> None:
    live_path, copy_path = tmp_path / "case.db", tmp_path / "case-copy.db"
    live = make_engine(f"sqlite:///{live_path}")
    migrate.upgrade(f"sqlite:///{live_path}")
    crypto = _crypto(keystore, LocalKeyring(OLD))
    analytics = DuckDBEngine(tmp_path / "analytics.duckdb")
    try:
        with use_crypto(crypto):
            with Session(live) as db, db.begin():
                identifiers.write_frame(db, _frame(), register="tvt")
            # The nightly backup: a byte-for-byte copy of the case database file.
            with live.connect() as connection:
                connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            shutil.copyfile(live_path, copy_path)

            with Session(live) as db, db.begin():
                done = erase_dataset(
                    db,
                    actor=actor_with("dpo"),
                    register="tvt",
                    partner=CARE[0],
                    dataset=CARE[1],
                    engine=analytics,
                )
            assert done.key_destroyed
            assert done.identifiers_removed == 3
            with Session(live) as db:
                assert set(_names(db)) == {f"crime-events-{i}" for i in range(3)}

        copy = make_engine(f"sqlite:///{copy_path}")
        try:
            with use_crypto(_crypto(keystore, LocalKeyring(OLD))), Session(copy) as restored:
                sealed = restored.scalar(
                    select(func.count())
                    .select_from(FeedIdentity)
                    .where(FeedIdentity.dataset == CARE[1])
                )
                assert sealed == 3  # the copy still has the erased dataset's ciphertext...
                assert restored.scalar(select(func.count()).select_from(FeedDataKey)) == 0
                # ...but no key anywhere opens it; the other dataset still reads.
                assert set(_names(restored)) == {f"crime-events-{i}" for i in range(3)}
                assert dataset_cipher(restored, register="tvt", partner=CARE[0],
                                      dataset=CARE[1], create=False) is None  # fmt: skip
        finally:
            copy.dispose()
    finally:
        analytics.close()
        live.dispose()
    # the destruction is in the erasure log, for a restore of an older keystore backup
    assert [(e.kind, e.key_uuid) for e in keystore.erasures.entries()] == [  # type: ignore[union-attr]
        ("dataset", dataset_key_id("tvt", *CARE))
    ]


def test_erasing_a_dataset_needs_a_role_that_may_delete_partner_data(
    session: Session, keystore: Keystore, tmp_path: Path
) -> None:
    from accord.gate.types import AccessDenied

    with use_crypto(_crypto(keystore, LocalKeyring(OLD))):
        identifiers.write_frame(session, _frame(), register="tvt")
        with pytest.raises(AccessDenied):
            erase_dataset(
                session,
                actor=actor_with("report-recipient", "oxfordshire-cc"),
                register="tvt",
                partner=CARE[0],
                dataset=CARE[1],
                engine=DuckDBEngine(tmp_path / "a.duckdb"),
            )
        assert keystore.get(dataset_key_id("tvt", *CARE), kind="dataset") is not None
        assert len(_names(session)) == 6


def test_cli_shred_dataset_destroys_the_key_and_deletes_the_rows(
    tmp_path: Path, keystore: Keystore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from accord.cli import app
    from accord.settings import get_settings

    live_url = f"sqlite:///{tmp_path / 'case.db'}"
    migrate.upgrade(live_url)
    live = make_engine(live_url)
    for name, value in {
        "ACCORD_ENVIRONMENT": "test",
        "ACCORD_DATABASE_URL": live_url,
        "ACCORD_KEYSTORE_URL": keystore.url,
        "ACCORD_ERASURE_LOG_URL": f"sqlite:///{tmp_path / 'log.db'}",
        "ACCORD_ANALYTICS_PATH": str(tmp_path / "a.duckdb"),
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        with use_crypto(_crypto(keystore, LocalKeyring(OLD))):
            with Session(live) as db, db.begin():
                identifiers.write_frame(db, _frame(), register="tvt")
            runner = CliRunner()
            refused = runner.invoke(app, ["keys", "shred-dataset", *CARE])
            assert refused.exit_code == 2
            assert keystore.get(dataset_key_id("tvt", *CARE), kind="dataset") is not None
            unnamed = runner.invoke(app, ["keys", "shred-dataset", *CARE, "--yes"])
            assert unnamed.exit_code == 2
            assert "--organisation" in unnamed.output
            assert keystore.get(dataset_key_id("tvt", *CARE), kind="dataset") is not None
            result = runner.invoke(app, ["keys", "shred-dataset", *CARE, "--yes", *AS_TVP])
            assert result.exit_code == 0, result.output
            assert "key destroyed, 3 identifier rows deleted" in result.output
            with Session(live) as db:
                assert set(_names(db)) == {f"crime-events-{i}" for i in range(3)}
    finally:
        get_settings.cache_clear()
        live.dispose()
    assert keystore.get(dataset_key_id("tvt", *CARE), kind="dataset") is None


def test_erasing_a_dataset_while_another_writer_holds_the_analytical_store_changes_nothing(
    session: Session, keystore: Keystore, settings: Settings
) -> None:
    busy = settings.model_copy(update={"analytics_lock_wait_seconds": 0.2})
    with use_crypto(_crypto(keystore, LocalKeyring(OLD))):
        identifiers.write_frame(session, _frame(), register="tvt")
        with writer_elsewhere(busy.analytics_path), pytest.raises(AnalyticsBusy):
            erase_dataset(
                session,
                actor=actor_with("dpo"),
                register="tvt",
                partner=CARE[0],
                dataset=CARE[1],
                settings=busy,
            )
        # refused before the key went: the dataset still reads
        assert keystore.get(dataset_key_id("tvt", *CARE), kind="dataset") is not None
        assert len(_names(session)) == 6
    assert keystore.erasures.entries() == []  # type: ignore[union-attr]


def test_cli_shred_dataset_answers_busy_with_exit_3_while_another_writer_holds_the_store(
    tmp_path: Path, keystore: Keystore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from accord.cli import app
    from accord.settings import get_settings

    live_url = f"sqlite:///{tmp_path / 'case.db'}"
    migrate.upgrade(live_url)
    live = make_engine(live_url)
    analytics = tmp_path / "a.duckdb"
    for name, value in {
        "ACCORD_ENVIRONMENT": "test",
        "ACCORD_DATABASE_URL": live_url,
        "ACCORD_KEYSTORE_URL": keystore.url,
        "ACCORD_ERASURE_LOG_URL": f"sqlite:///{tmp_path / 'erasures.db'}",
        "ACCORD_ANALYTICS_PATH": str(analytics),
        "ACCORD_ANALYTICS_LOCK_WAIT_SECONDS": "0.2",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        with use_crypto(_crypto(keystore, LocalKeyring(OLD))):
            with Session(live) as db, db.begin():
                identifiers.write_frame(db, _frame(), register="tvt")
            with writer_elsewhere(analytics):
                result = CliRunner().invoke(app, ["keys", "shred-dataset", *CARE, "--yes", *AS_TVP])
            assert result.exit_code == 3, result.output
            assert "busy" in result.output
            assert "Traceback" not in result.output
            with Session(live) as db:
                assert len(_names(db)) == 6
    finally:
        get_settings.cache_clear()
        live.dispose()
    assert keystore.get(dataset_key_id("tvt", *CARE), kind="dataset") is not None
