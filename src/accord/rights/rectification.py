"""Rectification (Art 16): corrected fields with their history, and recipients told (Art 19).

A correction replaces fields of a record's sealed details (a case's name, date of birth,
contact details, crime reference...; a complaint's or an enquiry's name, email and phone; a
community safety case's identifying details of the person, as its main subject or a party:
name, date of birth, address, telephone, email) and keeps, in its own row, the old values
(sealed under the person's key), who corrected them, when and why. The person's blind
indexes are rebuilt from every case, complaint, enquiry and safety case held about them, so
the wrong value no longer finds them. Every recipient in
the disclosure log who received a corrected category gets a notice, pending until it is
recorded as sent, impossible or disproportionate (`recipients.record_notice`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases.models import Case, Complaint
from accord.cases.purposes import IDENTITY_FIELDS, field_categories
from accord.disclosures.service import recipients_to_notify_of_correction
from accord.enquiries.models import Enquiry
from accord.errors import Invalid, NotFound
from accord.gate.types import Actor
from accord.keys.normalise import name_dob_value
from accord.panels.models import CaseParty, SafetyCase
from accord.people import service as people
from accord.people.crypto import current_crypto
from accord.referrals.matching import index_values
from accord.register.registry import current_registry
from accord.register.schema import Register
from accord.rights.decision_models import Rectification
from accord.rights.decisions import audit, open_text, person_for, request_for, seal_text, text
from accord.rights.recipients import add_notices
from accord.store.base import utcnow

WHAT = "rights-rectification"
MAX_VALUE = 200
# A complaint's and an enquiry's own contact fields and their categories (the free text of
# what the person said is a record of what they said, not a fact to correct).
CONTACT_FIELDS = {"name": "name", "email": "contact-details", "phone": "contact-details"}
# A safety case's details are keyed by register category: these identify the person.
PANEL_FIELDS = frozenset({"name", "date-of-birth", "address", "telephone", "email"})
# ... and index them as (accord.panels.cases)
PANEL_INDEXED = {"email": "email", "telephone": "phone"}


@dataclass(frozen=True)
class _Shape:
    """How one kind of record holds its correctable fields."""

    model: type[Case] | type[Complaint] | type[Enquiry] | type[SafetyCase]
    blob: str  # the sealed column (a safety case's: the person's own party row's)
    fields: frozenset[str]
    categories: Callable[[Register, str], dict[str, str]]


_SHAPES = (
    _Shape(Case, "identity", IDENTITY_FIELDS, field_categories),
    _Shape(Complaint, "content", frozenset(CONTACT_FIELDS), lambda _r, _t: dict(CONTACT_FIELDS)),
    _Shape(Enquiry, "content", frozenset(CONTACT_FIELDS), lambda _r, _t: dict(CONTACT_FIELDS)),
    _Shape(SafetyCase, "details", PANEL_FIELDS, lambda _r, _t: {f: f for f in PANEL_FIELDS}),
)


@dataclass(frozen=True)
class _Held:
    """The record corrected and the row holding the person's sealed details in it."""

    record: Case | Complaint | Enquiry | SafetyCase
    row: Case | Complaint | Enquiry | CaseParty
    subject_id: uuid.UUID


@dataclass(frozen=True)
class RectificationResult:
    rectification: Rectification
    notices: int


@dataclass(frozen=True)
class Correction:
    """One past correction of a record, as its history shows it."""

    id: uuid.UUID
    fields: tuple[str, ...]
    old_values: dict[str, Any]
    reason: str | None
    decided_by: uuid.UUID | None
    decided_at: Any
    request_id: uuid.UUID | None


def _value(field: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"corrections.{field}", "Give the corrected value as text.")
    cleaned = value.strip()
    if len(cleaned) > MAX_VALUE:
        raise Invalid(f"corrections.{field}", f"This must be {MAX_VALUE} characters or fewer.")
    if field in ("date_of_birth", "date-of-birth", "crime_date") and cleaned:
        try:
            when = date.fromisoformat(cleaned)
        except ValueError:
            raise Invalid(f"corrections.{field}", "Give a date as YYYY-MM-DD.") from None
        if when > date.today() or when.year < 1900:
            raise Invalid(f"corrections.{field}", "Give a real date, not in the future.")
    return cleaned or None


def _checked(corrections: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, str | None]:
    if not corrections:
        raise Invalid("corrections", "Name at least one field to correct.")
    checked: dict[str, str | None] = {}
    for field, value in corrections.items():
        if field not in allowed:
            raise Invalid(
                f"corrections.{field}",
                "This field cannot be corrected here; fields that can: "
                + ", ".join(sorted(allowed))
                + ".",
            )
        checked[field] = _value(field, value)
    return checked


def reindex(session: Session, subject_id: uuid.UUID) -> None:
    """The person's blind indexes from every record held about them, as corrected (a value
    the index cannot read, such as a phone number in words, is left unindexed)."""
    found: list[tuple[str, str]] = []
    for blob in session.scalars(select(Case.identity).where(Case.subject_id == subject_id)):
        identity = people.unseal(session, subject_id=subject_id, blob=blob)
        found.extend(index_values(identity).items())
    for model in (Complaint, Enquiry):
        for blob in session.scalars(select(model.content).where(model.subject_id == subject_id)):
            values = people.unseal(session, subject_id=subject_id, blob=blob)
            found.extend((k, str(values[k])) for k in ("email", "phone") if values.get(k))
    for blob in session.scalars(
        select(CaseParty.details).where(CaseParty.subject_id == subject_id)
    ):
        details = people.unseal(session, subject_id=subject_id, blob=blob)
        found.extend((kind, str(details[c])) for c, kind in PANEL_INDEXED.items() if details.get(c))
        if details.get("name") and details.get("date-of-birth"):
            found.append(("name_dob", name_dob_value(details["name"], details["date-of-birth"])))
    indexer = current_crypto().indexer
    merged: dict[str, list[str]] = {kind: [] for kind in people.INDEX_KINDS}
    for kind, value in found:
        try:
            indexer.digest(kind, value)
        except ValueError:
            continue
        merged[kind].append(value)
    people.index_values(session, subject_id=subject_id, values=merged, replace=True)


def _record(
    session: Session, record_id: uuid.UUID, subject_id: uuid.UUID | None = None
) -> tuple[_Shape, _Held]:
    """The record and, for a safety case, the party row of the person (`subject_id`, else
    its main subject)."""
    for shape in _SHAPES:
        found = session.get(shape.model, record_id)
        if isinstance(found, Case | Complaint | Enquiry):
            return shape, _Held(found, found, found.subject_id)
        if isinstance(found, SafetyCase):
            person = subject_id or found.subject_id
            party = session.scalars(
                select(CaseParty)
                .where(CaseParty.case_id == found.id, CaseParty.subject_id == person)
                .order_by(CaseParty.added_at, CaseParty.id)
            ).first()
            if party is None:
                raise NotFound("record")
            return shape, _Held(found, party, person)
    raise NotFound("record")


def rectify(
    session: Session,
    *,
    actor: Actor,
    record_id: uuid.UUID,
    corrections: Mapping[str, Any],
    reason: str,
    request_id: uuid.UUID | None = None,
    subject_id: uuid.UUID | None = None,
) -> RectificationResult:
    """Correct fields of a case, complaint, enquiry or safety case (for a safety case, the
    details of `subject_id`, else of its main subject; see the module's description)."""
    why = text("reason", reason)
    shape, held = _record(session, record_id, subject_id)
    case = held.record
    checked = _checked(corrections, shape.fields)
    subject = person_for(session, actor=actor, subject_id=held.subject_id, what=WHAT)
    if case.organisation != actor.organisation:
        raise NotFound("record")
    request_id = request_for(session, subject=subject, request_id=request_id, right="rectification")
    identity = people.unseal(session, subject_id=subject.id, blob=getattr(held.row, shape.blob))
    changed = {f: v for f, v in checked.items() if identity.get(f) != v}
    if not changed:
        raise Invalid("corrections", "These are the values already held: nothing to correct.")
    old = {f: identity.get(f) for f in changed}
    for field, value in changed.items():
        if value is None:
            identity.pop(field, None)
        else:
            identity[field] = value
    setattr(held.row, shape.blob, people.seal(session, subject_id=subject.id, values=identity))
    if not isinstance(case, SafetyCase):  # a safety case keeps no time of its last change
        case.updated_at = utcnow()
    session.flush()
    reindex(session, subject.id)
    by_field = shape.categories(current_registry().get(case.register), case.record_type)
    categories = sorted({c for f in changed if (c := by_field.get(f)) is not None})
    row = Rectification(
        id=uuid.uuid4(),
        request_id=request_id,
        subject_id=subject.id,
        register=case.register,
        organisation=case.organisation,
        record_type=case.record_type,
        record_id=case.id,
        fields=sorted(changed),
        categories=categories,
        old_values=people.seal(session, subject_id=subject.id, values=old),
        reason=seal_text(session, subject, why),
        decided_by=actor.id,
        decided_by_kind=actor.kind,
        decided_at=utcnow(),
    )
    session.add(row)
    recipients = recipients_to_notify_of_correction(
        session, subject_id=subject.id, categories=categories
    )
    notices = add_notices(
        session,
        kind="rectification",
        decision_id=row.id,
        subject_id=subject.id,
        register=case.register,
        organisation=case.organisation,
        request_id=request_id,
        received={r.recipient: set(r.fields) for r in recipients},
    )
    session.flush()
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="update",
        register=case.register,
        subject_ids=(subject.id,),
        record_ids=(case.id, row.id),
        categories=categories,
        ref="rectification:" + ",".join(sorted(changed)),
    )
    return RectificationResult(rectification=row, notices=notices)


def history(session: Session, *, actor: Actor, record_id: uuid.UUID) -> list[Correction]:
    """Every correction of the record, oldest first, with the old values and reasons."""
    rows = list(
        session.scalars(
            select(Rectification)
            .where(Rectification.record_id == record_id)
            .order_by(Rectification.decided_at, Rectification.id)
        )
    )
    # a safety case's corrections may be of several people in it, each under their own key
    people_ids = sorted({r.subject_id for r in rows}, key=str) or [
        _record(session, record_id)[1].subject_id
    ]
    subjects = [person_for(session, actor=actor, subject_id=s, what=WHAT) for s in people_ids]
    audit(
        session,
        actor=actor,
        what=WHAT,
        action="read",
        register=subjects[0].register,
        subject_ids=people_ids,
        record_ids=(record_id,),
        ref="rectification-history",
    )
    return [
        Correction(
            id=r.id,
            fields=tuple(r.fields),
            old_values=people.unseal(session, subject_id=r.subject_id, blob=r.old_values),
            reason=open_text(session, r.subject_id, r.reason),
            decided_by=r.decided_by,
            decided_at=r.decided_at,
            request_id=r.request_id,
        )
        for r in rows
        if r.organisation == actor.organisation
    ]
