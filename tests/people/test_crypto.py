"""How services get their crypto objects: from settings, cached, swappable in tests."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from accord.keys.blind import BlindIndexer
from accord.keys.errors import KeystoreMisconfigured
from accord.keys.keyring import LocalKeyring, master_key_id
from accord.keys.keystore import Keystore, same_database
from accord.people import crypto as crypto_module
from accord.people.crypto import Crypto, current_crypto, use_crypto
from accord.settings import Settings

KEY = bytes(range(7, 39))


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "database_url": f"sqlite:///{tmp_path / 'case.db'}",
        "keystore_url": f"sqlite:///{tmp_path / 'keys.db'}",
        "master_key": base64.b64encode(KEY).decode(),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def test_crypto_from_settings(tmp_path: Path) -> None:
    built = Crypto.from_settings(_settings(tmp_path))
    assert built.keyring.current_key_id == master_key_id(KEY)
    assert built.keystore.url.endswith("keys.db")


def test_current_crypto_is_built_once_per_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path)
    monkeypatch.setattr(crypto_module, "_override", [])
    monkeypatch.setattr(crypto_module, "_built", {})
    monkeypatch.setattr(crypto_module, "get_settings", lambda: settings)
    first = current_crypto()
    assert current_crypto() is first
    other = Crypto(
        keyring=LocalKeyring(KEY),
        keystore=Keystore(f"sqlite:///{tmp_path / 'other.db'}"),
        indexer=BlindIndexer(b"another-index-key"),
    )
    with use_crypto(other):
        assert current_crypto() is other
    assert current_crypto() is first


def test_keystore_may_not_share_the_case_database(tmp_path: Path) -> None:
    with pytest.raises(KeystoreMisconfigured, match="ACCORD_KEYSTORE_URL names the case database"):
        Crypto.from_settings(
            _settings(tmp_path, keystore_url=f"sqlite:///{tmp_path / 'x' / '..' / 'case.db'}")
        )


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("sqlite:///a.db", "sqlite:///./a.db", True),
        ("sqlite:///a.db", "sqlite:///b.db", False),
        ("sqlite://", "sqlite://", False),  # in-memory databases are never shared
        ("postgresql+psycopg://u@db/accord", "postgresql+psycopg://other@db/accord", True),
        ("postgresql+psycopg://u@db/accord", "postgresql+psycopg://u@db/accord_keys", False),
        ("postgresql+psycopg://u@db/accord", "sqlite:///accord", False),
    ],
)
def test_same_database(first: str, second: str, same: bool) -> None:
    assert same_database(first, second) is same
