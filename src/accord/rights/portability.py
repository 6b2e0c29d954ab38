"""Data portability (Art 20): what the person gave us under consent or a contract, as JSON.

Decided per record from the register (`applicable.record_rights`): a record is exported when
its record type holds data under a consent or contract purpose, the register names the person
as a source of that record type, and this record came from the person themselves (a
self-referral, their own complaint or enquiry). Only the categories those purposes hold are
exported. Every other record is listed with the reason it is not included, never its data.
Everything accord holds is processed by automated means, so that condition always holds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from accord.gate import facts
from accord.gate.types import Actor
from accord.register.registry import current_registry
from accord.rights.applicable import portable_categories, record_rights
from accord.rights.decisions import audit, person_for, request_for
from accord.rights.records import held_records
from accord.store.base import utcnow

WHAT = "rights-portability"
FORMAT = "accord-portability/1"
NOT_FROM_PERSON = (
    "Not included: this information came from someone else (for example a police referral), "
    "not from you, so the right to data portability does not apply to it."
)
NOT_EXPORTABLE = (
    "Not included here: this record is not held in a structured form we can export. You can "
    "ask for a copy of it under your right of access."
)


@dataclass(frozen=True)
class PortabilityExport:
    document: dict[str, Any]
    exported: tuple[uuid.UUID, ...]
    explained: tuple[uuid.UUID, ...]


def export(
    session: Session,
    *,
    actor: Actor,
    subject_id: uuid.UUID,
    request_id: uuid.UUID | None = None,
) -> PortabilityExport:
    """The person's portable data as a structured JSON document (see the module)."""
    subject = person_for(session, actor=actor, subject_id=subject_id, what=WHAT)
    request_id = request_for(session, subject=subject, request_id=request_id, right="portability")
    registry = current_registry()
    records: list[dict[str, Any]] = []
    explained: list[dict[str, Any]] = []
    exported_categories: set[str] = set()
    names: dict[str, str] = {}  # category id -> what it is, for whoever reads the file
    for held in held_records(session, subject.id):
        register = registry.get(held.register)
        rights = record_rights(register, held.record_type)
        name = register.record_type(held.record_type).name
        entry = {"record_id": str(held.record_id), "record": name}
        if not rights.portable:
            explained.append(entry | {"reason": rights.portability_reason()})
            continue
        if not held.from_person:
            explained.append(entry | {"reason": NOT_FROM_PERSON})
            continue
        source = facts.source_record(session, record_id=held.record_id)
        if source is None or source.subject_id != subject.id:
            explained.append(entry | {"reason": NOT_EXPORTABLE})
            continue
        allowed = portable_categories(register, rights)
        data = {
            category: value
            for category, value in sorted(source.values.items())
            if category in allowed
        }
        exported_categories.update(data)
        names.update({c: register.category(c).name for c in data})
        records.append(entry | {"data": data})
    document: dict[str, Any] = {
        "format": FORMAT,
        "generated_at": utcnow().isoformat(),
        "controller": subject.organisation,
        "categories": dict(sorted(names.items())),
        "records": records,
        "not_included": explained,
    }
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="export",
        register=subject.register,
        subject_ids=(subject.id,),
        record_ids=[uuid.UUID(r["record_id"]) for r in records],
        categories=sorted(exported_categories),
        ref=f"portability:{request_id}" if request_id else "portability",
    )
    return PortabilityExport(
        document=document,
        exported=tuple(uuid.UUID(r["record_id"]) for r in records),
        explained=tuple(uuid.UUID(r["record_id"]) for r in explained),
    )
