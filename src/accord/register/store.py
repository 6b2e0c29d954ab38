"""Record each loaded register version in the store, so consents and notices can cite it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.register.load import digest
from accord.register.schema import Register
from accord.store.models import RegisterVersion


def record_version(session: Session, register: Register) -> RegisterVersion:
    """Return the stored row for this exact register content, adding it if new."""
    content_digest = digest(register)
    existing = session.scalar(
        select(RegisterVersion).where(
            RegisterVersion.register_id == register.id, RegisterVersion.digest == content_digest
        )
    )
    if existing is not None:
        return existing
    row = RegisterVersion(
        register_id=register.id,
        version=register.version,
        digest=content_digest,
        document=register.model_dump(mode="json"),
    )
    session.add(row)
    session.flush()
    return row
