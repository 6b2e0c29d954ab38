"""`accord demo` prints each step as it finishes, folding long paths and commands on a narrow
terminal instead of cutting them off, and keeps the whole summary in a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from accord import demo
from accord.cli import app
from accord.domains import DemoStep, Manifest

LONG = "/a/very/long/folder/name/that/does/not/fit/on/one/line/of/a/narrow/terminal/report.md"


def test_summary_folds_long_lines_and_is_kept_in_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = tmp_path / "narrow_demo_step.py"
    module.write_text(
        f"def run(ctx):\n    return ['made 3 things', 'report: {LONG}', 'try `accord x y --json`']\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    step = Manifest(name="narrow", demo=DemoStep("narrow_demo_step", "A step with a long path"))
    monkeypatch.setattr(demo, "manifests", lambda: [step])
    # a 40-column terminal, whatever the terminal running the tests is
    monkeypatch.setattr(demo, "console", Console(width=40, force_terminal=False))
    monkeypatch.setenv("ACCORD_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    demo.get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app, ["demo", "--out", str(tmp_path / "out")], env={"COLUMNS": "40"}
        )
    finally:
        demo.get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 40 for line in lines), lines
    assert "…" not in result.output  # nothing cut off
    assert LONG in "".join(line.strip() for line in lines)  # folded, whole
    assert "1/1 A step with a long path" in result.output
    kept = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    assert f"- report: {LONG}" in kept
