"""`accord register ...`: check, show, notice, diff, ropa."""

from __future__ import annotations

from pathlib import Path

import typer

from accord.console import console, err_console
from accord.register.errors import RegisterError
from accord.register.load import load_file, register_files
from accord.settings import get_settings

app = typer.Typer(help="The processing register.", no_args_is_help=True)


@app.command()
def check(paths: list[Path] = typer.Argument(None, help="Register files (default: all).")) -> None:
    """Validate registers; exit non-zero listing every problem."""
    files = paths or register_files(get_settings().registers_dir)
    failed = False
    for file in files:
        try:
            register = load_file(file)
        except RegisterError as exc:
            failed = True
            for problem in exc.problems:
                err_console.print(f"[red]✗[/red] {problem}", markup=True, highlight=False)
            continue
        console.print(f"[green]✓[/green] {file}: {register.id} v{register.version} is valid")
    if failed:
        raise typer.Exit(1)
