"""Blind indexes a case's person lacks, added from their sealed identity: run once after an
upgrade that adds an index kind (`accord cases reindex`), e.g. the date of birth alone, so
people referred before it are found by it too.

The values come from `values_of`, given by the caller: `referrals.matching.index_values`, the
one place that says which identifiers of a person are indexed (intake and rectification's
rebuild use it as well; intake sits above casework, so the command passes it in). Only
indexes of the kinds asked for are added, none is removed. A person whose key is
destroyed, or whose case was anonymised, has nothing to index and is passed over. This is
keystore maintenance like `accord keys`, done by the system, and no one is shown a value.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from accord.cases.models import Case
from accord.people import service as people
from accord.people.crypto import current_crypto
from accord.people.errors import SealError, SubjectShredded
from accord.people.models import INDEX_KINDS, Subject, SubjectIndex, SubjectState

BATCH = 500
# A person's identifiers (as sealed on their case) -> the blind-index values they give by kind.
ValuesOf = Callable[[dict[str, Any]], Mapping[str, str]]


@dataclass
class Reindexed:
    people: int = 0  # people looked at
    added: int = 0  # indexes added
    skipped: int = 0  # people with nothing to index (no value, key destroyed, unreadable)


def _lacking(kinds: Collection[str], after: uuid.UUID | None, limit: int) -> Select[uuid.UUID]:
    """Active people with a case and no index of one of `kinds`, in id order after `after`."""
    missing = [
        ~exists().where(and_(SubjectIndex.subject_id == Subject.id, SubjectIndex.kind == kind))
        for kind in kinds
    ]
    query = (
        select(Subject.id)
        .where(
            Subject.state == SubjectState.active.value,
            exists().where(Case.subject_id == Subject.id),
            or_(*missing),
        )
        .order_by(Subject.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(Subject.id > after)
    return query


def reindex_batch(
    session: Session,
    *,
    values_of: ValuesOf,
    kinds: Collection[str] = ("date_of_birth",),
    after: uuid.UUID | None = None,
    limit: int = BATCH,
    done: Reindexed | None = None,
) -> tuple[uuid.UUID | None, Reindexed]:
    """One batch: adds the missing indexes of `kinds` for up to `limit` people after `after`.
    Returns the last person looked at (None when there were none) and the running totals."""
    unknown = set(kinds) - set(INDEX_KINDS)
    if unknown:
        raise ValueError(f"unknown index kind(s): {', '.join(sorted(unknown))}")
    done = done or Reindexed()
    last: uuid.UUID | None = None
    for subject_id in list(session.scalars(_lacking(kinds, after, limit))):
        last = subject_id
        done.people += 1
        values: dict[str, list[str]] = {}
        try:
            for blob in session.scalars(select(Case.identity).where(Case.subject_id == subject_id)):
                identity = people.unseal(session, subject_id=subject_id, blob=blob)
                for kind, value in values_of(identity).items():
                    if kind in kinds:
                        values.setdefault(kind, []).append(value)
        except (SubjectShredded, SealError):
            done.skipped += 1
            continue
        readable = {k: [v for v in vs if _readable(k, v)] for k, vs in values.items()}
        readable = {k: vs for k, vs in readable.items() if vs}
        if not readable:
            done.skipped += 1
            continue
        done.added += people.index_values(session, subject_id=subject_id, values=readable)
    return last, done


def _readable(kind: str, value: str) -> bool:
    """Whether the index can read the value (a date of birth in words cannot)."""
    try:
        current_crypto().indexer.digest(kind, value)
    except ValueError:
        return False
    return True


def reindex(
    session_factory: Callable[[], Session],
    *,
    values_of: ValuesOf,
    kinds: Collection[str] = ("date_of_birth",),
    batch: int = BATCH,
    progress: Callable[[Reindexed], None] | None = None,
) -> Reindexed:
    """Every batch, each in a transaction of its own, so a stopped run keeps what it did and
    the next run carries on from the people still lacking an index."""
    done = Reindexed()
    after: uuid.UUID | None = None
    while True:
        with session_factory() as session:
            last, done = reindex_batch(
                session, values_of=values_of, kinds=kinds, after=after, limit=batch, done=done
            )
            session.commit()
        if progress is not None:
            progress(done)
        if last is None:
            return done
        after = last
