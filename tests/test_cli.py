"""`accord --help` answers without loading the libraries only some commands use (the data
frame, linkage, analytical store, fake data and chart libraries, nor the database and web
ones): each command's module loads when that command runs."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.main import get_command
from typer.testing import CliRunner

from accord.cli import app
from accord.domains import manifests

HEAVY = ("pandas", "splink", "duckdb", "pyarrow", "faker", "matplotlib")

_PROBE = """
import json, sys
from accord.cli import app
try:
    app(["--help"], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {names})))
"""


def test_help_loads_none_of_the_heavy_libraries() -> None:
    names = set(HEAVY) | {"sqlalchemy", "fastapi"}
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE.format(names=sorted(names))],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "Commands" in probe.stdout
    loaded = json.loads(probe.stdout.strip().splitlines()[-1])
    assert loaded == []


def test_help_lists_every_command_with_its_help() -> None:
    result = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    listed = get_command(app).commands  # type: ignore[attr-defined]
    for domain in manifests():
        for command in domain.commands:
            assert command.name in result.output
            assert listed[command.name].help, command  # read from the module's source
    assert "Partner feeds: ingest deliveries" in result.output


def test_a_command_loads_and_runs_when_called() -> None:
    result = CliRunner().invoke(app, ["register", "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "check" in result.output  # the register sub-app's own commands
    unknown = CliRunner().invoke(app, ["nosuch"])
    assert unknown.exit_code == 2
