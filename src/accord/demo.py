"""`accord demo`: run the main job end to end on the embedded default (SQLite, DuckDB).

Each domain contributes one step: a function taking the demo context and returning lines of
summary. Steps run in order, through the same services the API and CLI use.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import typer
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from accord.console import console
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


# (module, function, title): one line per domain's demo step, in the order they run.
_STEPS: list[tuple[str, str, str]] = [
    ("accord.register.demo", "run", "Processing registers, notices and ROPA"),
    ("accord.people.demo", "run", "Encryption at rest and crypto-shredding"),
    ("accord.accounts.demo", "run", "Accounts, roles, API tokens and sign-in protections"),
    ("accord.cases.demo", "run", "Casework: LVWS referrals, routing, contacts, clocks, complaints"),
    ("accord.panels.demo", "run", "Hounslow risk panels, outreach, notices and disclosures"),
    ("accord.consent.demo", "run", "Consent ledger: withdrawals delete, exclude or opt out"),
    ("accord.feeds.demo", "run", "TVT partner feeds: ingest, split identity store, quarantine"),
    ("accord.linkage.demo", "run", "Linkage across partners: people, review queue, quality"),
]


def run(out: Path = typer.Option(Path("demo-output"), help="Folder for generated files.")) -> None:
    """Load the registers and run every domain's demo step, printing what was made."""
    settings = get_settings()
    out.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    ctx = DemoContext(settings=settings, out=out, session_factory=make_session_factory(engine))
    summary = Table(title=f"accord demo (output in {out}/)")
    summary.add_column("step")
    summary.add_column("what it made")
    for module, function, title in _STEPS:
        step: DemoStep = getattr(importlib.import_module(module), function)
        with console.status(title):
            lines = step(ctx)
        summary.add_row(title, "\n".join(lines))
    engine.dispose()
    console.print(summary)
