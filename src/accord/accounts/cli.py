"""Shared pieces of the accounts commands (`accord users`, `accord tokens`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.orm import Session

from accord.accounts.errors import AccountError
from accord.console import err_console
from accord.settings import get_settings
from accord.store.engine import make_engine, make_session_factory


@contextmanager
def db() -> Iterator[Session]:
    engine = make_engine(get_settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def fail(exc: AccountError) -> typer.Exit:
    err_console.print(f"[red]✗[/red] {exc.field}: {exc.message}", highlight=False)
    return typer.Exit(1)
