"""Shared by the gate's commands: a session on the configured database, acting as a person."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts.actor import actor_for_user
from accord.accounts.models import User
from accord.console import err_console
from accord.errors import AccordError
from accord.gate.types import AccessDenied, Actor
from accord.store.engine import settings_session

AS_OPTION = typer.Option(
    ..., "--as", help="Email of the account to act as (its roles decide what it may see)."
)


db = settings_session  # one command's session on the case database


@contextmanager
def exits(session: Session) -> Iterator[None]:
    """A refusal by the gate exits 1, keeping its audit entry; any other accord error (bad
    input, no such record, a conflict) exits 2 saying why."""
    try:
        yield
    except AccessDenied as exc:
        session.commit()  # keep the refusal's entry
        err_console.print(f"refused: {exc}")
        raise typer.Exit(1) from exc
    except AccordError as exc:
        err_console.print(str(exc))
        raise typer.Exit(2) from exc


def failed(exc: Exception) -> typer.Exit:
    """The exit for a command that reports its own failures: a refusal by the gate exits 3,
    anything else 2, each saying why (raise the result)."""
    if isinstance(exc, AccessDenied):
        err_console.print(f"[red]refused[/red]: {exc}")
        return typer.Exit(3)
    err_console.print(f"[red]error[/red]: {exc}")
    return typer.Exit(2)


def actor_for(session: Session, email: str) -> Actor:
    """The account with this email, as the gate sees it; exits if there is none."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        err_console.print(f"--as: no account with email {email!r}")
        raise typer.Exit(2)
    return actor_for_user(user)
