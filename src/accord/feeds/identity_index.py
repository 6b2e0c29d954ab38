# Bulk SQL names fixed tables and columns; every value is a bound parameter.
# ruff: noqa: S608
"""Keyed digests of partner records' finding identifiers (`feed_identity_index`).

Each stored identifier row gets one digest per finding identifier it has: name with date of
birth together (`name_dob`), email and phone, normalised and keyed as the subjects' blind
indexes are (`accord.keys.blind.BlindIndexer`), under a key derived from the deployment's
index key for partner records alone, so a partner digest cannot be joined to a subject's.
A postcode only corroborates a match, so it is not indexed.

`identifiers.store_rows` writes the digests with the rows, in the same transaction; the
rows' foreign key deletes them with their row, whatever deletes it (a delta, a snapshot's
removals, the lookback, the sweep, `erase_dataset`, retention). Rows stored before the
index existed get their digests from `identifiers.reindex` (`accord feeds reindex`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping, Sequence

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from accord.feeds.vector import keyed_digests
from accord.keys.blind import BlindIndexer
from accord.keys.normalise import NAME_DOB_SEPARATOR, email, iso_date, name, phone
from accord.settings import Settings, get_settings
from accord.store.bulk import insert_many, select_by_keys

INDEXED = ("name_dob", "email", "phone")
_LABEL = b"accord/feeds/identity-index/v1"


def indexer(settings: Settings | None = None) -> BlindIndexer:
    """The partner records' blind indexer, its key derived from the deployment's index key."""
    index_key = (settings or get_settings()).index_key.get_secret_value().encode()
    return BlindIndexer(hmac.new(index_key, _LABEL, hashlib.sha256).digest())


def _each(array: pa.ChunkedArray | pa.Array, normal: Callable[[str], str]) -> pa.Array:
    """`normal` of each value, None where it cannot be normalised; each distinct value is
    normalised once (names, dates of birth and shared numbers repeat)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = array.cast(pa.string()).dictionary_encode()

    def one(value: str) -> str | None:
        try:
            return normal(value)
        except ValueError:
            return None

    values = [one(v) for v in encoded.dictionary.to_pylist()]
    return pa.array(values, pa.string()).take(encoded.indices)


def normalised(table: pa.Table) -> pa.Table:
    """The finding identifiers of a table of match columns (text), normalised as
    `accord.keys.normalise` does: `name_dob`, `email`, `phone`, null where absent or
    unreadable. The name of `name_dob` is the forename's and surname's normal forms joined,
    which is the normal form of the two written together."""
    first = pc.fill_null(_each(table.column("first_name"), name), "")
    surname = pc.fill_null(_each(table.column("surname"), name), "")
    person = pc.binary_join_element_wise(first, surname, "")
    person = pc.if_else(pc.equal(person, ""), pa.scalar(None, pa.string()), person)
    born = _each(table.column("dob"), iso_date)
    return pa.table(
        {
            "name_dob": pc.binary_join_element_wise(person, born, NAME_DOB_SEPARATOR),
            "email": _each(table.column("email"), email),
            "phone": _each(table.column("phone"), phone),
        }
    )


def entries(
    blind: BlindIndexer, record_ids: Sequence[str], table: pa.Table
) -> list[tuple[str, str, bytes]]:
    """(record_id, kind, digest) for each finding identifier of each row, equal to
    `blind.digest(kind, value)`; a value that cannot be normalised is not indexed (the
    exact comparison would not match it either)."""
    if not record_ids:
        return []
    columns = normalised(table).append_column("record_id", pa.array(record_ids, pa.string()))
    digests = keyed_digests(columns, {kind: blind.kind_key(kind) for kind in INDEXED})
    return list(
        zip(
            digests.column("record_id").to_pylist(),
            digests.column("kind").to_pylist(),
            digests.column("digest").to_pylist(),
            strict=True,
        )
    )


def write(session: Session, record_ids: Sequence[str], table: pa.Table, blind: BlindIndexer) -> int:
    """Store the digests of freshly stored rows (their old digests went with the old rows)."""
    return insert_many(
        session, "feed_identity_index", ("record_id", "kind", "digest"),
        entries(blind, record_ids, table),
    )  # fmt: skip


def candidates(
    session: Session,
    *,
    register: str,
    dataset: tuple[str, str],
    identifiers: Mapping[str, Iterable[str]],
    settings: Settings | None = None,
) -> list[str]:
    """Record ids of `dataset` with a finding identifier whose digest equals one given (the
    caller still compares the opened rows)."""
    blind = indexer(settings)
    keys: list[tuple[str, bytes]] = []
    for kind in INDEXED:
        for value in identifiers.get(kind, ()):
            try:
                keys.append((kind, blind.digest(kind, value)))
            except ValueError:
                continue
    found: set[str] = set()
    partner, name = dataset
    for kind in INDEXED:
        digests = [d for k, d in keys if k == kind]
        if not digests:
            continue
        rows = select_by_keys(
            session,
            "SELECT i.record_id, f.register, f.partner, f.dataset FROM feed_identity_index i"
            " JOIN feed_identifiers f ON f.record_id = i.record_id"
            " WHERE i.kind = '" + kind + "' AND i.digest IN ({keys})",
            digests,
        )
        found.update(r[0] for r in rows if r[1:] == (register, partner, name))
    return sorted(found)
