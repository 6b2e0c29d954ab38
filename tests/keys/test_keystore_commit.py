"""A new key is committed when `Keystore.put` returns, on the backend the tests run on
(PostgreSQL writes it in one autocommitted statement)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from accord.keys.keyring import WrappedKey
from accord.keys.keystore import Keystore
from accord.store.engine import make_engine

TEST_DATABASE_ENV = "ACCORD_TEST_DATABASE_URL"


@pytest.fixture
def keystore_url(tmp_path: Path) -> Iterator[str]:
    """A keystore database of its own on the tests' backend."""
    base = os.environ.get(TEST_DATABASE_ENV)
    if not base:
        yield f"sqlite:///{tmp_path / 'keys.db'}"
        return
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    name = f"accord_keys_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_put_key_is_committed_and_never_replaced(keystore_url: str) -> None:
    writer, reader = Keystore(keystore_url), Keystore(keystore_url)
    try:
        subject = uuid.uuid4()
        writer.put(subject, WrappedKey("k1", b"first"))
        # Another engine sees it at once: nothing waits for a later commit.
        assert reader.get(subject) == WrappedKey("k1", b"first")
        with pytest.raises(IntegrityError):
            writer.put(subject, WrappedKey("k1", b"second"))
        assert reader.get(subject) == WrappedKey("k1", b"first")
        assert subject in reader.subject_ids()
        # The failed put left the writer usable.
        other = uuid.uuid4()
        writer.put(other, WrappedKey("k1", b"other"))
        assert reader.get_many([subject, other]).keys() == {subject, other}
    finally:
        writer.dispose()
        reader.dispose()
