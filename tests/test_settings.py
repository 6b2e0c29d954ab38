from __future__ import annotations

import pytest

from accord.settings import InsecureSettingsError, Settings


def test_development_runs_on_default_secrets() -> None:
    assert Settings(environment="development").master_key_bytes()


def test_production_refuses_default_secrets_and_names_each_setting() -> None:
    with pytest.raises(InsecureSettingsError) as info:
        Settings(environment="production")
    message = str(info.value)
    assert "ACCORD_MASTER_KEY" in message
    assert "ACCORD_INDEX_KEY" in message
    assert "ACCORD_SESSION_SECRET" in message


def test_production_starts_with_real_secrets() -> None:
    settings = Settings(
        environment="production",
        master_key="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        index_key="a-real-index-key",
        session_secret="a-real-session-secret",
    )
    assert len(settings.master_key_bytes()) == 32
