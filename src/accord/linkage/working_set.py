"""Working sets: each partner dataset's records as the last run prepared and linked them.

An incremental run needs every existing record's prepared identifiers to block the delta
against. Unsealing, parsing and preparing a million stored rows again costs far more than
linking a delta of ten thousand, so each run leaves, per partner dataset, one sealed
Parquet value with its records' prepared columns, row digests (as stored by the feeds, so a
later run sees which rows changed) and person ids.

What keeps it no weaker than the identifiers table it is derived from:
- it is sealed under the same dataset's data key (accord.feeds.crypto), bound to its
  dataset; destroying that key (crypto-shredding) makes it unreadable like the rows;
- it is read only after the run has passed the gate for that dataset, and used only when
  the decision allows the same match columns it was built with;
- rows deleted or changed by the partner since are dropped from it before use (their row
  digests no longer match), and it is rewritten by the run that links the change.
When any dataset has no usable set, the run reads the identifiers table as a full run does.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.feeds.crypto import dataset_cipher
from accord.linkage.models import WorkingSet
from accord.linkage.prepare import PREPARED_COLUMNS
from accord.settings import Settings
from accord.store.base import utcnow

Dataset = tuple[str, str]  # (partner, dataset)
# what a set holds per record: the prepared columns (dob_rare depends on the whole set and is
# recomputed), the feeds' row digest and the person id the run gave it
SET_COLUMNS = (
    *(c for c in PREPARED_COLUMNS if c != "dob_rare"),
    "profile",  # the record's profile id: records equal on the compared columns
    "row_digest",
    "person_id",
)
# and, not text: the profile's hash (accord.linkage.profiles.profile_hash), so a later run
# finds a delta record's equal profile without hashing the whole set again
HASH_COLUMN = "profile_hash"


def _label(register: str, partner: str, dataset: str) -> str:
    return f"linkage-working-set|{register}|{partner}|{dataset}"


def save(
    session: Session,
    *,
    register: str,
    run_id: uuid.UUID,
    records: pd.DataFrame,
    columns: dict[Dataset, frozenset[str]],
    datasets: Iterable[Dataset] | None = None,
    settings: Settings | None = None,
) -> int:
    """Write the sets of `datasets` (default: every dataset in `records`) from `records`
    (SET_COLUMNS; `source` is "partner/dataset"). Returns the number of sets written."""
    by_source = dict(tuple(records.groupby("source", sort=False)))
    wanted = (
        list(datasets)
        if datasets is not None
        else [tuple(str(source).split("/", 1)) for source in by_source]
    )
    written = 0
    for partner, dataset in wanted:
        part = by_source.get(f"{partner}/{dataset}", records.iloc[:0])
        cipher = dataset_cipher(
            session, register=register, partner=partner, dataset=dataset, settings=settings,
            create=False,
        )  # fmt: skip
        row = _row(session, register, partner, dataset)
        if cipher is None:  # the dataset's key is gone: nothing may be kept for it
            if row is not None:
                session.delete(row)
            continue
        buffer = io.BytesIO()
        table = pa.Table.from_pandas(part[[*SET_COLUMNS, HASH_COLUMN]], preserve_index=False)
        pq.write_table(table, buffer, compression="zstd")
        sealed = cipher.seal_blob(_label(register, partner, dataset), buffer.getvalue())
        if row is None:
            row = WorkingSet(register=register, partner=partner, dataset=dataset)
            session.add(row)
        row.run_id, row.records, row.sealed = run_id, len(part), sealed
        row.columns = sorted(columns.get((partner, dataset), frozenset()))
        row.written_at = utcnow()
        written += 1
    session.flush()
    return written


def load(
    session: Session,
    *,
    register: str,
    columns: dict[Dataset, frozenset[str]],
    settings: Settings | None = None,
) -> pd.DataFrame | None:
    """Every dataset's set as one frame (SET_COLUMNS), or None when any dataset the gate
    allowed (`columns`) has no usable set: missing, built under other columns, or its
    dataset key destroyed. The caller has authorised each dataset for data matching."""
    frames = []
    for (partner, dataset), allowed in columns.items():
        row = _row(session, register, partner, dataset)
        if row is None or sorted(allowed) != list(row.columns):
            return None
        cipher = dataset_cipher(
            session, register=register, partner=partner, dataset=dataset, settings=settings,
            create=False,
        )  # fmt: skip
        if cipher is None:
            return None
        data = cipher.open_blob(_label(register, partner, dataset), row.sealed)
        table = pq.read_table(io.BytesIO(data))
        if set(table.column_names) != {*SET_COLUMNS, HASH_COLUMN}:  # another version wrote it
            return None
        frames.append(table.to_pandas())
    if not frames:
        return None
    frame: pd.DataFrame = pd.concat(frames, ignore_index=True)
    return frame.astype(dict.fromkeys(SET_COLUMNS, "string"))


def clear(session: Session, register: str) -> None:
    """Drop every set of `register` (e.g. before a full run that might fail half way)."""
    for row in session.scalars(select(WorkingSet).where(WorkingSet.register == register)):
        session.delete(row)
    session.flush()


def _row(session: Session, register: str, partner: str, dataset: str) -> WorkingSet | None:
    return session.scalar(
        select(WorkingSet).where(
            WorkingSet.register == register,
            WorkingSet.partner == partner,
            WorkingSet.dataset == dataset,
        )
    )
