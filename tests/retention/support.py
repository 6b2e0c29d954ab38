"""Running retention inside a test's savepoint: each batch's session joins the test's
connection, so a batch's commit releases a savepoint and the test rolls everything back."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from accord.people.crypto import current_crypto
from accord.people.models import Subject
from accord.retention import run as running


def sessions(session: Session) -> sessionmaker[Session]:
    session.flush()
    return sessionmaker(
        bind=session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )


def run(session: Session, *, dry_run: bool = False, batch: int = 50) -> running.RunResult:
    result = running.run(sessions(session), ran_by="retention test", dry_run=dry_run, batch=batch)
    session.expire_all()
    return result


def exists(session: Session, model: type, record_id: uuid.UUID) -> bool:
    session.expire_all()
    return session.get(model, record_id) is not None


def erased(session: Session, subject_id: uuid.UUID) -> bool:
    """The person's row and their key are both gone."""
    session.expire_all()
    return (
        session.get(Subject, subject_id) is None
        and current_crypto().keystore.get(subject_id) is None
    )


def deleted(result: running.RunResult, record_type: str) -> int:
    return sum(n for k, n in result.counts.items() if k[2] == record_type and k[4] == "deleted")


def moment(year: int, month: int, day: int, hour: int = 12) -> datetime:
    from datetime import UTC

    return datetime(year, month, day, hour, tzinfo=UTC)
