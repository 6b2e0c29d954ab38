"""`accord demo`: run the main job end to end on the embedded default (SQLite, DuckDB).

Each domain's manifest may name one step: a function taking the demo context and returning lines of
summary. Steps run in the order of accord.domains, through the same services the API and CLI use.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import typer
from rich.markup import escape
from sqlalchemy.orm import Session, sessionmaker

from accord.console import console
from accord.domains import manifests
from accord.settings import Settings, get_settings
from accord.store.engine import make_engine, make_session_factory


@dataclass
class DemoContext:
    settings: Settings
    out: Path
    session_factory: sessionmaker[Session]
    facts: dict[str, object] = field(default_factory=dict)  # passed between steps


class DemoStep(Protocol):
    def __call__(self, ctx: DemoContext) -> list[str]: ...


@contextmanager
def _library_log(path: Path) -> Iterator[None]:
    """Send library messages (Splink's training notes, warnings) to a file, not the terminal.

    Splink adds its own terminal handler only when no handler is set above it, so one file
    handler on the root logger keeps the terminal for the summary.
    """
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        handler.close()


def run(out: Path = typer.Option(Path("demo-output"), help="Folder for generated files.")) -> None:
    """Load the registers and run every domain's demo step, printing what was made."""
    settings = get_settings()
    out.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    ctx = DemoContext(settings=settings, out=out, session_factory=make_session_factory(engine))
    log_path = out / "accord-demo.log"
    record = [f"# accord demo (output in {out}/)", ""]
    console.print(f"[bold]accord demo[/bold] (output in {escape(str(out))}/)", overflow="fold")
    with _library_log(log_path):
        steps = [d.demo for d in manifests() if d.demo is not None]
        for number, demo in enumerate(steps, start=1):
            step: DemoStep = getattr(importlib.import_module(demo.module), demo.function)
            with console.status(f"{number}/{len(steps)} {demo.title} ..."):
                lines = step(ctx)
            # Each step as it finishes; long words (paths, commands) fold onto the next line
            # of a narrow terminal rather than being cut off.
            console.print(
                f"\n[bold]{number}/{len(steps)} {escape(demo.title)}[/bold]", overflow="fold"
            )
            for line in lines:
                console.print(f"  {escape(line)}", overflow="fold")
            record += [f"## {demo.title}", "", *(f"- {line}" for line in lines), ""]
    engine.dispose()
    (out / "summary.md").write_text("\n".join(record), encoding="utf-8")
    console.print(f"\nsummary: {out / 'summary.md'}; library messages: {log_path}", overflow="fold")
    console.print(
        "next: .venv/bin/accord serve, open http://127.0.0.1:8000 and sign in as "
        f"caseworker.lvws@example.org with the password in {out / 'accounts' / 'sign-in.md'}",
        overflow="fold",
    )
