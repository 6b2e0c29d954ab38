from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_the_example_settings_file_is_refused_until_its_secrets_are_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = Path(__file__).resolve().parent.parent / ".env.example"
    for name in [name for name in os.environ if name.startswith("ACCORD_")]:
        monkeypatch.delenv(name)  # the file alone decides, as on a server
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "master.key").write_text("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
    monkeypatch.setenv("ACCORD_MASTER_KEY_FILE", str(tmp_path / "master.key"))
    with pytest.raises(InsecureSettingsError) as info:
        Settings()
    assert "ACCORD_INDEX_KEY" in str(info.value)
    assert "ACCORD_SESSION_SECRET" in str(info.value)


def test_a_command_started_with_unsafe_settings_says_why_in_one_paragraph(
    tmp_path: Path,
) -> None:
    accord = Path(sys.executable).with_name("accord")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    done = subprocess.run(
        [str(accord), "db", "upgrade"],
        env=env | {"ACCORD_ENVIRONMENT": "production"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("accord cannot start with these settings:")
    assert "ACCORD_MASTER_KEY" in lines[0]
    assert ".env.example" in lines[0]
