"""Keystore and case database, side by side: do keys and subjects agree?

They are two databases with no shared transaction, so they can disagree in two harmless ways
and one that matters:
- a key with no subject row: a subject creation whose case transaction rolled back (the key
  is written first). Harmless; such keys can be destroyed once old enough.
- an active subject with no key: an erasure whose key went but whose case transaction then
  failed. Their data is already unreadable; finish the erasure.
- an erased or anonymised subject that still has a key: must never happen; destroy it.
Only subject ids are read, never personal data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.people.crypto import Crypto
from accord.people.models import Subject, SubjectState
from accord.store.base import aware, utcnow


@dataclass
class KeyCheck:
    subjects: int = 0
    keys: int = 0
    orphan_keys: dict[uuid.UUID, datetime] = field(default_factory=dict)
    active_without_key: list[uuid.UUID] = field(default_factory=list)
    erased_with_key: list[uuid.UUID] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not (self.orphan_keys or self.active_without_key or self.erased_with_key)

    def orphans_older_than(self, age: timedelta) -> list[uuid.UUID]:
        cutoff = utcnow() - age
        return [s for s, made in self.orphan_keys.items() if aware(made) < cutoff]


def check_keys(session: Session, crypto: Crypto) -> KeyCheck:
    keys = crypto.keystore.subject_ids()
    states = {sid: state for sid, state in session.execute(select(Subject.id, Subject.state))}
    report = KeyCheck(subjects=len(states), keys=len(keys))
    report.orphan_keys = {sid: made for sid, made in keys.items() if sid not in states}
    for subject_id, state in states.items():
        if state == SubjectState.active.value and subject_id not in keys:
            report.active_without_key.append(subject_id)
        elif state != SubjectState.active.value and subject_id in keys:
            report.erased_with_key.append(subject_id)
    return report


def destroy_keys(crypto: Crypto, subject_ids: list[uuid.UUID]) -> int:
    destroyed = 0
    for subject_id in subject_ids:
        destroyed += crypto.keystore.destroy(subject_id)
        crypto.cache.drop(subject_id)
    return destroyed
