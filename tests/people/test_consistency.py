"""Keystore and case database checked side by side, and the `accord keys check` command."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from accord.cli import app
from accord.keys.blind import BlindIndexer
from accord.keys.keyring import LocalKeyring
from accord.keys.keystore import DataKey, Keystore
from accord.people import service
from accord.people.consistency import check_keys
from accord.people.crypto import Crypto, use_crypto
from accord.people.models import Subject, SubjectIndex
from accord.settings import get_settings
from accord.store.base import Base, utcnow
from accord.store.engine import make_engine

KEY = bytes(range(9, 41))


@pytest.fixture
def keystore(tmp_path: Path) -> Iterator[Keystore]:
    store = Keystore(f"sqlite:///{tmp_path / 'keys.db'}")
    yield store
    store.dispose()


def _make_inconsistent(session: Session, keystore: Keystore) -> dict[str, uuid.UUID]:
    """One subject of each kind: fine, key lost, erased but keyed, old and young orphan."""
    crypto = Crypto(
        keyring=LocalKeyring(KEY), keystore=keystore, indexer=BlindIndexer(b"consistency-index")
    )
    with use_crypto(crypto):
        made = {
            name: service.create_subject(session, register="lvws", organisation="catch22").id
            for name in ("fine", "lost_key", "erased_keyed", "old_orphan", "young_orphan")
        }
    keystore.destroy(made["lost_key"])
    session.get_one(Subject, made["erased_keyed"]).state = "erased"
    for name in ("old_orphan", "young_orphan"):
        session.delete(session.get_one(Subject, made[name]))
    session.flush()
    with Session(keystore.engine) as db, db.begin():
        db.execute(
            update(DataKey)
            .where(DataKey.subject_id == made["old_orphan"])
            .values(created_at=utcnow() - timedelta(days=3))
        )
    return made


def test_check_keys_finds_each_disagreement(session: Session, keystore: Keystore) -> None:
    made = _make_inconsistent(session, keystore)
    crypto = Crypto(keyring=LocalKeyring(KEY), keystore=keystore, indexer=BlindIndexer(b"x" * 16))
    report = check_keys(session, crypto)
    assert not report.consistent
    assert set(report.orphan_keys) == {made["old_orphan"], made["young_orphan"]}
    assert report.orphans_older_than(timedelta(hours=24)) == [made["old_orphan"]]
    assert report.active_without_key == [made["lost_key"]]
    assert report.erased_with_key == [made["erased_keyed"]]


def test_cli_check_reports_and_fixes(
    tmp_path: Path, keystore: Keystore, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_url = f"sqlite:///{tmp_path / 'case.db'}"
    engine = make_engine(case_url)
    Base.metadata.create_all(engine, tables=[Subject.__table__, SubjectIndex.__table__])  # type: ignore[list-item]
    with Session(engine) as db, db.begin():
        made = _make_inconsistent(db, keystore)
    engine.dispose()
    monkeypatch.setenv("ACCORD_ENVIRONMENT", "test")
    monkeypatch.setenv("ACCORD_DATABASE_URL", case_url)
    monkeypatch.setenv("ACCORD_KEYSTORE_URL", keystore.url)
    monkeypatch.setenv("ACCORD_MASTER_KEY", base64.b64encode(KEY).decode())
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        result = runner.invoke(app, ["keys", "check"])
        assert result.exit_code == 1, result.output
        assert "orphaned keys (no subject row): 2, 1 older than 24 h" in result.output
        assert "active subjects without a key (erasure not finished): 1" in result.output
        assert "still holding a key: 1" in result.output
        fixed = runner.invoke(app, ["keys", "check", "--fix"])
        assert "destroyed 2 keys" in fixed.output
        assert fixed.exit_code == 1  # the unfinished erasure still needs finishing
        assert keystore.get(made["erased_keyed"]) is None
        assert keystore.get(made["old_orphan"]) is None
        assert keystore.get(made["young_orphan"]) is not None
        assert keystore.get(made["fine"]) is not None
    finally:
        get_settings.cache_clear()


def test_cli_check_refuses_to_fix_against_an_empty_case_database(
    tmp_path: Path, keystore: Keystore, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(case_url)
    Base.metadata.create_all(engine, tables=[Subject.__table__])  # type: ignore[list-item]
    engine.dispose()
    subject = uuid.uuid4()
    keystore.put(subject, LocalKeyring(KEY).wrap(b"k" * 32, subject_id=subject))
    monkeypatch.setenv("ACCORD_ENVIRONMENT", "test")
    monkeypatch.setenv("ACCORD_DATABASE_URL", case_url)
    monkeypatch.setenv("ACCORD_KEYSTORE_URL", keystore.url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["keys", "check", "--fix", "--orphan-age-hours", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "refusing to destroy anything" in result.output
    assert keystore.get(subject) is not None
