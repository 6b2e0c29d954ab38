"""Annotated FastAPI dependencies shared by every router."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from accord.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    """The request's one transaction: committed when the route returns, rolled back when it
    raises (a refusal's audit entry is written again after the rollback: gate.outbox).
    Function scope: the commit happens before the answer is sent, so a failed commit is
    never answered as a success."""
    with request.app.state.session_factory() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DbSession = Annotated[Session, Depends(get_session, scope="function")]
AppSettings = Annotated[Settings, Depends(get_app_settings)]
