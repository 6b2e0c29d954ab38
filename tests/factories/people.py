"""Data subjects with sealed details, as the domains create them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from accord.people import service as people


def subject(
    session: Session,
    *,
    register: str,
    organisation: str,
    index: Mapping[str, str] | None = None,
) -> uuid.UUID:
    """A new data subject with its own key, and blind indexes (kind -> value) if given."""
    made = people.create_subject(session, register=register, organisation=organisation)
    if index:
        people.index_values(session, subject_id=made.id, values=dict(index))
    return made.id


def sealed(session: Session, subject_id: uuid.UUID, values: Mapping[str, Any]) -> bytes:
    """`values` sealed under the subject's key (what a record column holds)."""
    return people.seal(session, subject_id=subject_id, values=dict(values))
