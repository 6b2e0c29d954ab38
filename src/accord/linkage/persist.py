"""Reading and writing the linkage tables in bulk (person ids, review pairs, decisions)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from accord.linkage.models import PersonId, ReviewPair
from accord.store.base import utcnow
from accord.store.bulk import (
    binder,
    bulk_pragmas,
    execute_many,
    insert_many,
    select_by_keys,
    select_rows,
)

_CHUNK = 5000
T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_HEX = np.array(list("0123456789abcdef"), dtype="<U1")


def _hex(values: np.ndarray) -> np.ndarray:
    """64-bit integers as 16 lower-case hex digits each (vectorised; a million in a blink)."""
    octets = values.astype(">u8").view(np.uint8).reshape(-1, 8)
    nibbles = np.stack([octets >> 4, octets & 15], axis=-1).reshape(-1, 16)
    text: np.ndarray = _HEX[nibbles].view("<U16").ravel()
    return text


def fingerprints(identifiers: pd.DataFrame, key: str) -> pd.Series:
    """A keyed 64-bit digest of each record's identifiers (index: record_id).

    It only tells a later run that a record changed; it cannot be reversed or looked up
    without the key.
    """
    columns = ["first_name", "surname", "dob", "postcode", "address", "phone", "email"]
    values = identifiers[columns].astype("string").fillna("")
    hash_key = (key * 2)[:16]
    digest = pd.util.hash_pandas_object(values, index=False, hash_key=hash_key)
    return pd.Series(
        _hex(digest.to_numpy()),
        index=pd.Index(identifiers["record_id"].astype("string")),
        dtype="string",
    )


_PEOPLE = PersonId.__table__
_TABLE = "linkage_person_ids"  # PersonId's table: fixed text in the bulk statements


def load_people(session: Session, *, only: Sequence[str] | None = None) -> pd.DataFrame:
    """Stored person id and fingerprint per record (index: record_id): all, or `only` those."""
    sql = "SELECT record_id, person_id, fingerprint FROM linkage_person_ids"
    if only is None:
        rows = select_rows(session, sql)
    else:
        rows = select_by_keys(session, sql + " WHERE record_id IN ({keys})", list(only))
    frame = pd.DataFrame(rows, columns=["record_id", "person_id", "fingerprint"], dtype="string")
    return frame.set_index("record_id")


def save_people(
    session: Session,
    *,
    person_ids: pd.Series,
    prints: pd.Series,
    before: pd.DataFrame,
    run_id: uuid.UUID,
    remove_missing: bool,
    removed: Sequence[str] = (),
) -> dict[str, int]:
    """Write only what changed; `remove_missing` (full runs) drops records no longer fed,
    `removed` drops those records (incremental runs: records the partners deleted)."""
    run = binder(session, _PEOPLE, "run_id")(run_id)
    now = binder(session, _PEOPLE, "assigned_at")(utcnow())
    new = pd.DataFrame({"person_id": person_ids.astype("string")})
    new["fingerprint"] = prints.reindex(new.index)
    known = before.index.get_indexer(new.index) >= 0
    inserts = new[~known]
    kept = new[known]
    old = before.reindex(kept.index)
    changed = kept[
        (kept["person_id"] != old["person_id"]).to_numpy(dtype=bool)
        | (kept["fingerprint"] != old["fingerprint"]).to_numpy(dtype=bool)
    ]
    bulk_pragmas(session)
    insert_many(
        session,
        _TABLE,
        ("record_id", "person_id", "fingerprint", "run_id", "assigned_at"),
        _rows(inserts, run, now, id_first=True),
    )
    execute_many(
        session,
        f"UPDATE {_TABLE} SET person_id = {{mark}}, fingerprint = {{mark}},"  # noqa: S608
        " run_id = {mark}, assigned_at = {mark} WHERE record_id = {mark}",
        _rows(changed, run, now, id_first=False),
    )
    gone = list(removed)
    if remove_missing:
        gone += before.index[new.index.get_indexer(before.index) < 0].tolist()
    if gone:
        execute_many(
            session,
            f"DELETE FROM {_TABLE} WHERE record_id = {{mark}}",  # noqa: S608
            ((record_id,) for record_id in gone),
        )
    return {"inserted": len(inserts), "updated": len(changed), "removed": len(gone)}


def _rows(frame: pd.DataFrame, run: Any, now: Any, *, id_first: bool) -> Iterator[tuple[Any, ...]]:
    ids = frame.index.tolist()
    people = frame["person_id"].tolist()
    prints = frame["fingerprint"].tolist()
    for record_id, person, fingerprint in zip(ids, people, prints, strict=True):
        if id_first:
            yield record_id, person, fingerprint, run, now
        else:
            yield person, fingerprint, run, now, record_id


def load_decisions(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(ReviewPair.record_id_l, ReviewPair.record_id_r, ReviewPair.decision).where(
            ReviewPair.status == "decided"
        )
    ).all()
    return pd.DataFrame(rows, columns=["record_id_l", "record_id_r", "decision"])


def ordered(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs with record_id_l < record_id_r, so a pair has one row whichever way it was found."""
    swap = pairs["record_id_l"] > pairs["record_id_r"]
    out = pairs.copy()
    out.loc[swap, ["record_id_l", "record_id_r"]] = pairs.loc[
        swap, ["record_id_r", "record_id_l"]
    ].to_numpy()
    return out.drop_duplicates(["record_id_l", "record_id_r"])


def queue_review(
    session: Session, *, pairs: pd.DataFrame, run_id: uuid.UUID, replace_open: bool
) -> int:
    """Add uncertain pairs to the queue; decided pairs are never touched.

    `replace_open` (full runs): open pairs the new model no longer finds uncertain are
    withdrawn, so reviewers only see pairs that still matter.
    """
    pairs = ordered(pairs)
    existing = pd.DataFrame(
        session.execute(
            select(ReviewPair.id, ReviewPair.record_id_l, ReviewPair.record_id_r, ReviewPair.status)
        ).all(),
        columns=["id", "record_id_l", "record_id_r", "status"],
    )
    keys = pd.MultiIndex.from_frame(pairs[["record_id_l", "record_id_r"]])
    have = pd.MultiIndex.from_frame(existing[["record_id_l", "record_id_r"]])
    fresh = pairs[~keys.isin(have)]
    if replace_open and len(existing):
        stale = existing[(existing["status"] == "open") & ~have.isin(keys)]
        for ids in _chunks(list(stale["id"])):
            session.execute(delete(ReviewPair).where(ReviewPair.id.in_(ids)))
    now = utcnow()
    rows: list[dict[str, Any]] = [
        {
            "id": uuid.uuid4(),
            "record_id_l": row.record_id_l,
            "record_id_r": row.record_id_r,
            "match_weight": float(weight),
            "match_probability": float(probability),
            "status": "open",
            "run_id": run_id,
            "created_at": now,
        }
        for row, weight, probability in zip(
            fresh.itertuples(),
            fresh["match_weight"].to_numpy(dtype=float).tolist(),
            fresh["match_probability"].to_numpy(dtype=float).tolist(),
            strict=True,
        )
    ]
    for chunk in _chunks(rows):
        session.execute(insert(ReviewPair), list(chunk))
    return len(rows)
