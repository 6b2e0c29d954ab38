"""Shared pieces of the accounts commands (`accord users`, `accord tokens`)."""

from __future__ import annotations

import typer

from accord.accounts.errors import AccountError
from accord.console import err_console
from accord.store.engine import settings_session

db = settings_session  # one command's session on the case database


def fail(exc: AccountError) -> typer.Exit:
    err_console.print(f"[red]✗[/red] {exc.field}: {exc.message}", highlight=False)
    return typer.Exit(1)
