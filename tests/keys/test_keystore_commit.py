"""A new key is committed when `Keystore.put` returns, on the backend the tests run on
(PostgreSQL writes it in one autocommitted statement)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from accord.keys.keyring import WrappedKey
from accord.keys.keystore import Keystore
from support.databases import fresh_databases

# Run again on PostgreSQL by `make test-pg`: the stores these tests make follow the suite's database.
pytestmark = pytest.mark.store


@pytest.fixture
def keystore_url(tmp_path: Path) -> Iterator[str]:
    """A keystore database of its own on the tests' backend."""
    with fresh_databases(tmp_path, "keys_test") as make:
        yield make("keys")


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
