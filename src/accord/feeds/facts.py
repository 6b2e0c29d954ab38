"""Partner feeds' facts for the gate: a partner's own records found by the identifiers a
requester gives (found by `accord.gate.facts`), and one such record read for their copy.

A partner's record belongs to no person accord knows: its identifiers are sealed under the
dataset's key, with keyed digests of its finding identifiers beside them (name and date of
birth together, email, phone: `accord.feeds.identity_index`). So a search, after the gate's
check for each dataset the answering organisation supplies (its feed contracts in the
register), looks up the requester's digests and opens only the rows they find, comparing
the identifiers the gate allows, normalised as the blind indexes normalise them; a postcode
only corroborates. Rows stored before the index existed are found once `accord feeds
reindex` has written their digests. A register without feeds, or an organisation that
supplies none, costs nothing: no table is read.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.feeds import identity_index
from accord.feeds.crypto import dataset_cipher
from accord.feeds.identifiers import (
    MATCHING_RECORD_TYPE,
    _contracts,
    column_categories,
    identifiers_table,
)
from accord.feeds.models import FeedIdentity
from accord.gate.facts import FoundRecord, GateCheck
from accord.gate.types import Target
from accord.keys.normalise import NAME_DOB_SEPARATOR, normalise

KIND = "partner-record"
CORROBORATING = frozenset({"postcode"})
SEARCHED = ("name_dob", "email", "phone", "postcode")  # crime references are not match columns


def record_uuid(record_id: str) -> uuid.UUID | None:
    """A partner record id (32 hex characters, a keyed digest) as a UUID, or None."""
    try:
        return uuid.UUID(hex=record_id) if len(record_id) == 32 else None
    except ValueError:
        return None


def _normalised(identifiers: Mapping[str, Sequence[str]]) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {}
    for kind in SEARCHED:
        for value in identifiers.get(kind, ()):
            try:
                wanted.setdefault(kind, set()).add(normalise(kind, str(value)))
            except ValueError:
                continue  # the search checks what it is given; an unreadable one finds nothing
    return wanted


def _agree(row: dict[str, Any], wanted: dict[str, set[str]]) -> set[str]:
    """The kinds of identifier on which the row agrees with the requester's."""

    def same(kind: str, value: Any) -> bool:
        if value is None or kind not in wanted:
            return False
        try:
            return normalise(kind, str(value)) in wanted[kind]
        except ValueError:
            return False

    kinds = {k for k in ("email", "phone", "postcode") if same(k, row.get(k))}
    person = " ".join(str(row[p]) for p in ("first_name", "surname") if row.get(p))
    born = row.get("dob")
    if person and born is not None and same("name_dob", f"{person}{NAME_DOB_SEPARATOR}{born}"):
        kinds.add("name_dob")
    return kinds


def _datasets(register: str, organisation: str) -> list[tuple[str, str]]:
    """The datasets `organisation` supplies in `register`, from its feed contracts."""
    return sorted(
        (partner, dataset)
        for (partner, dataset), contract in _contracts(register).items()
        if partner == organisation and contract.personal_data
    )


def _allowed(register: str, dataset: tuple[str, str], categories: frozenset[str]) -> frozenset[str]:
    wanted = column_categories(_contracts(register).get(dataset))
    return frozenset(column for column, cats in wanted.items() if cats and cats <= categories)


def held_since(session: Session, record_ids: Sequence[str]) -> dict[str, datetime]:
    """Each record's own date (its lookback date), else when it was last delivered."""
    out: dict[str, datetime] = {}
    for start in range(0, len(record_ids), 500):
        chunk = list(record_ids[start : start + 500])
        rows = session.execute(
            select(FeedIdentity.record_id, FeedIdentity.record_date, FeedIdentity.updated_at).where(
                FeedIdentity.record_id.in_(chunk)
            )
        )
        for record_id, day, updated in rows:
            out[record_id] = datetime.combine(day, time(), UTC) if day is not None else updated
    return out


def identified_records(
    session: Session,
    *,
    register: str,
    organisation: str,
    identifiers: Mapping[str, Sequence[str]],
    check: GateCheck,
) -> list[FoundRecord]:
    """The records of the datasets `organisation` supplies whose identifiers agree with a
    finding identifier given (a postcode only adds to another's agreement)."""
    wanted = _normalised(identifiers)
    datasets = _datasets(register, organisation)
    if not set(wanted) - CORROBORATING or not datasets:
        return []
    matched: list[tuple[str, str, set[str]]] = []
    for partner, dataset in datasets:
        if dataset_cipher(session, register=register, partner=partner, dataset=dataset,
                          create=False) is None:  # fmt: skip
            continue  # nothing delivered yet
        categories = check(
            Target(register=register, record_type=MATCHING_RECORD_TYPE, owner_organisation=partner)
        )
        columns = _allowed(register, (partner, dataset), categories)
        found = identity_index.candidates(
            session, register=register, dataset=(partner, dataset), identifiers=wanted
        )
        if not found:
            continue
        table = identifiers_table(
            session, register=register, datasets=[(partner, dataset)],
            columns={(partner, dataset): columns}, only=found,
        )  # fmt: skip
        for row in table.to_pylist():
            kinds = _agree(row, wanted)
            if kinds - CORROBORATING:
                matched.append((row["record_id"], partner, kinds))
    since = held_since(session, [record_id for record_id, _, _ in matched])
    return [
        FoundRecord(
            kind=KIND,
            record_id=as_uuid,
            register=register,
            owner_organisation=partner,
            record_type=MATCHING_RECORD_TYPE,
            matched_on=frozenset(kinds),
            at=since.get(record_id),
        )
        for record_id, partner, kinds in matched
        if (as_uuid := record_uuid(record_id)) is not None
    ]


IDENTIFIED_RECORDS = identified_records


@dataclass(frozen=True)
class PartnerRecord:
    """One partner record's identifiers, as the partner supplied them (unsealed)."""

    record_id: uuid.UUID
    register: str
    partner: str
    dataset: str
    description: str | None
    record_date: date | None
    values: dict[str, Any]  # match column (and `key`, the partner's reference) -> value
    categories: dict[str, set[str]]  # the data categories of each of those


def partner_target(session: Session, *, record_id: uuid.UUID) -> Target | None:
    """The gate's view of a partner record (nothing unsealed), or None if not held."""
    row = session.get(FeedIdentity, record_id.hex)
    if row is None:
        return None
    return Target(
        register=row.register,
        record_type=MATCHING_RECORD_TYPE,
        owner_organisation=row.partner,
        record_id=record_id,
    )


def partner_record(session: Session, *, record_id: uuid.UUID) -> PartnerRecord | None:
    """The record's identifiers unsealed. Internal: the caller has passed the gate for
    `partner_target` and keeps only the categories its decision allows."""
    row = session.get(FeedIdentity, record_id.hex)
    if row is None:
        return None
    cipher = dataset_cipher(
        session, register=row.register, partner=row.partner, dataset=row.dataset, create=False
    )
    if cipher is None:  # the dataset's key is destroyed: nothing can be read
        return None
    values = json.loads(cipher.open_json([row.record_id], [bytes(row.sealed)])[0])
    contract = _contracts(row.register).get((row.partner, row.dataset))
    categories = column_categories(contract)
    key_categories = next(
        (set(f.categories) for f in contract.fields if f.name == contract.key), set()
    ) if contract is not None else {"partner-reference"}  # fmt: skip
    return PartnerRecord(
        record_id=record_id,
        register=row.register,
        partner=row.partner,
        dataset=row.dataset,
        description=contract.description if contract is not None else None,
        record_date=row.record_date,
        values={k: v for k, v in values.items() if v is not None},
        categories={**categories, "key": key_categories},
    )


def held_rows(session: Session, record_ids: Iterable[str]) -> dict[str, tuple[str, str, str]]:
    """record id -> (register, partner, dataset) of the rows held among these."""
    ids = list(record_ids)
    out: dict[str, tuple[str, str, str]] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(
                FeedIdentity.record_id,
                FeedIdentity.register,
                FeedIdentity.partner,
                FeedIdentity.dataset,
            ).where(FeedIdentity.record_id.in_(ids[start : start + 500]))
        )
        out.update({r: (reg, p, d) for r, reg, p, d in rows})
    return out
