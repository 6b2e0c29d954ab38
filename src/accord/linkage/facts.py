"""Linkage's facts for the gate: the other records of a linked person (found by
`accord.gate.facts`), so that finding a requester's partner records offers the records
linkage joined to them, such as one supplied with a misspelt name.

The person ids are the matching organisation's (the register's `linked-person` records):
only that organisation's searches follow them, after the gate's check, and they offer only
the records of the datasets the searching organisation itself supplied.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.feeds.facts import KIND, held_since, record_uuid
from accord.feeds.identifiers import MATCHING_RECORD_TYPE
from accord.feeds.models import FeedIdentity
from accord.gate.facts import FoundRecord, GateCheck
from accord.gate.types import Target
from accord.linkage.config import LinkageConfig
from accord.linkage.models import PersonId

LINKED = "linked-person"


def linked_records(
    session: Session,
    *,
    register: str,
    organisation: str,
    record_ids: Sequence[uuid.UUID],
    check: GateCheck,
) -> list[FoundRecord]:
    config = LinkageConfig(register=register)
    if not config.owner_organisation or config.owner_organisation != organisation:
        return []  # the links are another organisation's (or nobody runs linkage here)
    given = [r.hex for r in record_ids]
    people: set[str] = set()
    for start in range(0, len(given), 500):
        people.update(
            session.scalars(
                select(PersonId.person_id).where(PersonId.record_id.in_(given[start : start + 500]))
            )
        )
    if not people:
        return []
    check(
        Target(register=register, record_type=config.record_type, owner_organisation=organisation)
    )
    rows = session.execute(
        select(FeedIdentity.record_id, FeedIdentity.partner)
        .join(PersonId, PersonId.record_id == FeedIdentity.record_id)
        .where(
            PersonId.person_id.in_(sorted(people)),
            FeedIdentity.register == register,
            FeedIdentity.partner == organisation,
        )
    )
    known = set(given)
    found = [(r, p) for r, p in rows if r not in known]
    since = held_since(session, [r for r, _ in found])
    return [
        FoundRecord(
            kind=KIND,
            record_id=as_uuid,
            register=register,
            owner_organisation=partner,
            record_type=MATCHING_RECORD_TYPE,
            matched_on=frozenset({LINKED}),
            at=since.get(record_id),
        )
        for record_id, partner in found
        if (as_uuid := record_uuid(record_id)) is not None
    ]


LINKED_RECORDS = linked_records
