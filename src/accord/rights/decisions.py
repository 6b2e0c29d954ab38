"""What every decision on a right shares: finding the person for the rights team (through the
gate), sealing free text under the person's key, and the audit entry each act leaves.

Carrying out a right is an act of the rights team on a person, not casework on a record: it
needs `rights:request:manage` from a role in the person's register, in the organisation that
holds them, and it goes on while the person's processing is restricted (a restriction is what
some of these acts place or lift).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.errors import Conflict, Gone, Invalid, NotFound
from accord.gate.acts import record_event
from accord.gate.catalogue import Permission
from accord.gate.history import erased_owner
from accord.gate.service import require
from accord.gate.types import Actor
from accord.people import service as people
from accord.people.models import Subject
from accord.rights.models import RightsRequest, RightsRequestRight

MAX_TEXT = 4000


def person_for(session: Session, *, actor: Actor, subject_id: uuid.UUID, what: str) -> Subject:
    """The person a right is exercised about, for a rights officer of the organisation
    holding them. Another organisation's person, or nobody, is not found; an erased person is
    Gone, saying only that."""
    subject = session.get(Subject, subject_id)
    if subject is None:
        owner = erased_owner(session, subject_id)
        if owner is not None and owner[0] == actor.organisation:
            raise Gone("This person's data has been erased; nothing more can be done with it.")
        raise NotFound("person")
    require(
        session,
        actor=actor,
        permission=Permission.RIGHTS_REQUEST_MANAGE.value,
        what=what,
        register=subject.register,
        subject_ids=(subject.id,),
    )
    if subject.organisation != actor.organisation:
        raise NotFound("person")
    if not subject.is_active:
        raise Gone("This person's data has been erased; nothing more can be done with it.")
    return subject


def request_for(
    session: Session, *, subject: Subject, request_id: uuid.UUID | None, right: str
) -> uuid.UUID | None:
    """The rights request a decision answers: one of the organisation's, in the person's
    register, open, and asking for this right (`request_id` names the field otherwise)."""
    if request_id is None:
        return None
    request = session.get(RightsRequest, request_id)
    if (
        request is None
        or request.organisation != subject.organisation
        or request.register != subject.register
    ):
        raise Invalid("request_id", "There is no such rights request for this organisation.")
    if request.status != "open":
        raise Conflict("This rights request is closed.", field="request_id")
    asked = set(
        session.scalars(
            select(RightsRequestRight.right).where(RightsRequestRight.request_id == request.id)
        )
    )
    if right not in asked:
        raise Invalid("request_id", f"This rights request does not ask for {right}.")
    return request.id


def text(field: str, value: str, *, required: bool = True) -> str:
    """Free text from a person or an officer: stripped, not empty when required, bounded."""
    cleaned = value.strip()
    if required and not cleaned:
        raise Invalid(field, "Enter this: it cannot be empty.")
    if len(cleaned) > MAX_TEXT:
        raise Invalid(field, f"This must be {MAX_TEXT} characters or fewer.")
    return cleaned


def seal_text(session: Session, subject: Subject, value: str) -> bytes:
    return people.seal(session, subject_id=subject.id, values={"text": value})


def open_text(session: Session, subject_id: uuid.UUID, blob: bytes | None) -> str | None:
    if blob is None:
        return None
    found = people.unseal(session, subject_id=subject_id, blob=blob).get("text")
    return None if found is None else str(found)


def audit(
    session: Session,
    *,
    actor: Actor,
    what: str,
    action: str,
    register: str,
    subject_ids: Iterable[uuid.UUID],
    record_ids: Iterable[uuid.UUID] = (),
    categories: Iterable[str] = (),
    ref: str | None = None,
) -> None:
    """The audit entry of one act on a right (ids, categories and a short reference only)."""
    record_event(
        session,
        actor=actor,
        action=action,
        purpose=what,
        register=register,
        record_type=what,
        subject_ids=tuple(subject_ids),
        record_ids=tuple(record_ids),
        categories=tuple(categories),
        ref=ref,
    )
