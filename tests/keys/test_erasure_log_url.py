"""The erasure log lives where the settings given say, not where the process environment says."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.keys.keystore import Keystore
from accord.settings import Settings


def test_the_keystore_keeps_its_erasure_log_where_its_settings_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACCORD_ERASURE_LOG_URL", raising=False)
    wanted = f"sqlite:///{tmp_path / 'elsewhere' / 'log.db'}"
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'accord.db'}",
        keystore_url=f"sqlite:///{tmp_path / 'keys.db'}",
        erasure_log_url=wanted,
    )
    keystore = Keystore.from_settings(settings)
    assert keystore.erasures is not None
    assert keystore.erasures.url == wanted


def test_unset_the_erasure_log_is_a_file_beside_the_keystore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACCORD_ERASURE_LOG_URL", raising=False)
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'accord.db'}",
        keystore_url=f"sqlite:///{tmp_path / 'keys.db'}",
    )
    keystore = Keystore.from_settings(settings)
    assert keystore.erasures is not None
    assert keystore.erasures.url == f"sqlite:///{tmp_path / 'keys-erasures.db'}"


def test_the_environment_names_the_erasure_log_through_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = f"sqlite:///{tmp_path / 'log.db'}"
    monkeypatch.setenv("ACCORD_ERASURE_LOG_URL", wanted)
    assert Settings().erasure_log_url == wanted
