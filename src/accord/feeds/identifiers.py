# Bulk SQL names fixed tables and columns; every value is a bound parameter.
# ruff: noqa: S608
"""The identifiers table for matching: one row per partner record, its identifiers unsealed.

Columns (`SCHEMA`): record_id (the pseudonymous key), partner, dataset, first_name, surname,
dob (date), postcode, address, phone, email; every identifier column is nullable.

- `read_identifiers(session, *, actor, purpose="data-matching", register)` is the
  public path: the gate decides for each partner dataset (only the matching role,
  `partnership-analyst`, passes), audits it, and columns whose data categories the purpose
  may not hold are returned empty. Returns a pyarrow Table.
- `identifiers_frame(session, *, register, datasets=None)` is the linkage engine's fast
  internal path: the same rows as a pandas DataFrame, without a gate call of its own. Only
  call it after the caller has passed the gate for purpose `data-matching` (the linkage
  service authorises the run, then reads through this).
- `write_frame(session, frame, *, register)` seals and stores a frame in this shape
  directly (tests, and loading a prepared extract); ingest writes the same rows itself.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.json as pajson  # type: ignore[import-untyped]
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.feeds import identity_index
from accord.feeds.crypto import _ENCODE, dataset_cipher
from accord.feeds.keys import record_secret, row_digest
from accord.feeds.models import FeedIdentity
from accord.gate.types import Action, Actor, Target
from accord.register.schema import FeedContract
from accord.settings import Settings
from accord.store.base import utcnow
from accord.store.bulk import (
    binder,
    bulk_pragmas,
    execute_many,
    placeholder,
    select_by_keys,
    select_rows,
)

MATCH_COLUMNS = ("first_name", "surname", "dob", "postcode", "address", "phone", "email")
SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("partner", pa.string()),
        ("dataset", pa.string()),
        ("first_name", pa.string()),
        ("surname", pa.string()),
        ("dob", pa.date32()),
        ("postcode", pa.string()),
        ("address", pa.string()),
        ("phone", pa.string()),
        ("email", pa.string()),
    ]
)
# Used when a dataset has no contract in the register (e.g. a frame loaded by write_frame).
DEFAULT_CATEGORIES = {
    "first_name": "name",
    "surname": "name",
    "dob": "date-of-birth",
    "postcode": "address",
    "address": "address",
    "phone": "contact-details",
    "email": "contact-details",
}
MATCHING_RECORD_TYPE = "partner-record"
_WRITE_CHUNK = 50_000


def _iso(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _bind(session: Session, column: str) -> Callable[[Any], Any]:
    return binder(session, FeedIdentity.__table__, column)


def store_rows(
    session: Session,
    *,
    register: str,
    partner: str,
    dataset: str,
    record_ids: Sequence[str],
    plains: Sequence[bytes],
    digests: Sequence[str],
    record_dates: Sequence[date | None] | pa.Array,
    batch_id: uuid.UUID | None,
    settings: Settings | None = None,
    replace: Iterable[str] | None = None,
) -> None:
    """Seal and store identifier rows, each a UTF-8 JSON object of match column / `key`,
    with their finding identifiers' digests (`accord.feeds.identity_index`).

    `replace` names the record ids already stored that these rows supersede (None: any of
    them may be). Rows go through the DBAPI's executemany: at a million rows the ORM's
    per-row bookkeeping costs more than sealing."""
    cipher = dataset_cipher(
        session, register=register, partner=partner, dataset=dataset, settings=settings
    )
    assert cipher is not None  # created on demand
    delete_rows(session, record_ids if replace is None else replace)
    mark = placeholder(session)
    bulk_pragmas(session)
    sql = (
        "INSERT INTO feed_identifiers (record_id, register, partner, dataset, batch_id,"
        " row_digest, record_date, sealed, updated_at) VALUES (" + ", ".join([mark] * 9) + ")"
    )
    batch = _bind(session, "batch_id")(batch_id)
    now = _bind(session, "updated_at")(utcnow())
    if session.connection().dialect.name == "sqlite" and isinstance(record_dates, pa.Array):
        # SQLAlchemy stores SQLite dates as ISO text: convert the column at once, not per row
        record_dates = record_dates.cast(pa.string())
        as_date: Callable[[Any], Any] = lambda day: day  # noqa: E731 (already converted)
    else:
        as_date = _bind(session, "record_date")
    if isinstance(record_dates, pa.Array):
        record_dates = record_dates.to_pylist()
    connection = session.connection()
    blind = identity_index.indexer(settings)
    for start in range(0, len(record_ids), _WRITE_CHUNK):
        ids = list(record_ids[start : start + _WRITE_CHUNK])
        chunk = plains[start : start + _WRITE_CHUNK]
        sealed = cipher.seal_json(ids, chunk)
        params = [
            (rid, register, partner, dataset, batch, digest, as_date(day), blob, now)
            for rid, blob, digest, day in zip(
                ids,
                sealed,
                digests[start : start + _WRITE_CHUNK],
                record_dates[start : start + _WRITE_CHUNK],
                strict=True,
            )
        ]
        connection.exec_driver_sql(sql, params)
        identity_index.write(session, ids, _json_table(list(chunk)), blind)


def held_digests(
    session: Session,
    *,
    register: str,
    partner: str,
    dataset: str,
    only: Sequence[str] | None = None,
) -> dict[str, str]:
    """record_id -> row digest of the dataset's stored rows (all, or just the `only` ids).

    Plain DBAPI reads: a million ORM rows cost seconds that a delta should not pay."""
    if only is None:
        rows = select_rows(
            session,
            "SELECT record_id, row_digest FROM feed_identifiers"
            " WHERE register = {mark} AND partner = {mark} AND dataset = {mark}",
            (register, partner, dataset),
        )
        return {rid: digest for rid, digest in rows}
    rows = _by_key(session, "record_id, row_digest", only)
    return {r[0]: r[1] for r in rows if r[2:] == (register, partner, dataset)}


def _by_key(session: Session, columns: str, record_ids: Sequence[str]) -> list[tuple[Any, ...]]:
    """`columns` plus register, partner and dataset of the rows with these record ids.

    By primary key alone (record ids are unique across datasets): with the dataset columns
    in the WHERE clause SQLite scans the dataset index instead; callers filter the rows."""
    return select_by_keys(
        session,
        f"SELECT {columns}, register, partner, dataset FROM feed_identifiers"
        " WHERE record_id IN ({keys})",
        record_ids,
    )


def delete_rows(session: Session, record_ids: Iterable[str]) -> int:
    """Delete identifier rows by record id; returns how many existed."""
    ids = [(rid,) for rid in record_ids]
    if not ids:
        return 0
    mark = placeholder(session)
    connection = session.connection()
    before = _count(session)
    connection.exec_driver_sql(
        f"DELETE FROM feed_identifiers WHERE record_id = {mark}",
        ids,
    )
    return before - _count(session)


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(FeedIdentity)) or 0)


def write_frame(
    session: Session,
    frame: pd.DataFrame,
    *,
    register: str,
    batch_id: uuid.UUID | None = None,
    settings: Settings | None = None,
) -> int:
    """Seal and store a frame in the identifiers table's shape; returns rows written."""
    missing = [c for c in SCHEMA.names if c not in frame.columns]
    if missing:
        raise ValueError(f"identifiers frame lacks column(s): {', '.join(missing)}")
    written, secret = 0, record_secret(settings)
    for (partner, dataset), part in frame.groupby(["partner", "dataset"], sort=False):
        ids = part["record_id"].astype(str).tolist()
        plains = [
            _ENCODE({c: _iso(v) for c, v in zip(MATCH_COLUMNS, values, strict=True)}).encode()
            for values in part[list(MATCH_COLUMNS)].itertuples(index=False, name=None)
        ]
        store_rows(
            session,
            register=register,
            partner=str(partner),
            dataset=str(dataset),
            record_ids=ids,
            plains=plains,
            # keyed, so a later linkage run sees which rows changed (accord.linkage.working_set)
            digests=[row_digest(secret, [plain.decode()]) for plain in plains],
            record_dates=[None] * len(ids),
            batch_id=batch_id,
            settings=settings,
        )
        written += len(ids)
    session.flush()
    return written


def datasets_held(session: Session, register: str) -> list[tuple[str, str]]:
    rows = session.execute(
        select(FeedIdentity.partner, FeedIdentity.dataset)
        .where(FeedIdentity.register == register)
        .distinct()
    )
    return sorted((str(p), str(d)) for p, d in rows)


def identifiers_table(
    session: Session,
    *,
    register: str,
    datasets: Iterable[tuple[str, str]] | None = None,
    settings: Settings | None = None,
    columns: dict[tuple[str, str], frozenset[str]] | None = None,
    only: Sequence[str] | None = None,
    with_digest: bool = False,
) -> pa.Table:
    """Unsealed identifiers as a pyarrow Table in `SCHEMA` (internal: no gate call).

    `columns` limits each dataset's match columns (others are returned null); `only` reads
    just those record ids; `with_digest` adds each row's `row_digest`, read with the row."""
    parts = []
    for partner, dataset in datasets if datasets is not None else datasets_held(session, register):
        cipher = dataset_cipher(
            session, register=register, partner=partner, dataset=dataset, settings=settings,
            create=False,
        )  # fmt: skip
        if cipher is None:
            continue
        rows = _sealed_rows(session, register, partner, dataset, only)
        ids = [r[0] for r in rows]
        opened = _json_table(cipher.open_json(ids, [bytes(r[1]) for r in rows]))
        allowed = columns.get((partner, dataset)) if columns is not None else None
        n = len(ids)
        table = pa.table(
            {
                "record_id": pa.array(ids, pa.string()),
                "partner": pa.array([partner] * n, pa.string()),
                "dataset": pa.array([dataset] * n, pa.string()),
                **{
                    column: opened.column(column)
                    if allowed is None or column in allowed
                    else pa.nulls(n, pa.string())
                    for column in MATCH_COLUMNS
                },
            }
        )
        dob = table["dob"].cast(pa.date32())
        table = table.set_column(SCHEMA.get_field_index("dob"), "dob", dob).select(SCHEMA.names)
        if with_digest:
            table = table.append_column("row_digest", pa.array([r[2] for r in rows], pa.string()))
        parts.append(table)
    schema = SCHEMA.append(pa.field("row_digest", pa.string())) if with_digest else SCHEMA
    if not parts:
        return schema.empty_table()
    return pa.concat_tables(parts).cast(schema)


def _sealed_rows(
    session: Session, register: str, partner: str, dataset: str, only: Sequence[str] | None
) -> list[tuple[Any, ...]]:
    """(record_id, sealed, row_digest) of the dataset's rows (all, or the `only` ids), in
    record id order. Plain DBAPI rows: at a million, ORM rows cost more than decrypting."""
    if only is None:
        # no ORDER BY: the database would walk the digest index in key order and fetch every
        # row from there; sorting the fetched tuples here is far cheaper
        rows = select_rows(
            session,
            "SELECT record_id, sealed, row_digest FROM feed_identifiers"
            " WHERE register = {mark} AND partner = {mark} AND dataset = {mark}",
            (register, partner, dataset),
        )
    else:
        found = _by_key(session, "record_id, sealed, row_digest", only)
        rows = [r[:3] for r in found if r[3:] == (register, partner, dataset)]
    rows.sort()
    return rows


def digests(session: Session, *, register: str) -> pa.Table:
    """record_id and row_digest of every stored row of `register`, in one plain read (no
    sealed values): what a linkage run compares with its working sets."""
    rows = select_rows(
        session,
        "SELECT record_id, row_digest FROM feed_identifiers WHERE register = {mark}",
        (register,),
    )
    # through an object frame: several times faster than zip(*rows) into Arrow arrays
    frame = pd.DataFrame(rows, columns=["record_id", "row_digest"], dtype=object)
    return pa.Table.from_pandas(frame, preserve_index=False).cast(
        pa.schema([("record_id", pa.string()), ("row_digest", pa.string())])
    )


_TEXT_SCHEMA = pa.schema([(column, pa.string()) for column in MATCH_COLUMNS])


def _json_table(plains: list[bytes]) -> pa.Table:
    """Parse rows of JSON (one object per row) into the match columns, as text, in order."""
    if not plains:
        return _TEXT_SCHEMA.empty_table()
    options = pajson.ParseOptions(explicit_schema=_TEXT_SCHEMA, unexpected_field_behavior="ignore")
    try:
        return pajson.read_json(io.BytesIO(b"\n".join(plains)), parse_options=options)
    except pa.ArrowInvalid:
        # a dataset with a field that is not text in JSON (a number, say): parse row by row
        rows = [json.loads(plain) for plain in plains]
        return pa.table(
            {
                column: pa.array(
                    [None if row.get(column) is None else str(row[column]) for row in rows],
                    pa.string(),
                )
                for column in MATCH_COLUMNS
            }
        )


def identifiers_frame(
    session: Session,
    *,
    register: str,
    datasets: Iterable[tuple[str, str]] | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """The linkage engine's fast path: every identifier row as a DataFrame (dob as dates).

    Internal: makes no gate call. Callers must already hold an allowed Decision for purpose
    `data-matching` on register `register` (see `read_identifiers` for the gated path)."""
    table = identifiers_table(session, register=register, datasets=datasets, settings=settings)
    frame: pd.DataFrame = table.to_pandas()
    return frame


def _contracts(register: str) -> dict[tuple[str, str], FeedContract]:
    from accord.register.registry import current_registry

    try:
        feeds = current_registry().get(register).feeds
    except KeyError:
        return {}
    return {(c.partner, c.dataset): c for c in feeds}


def column_categories(contract: FeedContract | None) -> dict[str, set[str]]:
    """Match column -> the data categories its field carries."""
    if contract is None:
        return {c: {cat} for c, cat in DEFAULT_CATEGORIES.items()}
    out: dict[str, set[str]] = {}
    for f in contract.fields:
        if f.match_as:
            out.setdefault(f.match_as, set()).update(f.categories)
    return out


def authorize_datasets(
    session: Session,
    *,
    actor: Actor,
    purpose: str = "data-matching",
    register: str,
) -> dict[tuple[str, str], frozenset[str]]:
    """One audited gate decision per partner dataset held (a refusal raises AccessDenied);
    returns the match columns each decision allows."""
    from accord.gate.service import authorize

    contracts = _contracts(register)
    allowed: dict[tuple[str, str], frozenset[str]] = {}
    for partner, dataset in datasets_held(session, register):
        wanted = column_categories(contracts.get((partner, dataset)))
        decision = authorize(
            session,
            actor=actor,
            purpose=purpose,
            action=Action.LIST,
            target=Target(
                register=register,
                record_type=MATCHING_RECORD_TYPE,
                owner_organisation=partner,
            ),
            categories=set().union(*wanted.values()) if wanted else None,
        )
        allowed[(partner, dataset)] = frozenset(
            column for column, cats in wanted.items() if cats and cats <= decision.categories
        )
    return allowed


def read_identifiers(
    session: Session,
    *,
    actor: Actor,
    purpose: str = "data-matching",
    register: str,
    settings: Settings | None = None,
) -> pa.Table:
    """Identifiers of every partner dataset, through the gate (one audited decision per
    dataset; a refusal raises AccessDenied). Columns the decision does not cover are null."""
    allowed = authorize_datasets(session, actor=actor, purpose=purpose, register=register)
    return identifiers_table(
        session,
        register=register,
        datasets=list(allowed),
        settings=settings,
        columns=allowed,
    )


def reindex(
    session: Session, *, actor: Actor, register: str, settings: Settings | None = None
) -> int:
    """Rewrite the identity digests (`accord.feeds.identity_index`) of every stored row of
    `register` (rows stored before the index existed, or after a change of index key);
    returns the digests written. Reads each dataset through the gate for purpose
    `data-matching` (a refusal raises AccessDenied): `accord feeds reindex`."""
    allowed = authorize_datasets(session, actor=actor, register=register)
    blind, written = identity_index.indexer(settings), 0
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
        written += identity_index.write(session, ids, text, blind)
    session.flush()
    return written
