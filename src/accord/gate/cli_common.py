"""Shared by the gate's commands: a session on the configured database, acting as a person."""

from __future__ import annotations

import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.accounts.actor import actor_for_user
from accord.accounts.models import User
from accord.console import err_console
from accord.gate.types import Actor
from accord.store.engine import settings_session

AS_OPTION = typer.Option(
    ..., "--as", help="Email of the account to act as (its roles decide what it may see)."
)


db = settings_session  # one command's session on the case database


def actor_for(session: Session, email: str) -> Actor:
    """The account with this email, as the gate sees it; exits if there is none."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        err_console.print(f"--as: no account with email {email!r}")
        raise typer.Exit(2)
    return actor_for_user(user)
