"""Run where no registers are, the command line says where it looked and how to point at them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.register.registry import Registry
from accord.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A working folder outside the repository, with settings read afresh there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ACCORD_REGISTERS_DIR", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_import_outside_the_repository_names_the_folder_and_the_setting(elsewhere: Path) -> None:
    (elsewhere / "referrals.csv").write_text("given_name\nAlex\n")
    result = CliRunner().invoke(
        app,
        ["referrals", "import", "referrals.csv", "--register", "lvws", "--org", "police"],
    )
    assert result.exit_code == 2
    message = " ".join(result.output.split())  # the console wraps long lines
    assert str(elsewhere / "registers") in message
    assert "ACCORD_REGISTERS_DIR" in message


def test_an_unknown_register_lists_those_that_were_found() -> None:
    registry = Registry.from_directory(ROOT / "registers")
    message = registry.missing("nowhere")
    assert str(ROOT / "registers") in message
    assert "lvws" in message
    assert "ACCORD_REGISTERS_DIR" in message
