"""Refusals outlive the caller's rollback.

A refused access is written in the caller's transaction like any entry, and also kept in the
session's outbox. A route that raises AccessDenied usually ends in a rollback, which would take
the entry with it; when the outermost transaction ends without committing (or a savepoint that
held the entry is rolled back), the gate appends the refusal again in a transaction of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, SessionTransaction

from accord.gate import audit
from accord.gate.models import AuditEntry

_KEY = "accord.gate.refusals"


@dataclass
class _Pending:
    event: audit.Event
    at: datetime
    transaction: SessionTransaction | None
    lost: bool = False  # its savepoint was rolled back: write it again whatever happens next


def remember(session: Session, entry: audit.Event, at: datetime) -> None:
    _install()
    current = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_KEY, []).append(_Pending(entry, at, current))


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction() or _KEY not in session.info:
        return
    # The root transaction committed: entries it held are stored; lost ones still wait.
    pending: list[_Pending] = session.info[_KEY]
    session.info[_KEY] = [p for p in pending if p.lost]


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        return
    for pending in session.info.get(_KEY, ()):
        if _within(pending.transaction, previous):
            pending.lost = True


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None or not session.info.get(_KEY):
        return
    pending: list[_Pending] = session.info.pop(_KEY)
    bind = session.get_bind(mapper=AuditEntry)
    _write(bind, pending)


def _write(bind: Engine | Connection, pending: list[_Pending]) -> None:
    by_time: dict[datetime, list[audit.Event]] = {}
    for item in pending:
        by_time.setdefault(item.at, []).append(item.event)
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            for at, events in by_time.items():
                audit.append(connection, events, at=at)
        return
    # A session joined to an outer connection (tests, or a caller's own transaction).
    began = not bind.in_transaction()
    for at, events in by_time.items():
        audit.append(bind, events, at=at)
    if began:
        bind.commit()


_installed: list[bool] = []


def _install() -> None:
    if _installed:
        return
    listeners: list[tuple[str, Any]] = [
        ("after_commit", _after_commit),
        ("after_soft_rollback", _after_soft_rollback),
        ("after_transaction_end", _after_transaction_end),
    ]
    for name, listener in listeners:
        event.listen(Session, name, listener)
    _installed.append(True)
