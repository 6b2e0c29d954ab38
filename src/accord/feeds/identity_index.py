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
index existed get their digests from `reindex` (`accord feeds reindex`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from accord.gate.types import Actor
from accord.keys.blind import BlindIndexer
from accord.keys.normalise import name_dob_value
from accord.settings import Settings, get_settings
from accord.store.bulk import execute_many, insert_many, select_by_keys

INDEXED = ("name_dob", "email", "phone")
_LABEL = b"accord/feeds/identity-index/v1"


def indexer(settings: Settings | None = None) -> BlindIndexer:
    """The partner records' blind indexer, its key derived from the deployment's index key."""
    index_key = (settings or get_settings()).index_key.get_secret_value().encode()
    return BlindIndexer(hmac.new(index_key, _LABEL, hashlib.sha256).digest())


def _values(table: pa.Table) -> Iterator[tuple[str | None, str | None, str | None]]:
    """(name_dob, email, phone) of each row of a table of match columns (text)."""
    columns = {c: table.column(c).to_pylist() for c in ("first_name", "surname", "dob")}
    emails = table.column("email").to_pylist()
    phones = table.column("phone").to_pylist()
    for first, surname, born, email, phone in zip(
        columns["first_name"], columns["surname"], columns["dob"], emails, phones, strict=True
    ):
        person = " ".join(str(p) for p in (first, surname) if p)
        both = name_dob_value(person, str(born)) if person and born is not None else None
        yield both, email, phone


def entries(
    blind: BlindIndexer, record_ids: Sequence[str], table: pa.Table
) -> list[tuple[str, str, bytes]]:
    """(record_id, kind, digest) for each finding identifier of each row; a value that cannot
    be normalised is not indexed (the scan's exact comparison would not match it either)."""
    out: list[tuple[str, str, bytes]] = []
    digest = blind.digest
    for record_id, values in zip(record_ids, _values(table), strict=True):
        for kind, value in zip(INDEXED, values, strict=True):
            if value is None:
                continue
            try:
                out.append((record_id, kind, digest(kind, str(value))))
            except ValueError:
                continue
    return out


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


def reindex(
    session: Session, *, actor: Actor, register: str, settings: Settings | None = None
) -> int:
    """Rewrite the digests of every stored row of `register` (rows stored before the index
    existed, or after a change of index key); returns the digests written. Reads each
    dataset through the gate for purpose `data-matching` (a refusal raises AccessDenied)."""
    from accord.feeds.identifiers import authorize_datasets, identifiers_table

    allowed = authorize_datasets(session, actor=actor, register=register)
    blind, written = indexer(settings), 0
    for dataset, columns in allowed.items():
        table = identifiers_table(
            session, register=register, datasets=[dataset], settings=settings,
            columns={dataset: columns},
        )  # fmt: skip
        ids: list[Any] = table.column("record_id").to_pylist()
        execute_many(
            session, "DELETE FROM feed_identity_index WHERE record_id = {mark}",
            [(rid,) for rid in ids],
        )  # fmt: skip
        text = table.select(["first_name", "surname", "email", "phone"]).append_column(
            "dob", table.column("dob").cast(pa.string())
        )
        written += write(session, ids, text, blind)
    session.flush()
    return written
