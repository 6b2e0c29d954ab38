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
from rich.table import Table
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
    summary = Table(title=f"accord demo (output in {out}/)")
    summary.add_column("step")
    summary.add_column("what it made")
    log_path = out / "accord-demo.log"
    with _library_log(log_path):
        for domain in manifests():
            if domain.demo is None:
                continue
            module = importlib.import_module(domain.demo.module)
            step: DemoStep = getattr(module, domain.demo.function)
            with console.status(domain.demo.title):
                lines = step(ctx)
            summary.add_row(domain.demo.title, "\n".join(lines))
    engine.dispose()
    console.print(summary)
    console.print(f"library messages: {log_path}")
