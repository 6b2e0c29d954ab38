"""`accord register ...`: check, show, notice, diff, ropa.

Exit codes: 0 done; 1 a register is missing, malformed or unlawful (every problem is listed on
stderr); 2 a usage error (Typer).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.text import Text

from accord.console import console, err_console
from accord.register.diff import diff_registers
from accord.register.errors import RegisterError
from accord.register.load import find_register, load_file, parse, read_yaml, register_files
from accord.register.notice import build_notice
from accord.register.notice_render import NoticeFormat, render
from accord.register.ropa import ropa_rows, to_csv, write_xlsx
from accord.register.schema import Register
from accord.register.show import show as show_register
from accord.settings import get_settings

app = typer.Typer(help="The processing register.", no_args_is_help=True)


class RopaFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def _report(exc: RegisterError) -> None:
    # Not markup: "[rule-code]" in a problem would read as a Rich tag and vanish.
    for problem in exc.problems:
        err_console.print(Text.assemble(("✗ ", "red"), str(problem)), soft_wrap=True)


def _fail(exc: RegisterError) -> typer.Exit:
    _report(exc)
    return typer.Exit(1)


def _load(ref: str) -> Register:
    try:
        register, _ = find_register(ref, get_settings().registers_dir)
    except RegisterError as exc:
        raise _fail(exc) from None
    return register


def _write(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {out}")


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
            _report(exc)
            continue
        console.print(
            Text.assemble(("✓ ", "green"), f"{file}: {register.id} v{register.version} is valid"),
            soft_wrap=True,
        )
    if failed:
        raise typer.Exit(1)


@app.command()
def show(register_id: str = typer.Argument(..., metavar="ID", help="Register id or file.")) -> None:
    """Show a register as tables: organisations, purposes, retention, recipients, roles."""
    show_register(_load(register_id), console)


@app.command()
def notice(
    register_id: str = typer.Argument(..., metavar="ID", help="Register id or file."),
    fmt: NoticeFormat = typer.Option(NoticeFormat.MD, "--format", help="md or html."),
    out: Path | None = typer.Option(None, "--out", help="Write to this file (default: stdout)."),
) -> None:
    """The privacy notice generated from the register, for members of the public."""
    _write(render(build_notice(_load(register_id)), fmt), out)


@app.command()
def diff(
    old: Path = typer.Argument(..., help="The earlier register file."),
    new: Path = typer.Argument(..., help="The later register file."),
) -> None:
    """What changed between two versions of a register file, in words."""
    try:
        before = parse(read_yaml(old), old)
        after = parse(read_yaml(new), new)
    except RegisterError as exc:
        raise _fail(exc) from None
    changes = diff_registers(before, after)
    if not changes:
        console.print(f"No changes between {old} and {new}.")
        return
    console.print(f"{len(changes)} change(s) from {old} to {new}:")
    for change in changes:
        console.print(f"- {change}", markup=False, highlight=False)


@app.command()
def ropa(
    register_id: str = typer.Argument(..., metavar="ID", help="Register id or file."),
    fmt: RopaFormat = typer.Option(RopaFormat.CSV, "--format", help="csv or xlsx."),
    out: Path | None = typer.Option(
        None, "--out", help="Output file (default: stdout for csv, <ID>-ropa.xlsx for xlsx)."
    ),
) -> None:
    """Record of processing activities (ICO template columns), one row per purpose and record type."""
    register = _load(register_id)
    rows = ropa_rows(register)
    if fmt is RopaFormat.CSV:
        _write(to_csv(rows), out)
        return
    target = out or Path(f"{register.id}-ropa.xlsx")
    write_xlsx(rows, target, title=f"{register.title} v{register.version}")
    err_console.print(f"wrote {target} ({len(rows)} rows)")
