"""The audit trail: append-only entries, each hashed over its content and the previous hash.

Appending locks the single head row (an UPDATE, so PostgreSQL holds a row lock and SQLite the
write lock until commit): sequence numbers are gap-free and the chain follows commit order.
Holding that lock, a transaction's later appends continue from the head it last wrote
instead of taking it again.
Entries hold ids and category names only, so the trail survives a subject's erasure.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from accord.gate.models import (
    COMPACT_JSON,
    GENESIS_HASH,
    AccessGrant,
    AuditEntry,
    AuditEntrySubject,
    AuditHead,
    dump_list,
)
from accord.gate.types import Actor
from accord.store.base import utcnow

HEAD_ID = 1
_entries = cast(Table, AuditEntry.__table__)
_subjects = cast(Table, AuditEntrySubject.__table__)
_head = cast(Table, AuditHead.__table__)
_TAKE = (
    update(_head)
    .where(_head.c.id == HEAD_ID)
    .values(seq=_head.c.seq + bindparam("n"))
    .returning(_head.c.seq, _head.c.hash)
)
_SET_HASH = update(_head).where(_head.c.id == HEAD_ID).values(hash=bindparam("h"))
_SET_HEAD = (
    update(_head).where(_head.c.id == HEAD_ID).values(seq=bindparam("s"), hash=bindparam("h"))
)
# Where a transaction's last append left the head (in the connection's info, with the
# transaction it belongs to).
_HELD = "accord.audit.head"
# The entries a `together` block has gathered, not yet written.
_BATCH = "accord.audit.batch"
_INSERT_ENTRIES = insert(_entries)
_INSERT_LINKS = insert(_subjects)


@dataclass(frozen=True)
class Event:
    """One thing to record: who did what, for which purpose, to which records and people."""

    actor: Actor
    action: str
    purpose: str
    register: str
    record_type: str
    reason: str
    outcome: str  # allowed | refused | recorded
    record_ids: tuple[uuid.UUID, ...] = ()
    subject_ids: tuple[uuid.UUID, ...] = ()
    categories: frozenset[str] = field(default_factory=frozenset)
    ref: str | None = None


@dataclass(frozen=True)
class Appended:
    seq: int
    id: uuid.UUID
    hash: str


def append(
    session: Session | Connection, events: Sequence[Event], *, at: datetime | None = None
) -> list[Appended]:
    """Append `events` in order, in the caller's transaction; returns their sequence numbers."""
    if not events:
        return []
    when = at or utcnow()
    count = len(events)
    # Core on the session's connection with statements built once: an entry is written for
    # every access, so the ORM's per-statement overhead would dominate.
    connection = session.connection() if isinstance(session, Session) else session
    batch: _Batch | None = connection.info.get(_BATCH)
    if batch is not None and not batch.current(connection):
        raise RuntimeError("audit: the transaction changed inside a `together` block")
    held = _held(connection)
    if held is None:
        # Taking the next numbers and the lock in one statement: concurrent appenders queue here.
        top, prev = connection.execute(_TAKE, {"n": count}).one()
        seq = int(top) - count
    else:
        seq, prev = held
    rows: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    appended: list[Appended] = []
    at_text = timestamp(when)
    for event in events:
        seq += 1
        row = _row(event, seq=seq, at=when, prev_hash=prev)
        prev = row["hash"] = entry_hash(row, at=at_text)
        rows.append(row)
        links.extend({"subject_id": s, "entry_seq": seq} for s in set(event.subject_ids))
        appended.append(Appended(seq=seq, id=row["id"], hash=prev))
    if batch is not None:
        batch.rows.extend(rows)
        batch.links.extend(links)
        batch.seq, batch.head = seq, prev
    else:
        _write(connection, rows, links, seq=seq, head=prev, taken=held is None)
    _hold(connection, seq, prev)
    return appended


@dataclass
class _Batch:
    transactions: tuple[Any, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    seq: int = 0
    head: str = ""

    def current(self, connection: Connection) -> bool:
        root, nested = _transactions(connection)
        return (
            root is not None
            and root.is_active
            and root is self.transactions[0]
            and nested is self.transactions[1]
        )


@contextmanager
def together(session: Session) -> Iterator[None]:
    """Appends in the block are written as one append when it ends, raising or not.

    Each event keeps its own entry, numbered and chained as it is recorded; only the writes
    are gathered (for a few decisions made back to back, e.g. a referral's intake and
    equality categories). A commit or savepoint begun inside the block writes what was
    gathered first, and later appends are written at once; a rollback takes them with it.
    """
    connection = session.connection()
    if connection.info.get(_BATCH) is not None:
        yield  # an enclosing block writes them
        return
    batch = _Batch(_transactions(connection))
    connection.info[_BATCH] = batch

    def write(*_: Any) -> None:
        if connection.info.get(_BATCH) is batch:
            del connection.info[_BATCH]
            if batch.rows and batch.current(connection):
                _write(
                    connection, batch.rows, batch.links, seq=batch.seq, head=batch.head, taken=False
                )

    def savepoint(_session: Session, transaction: Any) -> None:
        if transaction.nested:  # a flush's own subtransaction is no savepoint
            write()

    def drop(*_: Any) -> None:
        if connection.info.get(_BATCH) is batch:
            del connection.info[_BATCH]
            connection.info.pop(_HELD, None)

    hooks = (
        ("before_commit", write),
        ("after_transaction_create", savepoint),
        ("after_rollback", drop),
    )
    for name, hook in hooks:
        sa_event.listen(session, name, hook)
    try:
        yield
    finally:
        for name, hook in hooks:
            sa_event.remove(session, name, hook)
        write()


def _write(
    connection: Connection,
    rows: list[dict[str, Any]],
    links: list[dict[str, Any]],
    *,
    seq: int,
    head: str,
    taken: bool,
) -> None:
    """Insert the entries and links and move the head (statements built once)."""
    connection.execute(_INSERT_ENTRIES, rows)
    if links:
        connection.execute(_INSERT_LINKS, links)
    if taken:
        connection.execute(_SET_HASH, {"h": head})
    else:
        connection.execute(_SET_HEAD, {"s": seq, "h": head})


def _transactions(connection: Connection) -> tuple[Any, Any]:
    return connection.get_transaction(), connection.get_nested_transaction()


def _held(connection: Connection) -> tuple[int, str] | None:
    """The head this transaction last wrote, while it still holds the head's lock.

    A savepoint begun, released or rolled back since makes the next append take the head
    again (a rolled-back savepoint took its entries, and on PostgreSQL its lock, with it)."""
    held = connection.info.get(_HELD)
    if held is None:
        return None
    root, nested, seq, head = held
    now_root, now_nested = _transactions(connection)
    if now_root is None or now_root is not root or now_nested is not nested:
        return None
    if not root.is_active or (nested is not None and not nested.is_active):
        return None
    return seq, head


def _hold(connection: Connection, seq: int, head: str) -> None:
    root, nested = _transactions(connection)
    if root is None:  # no transaction (autocommit): nothing holds the lock
        connection.info.pop(_HELD, None)
        return
    connection.info[_HELD] = (root, nested, seq, head)


def record(session: Session, event: Event, *, at: datetime | None = None) -> Appended:
    return append(session, [event], at=at)[0]


def _row(event: Event, *, seq: int, at: datetime, prev_hash: str) -> dict[str, Any]:
    actor = event.actor
    return {
        "seq": seq,
        "id": uuid.uuid4(),
        "at": at,
        "actor_id": actor.id,
        "actor_kind": actor.kind,
        "actor_organisation": actor.organisation,
        "action": str(event.action),
        "purpose": event.purpose,
        "register": event.register,
        "record_type": event.record_type,
        # Serialised once here: the same text is hashed and stored.
        "record_ids": dump_list(sorted(str(r) for r in event.record_ids)),
        "subject_ids": dump_list(sorted({str(s) for s in event.subject_ids})),
        "categories": dump_list(sorted(event.categories)),
        "reason": str(event.reason),
        "outcome": event.outcome,
        "ref": event.ref,
        "prev_hash": prev_hash,
    }


def timestamp(at: datetime) -> str:
    # SQLite hands back naive UTC, PostgreSQL aware: hash the same text for both.
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else dump_list(value)


def canonical(row: Any, *, at: str | None = None) -> bytes:
    """The hashed content of an entry (a mapping or a row), as canonical JSON.

    A JSON array in a fixed order; the id lists are embedded as their stored JSON text.
    `at` may be given already formatted (every entry of one append shares it).
    """
    get = row.__getitem__ if isinstance(row, dict) else lambda k: getattr(row, k)
    actor_id = get("actor_id")
    content = [
        int(get("seq")),
        str(get("id")),
        at or timestamp(get("at")),
        str(actor_id) if actor_id else "",
        get("actor_kind"),
        get("actor_organisation"),
        get("action"),
        get("purpose"),
        get("register"),
        get("record_type"),
        _text(get("record_ids")),
        _text(get("subject_ids")),
        _text(get("categories")),
        get("reason"),
        get("outcome"),
        get("ref"),
    ]
    return COMPACT_JSON.encode(content).encode()


def entry_hash(row: Any, *, at: str | None = None) -> str:
    prev = row["prev_hash"] if isinstance(row, dict) else row.prev_hash
    return hashlib.sha256(prev.encode() + b"\n" + canonical(row, at=at)).hexdigest()


# --- verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    kind: str  # altered | removed | reordered | truncated
    seq: int
    entry_id: uuid.UUID | None
    message: str


@dataclass(frozen=True)
class Verification:
    checked: int
    head_seq: int
    head_hash: str
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(session: Session, *, batch: int = 5000) -> Verification:
    """Walk the whole chain in order and report the first entry that does not hold."""
    head = session.execute(select(_head.c.seq, _head.c.hash).where(_head.c.id == HEAD_ID)).one()
    expected, prev_hash, checked = 1, GENESIS_HASH, 0
    problem: Problem | None = None
    last_seq = 0
    while problem is None:
        # Core rows, not ORM objects: a long trail must not fill the session's identity map.
        rows = session.execute(
            select(_entries).where(_entries.c.seq > last_seq).order_by(_entries.c.seq).limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            problem = _check(row, expected=expected, prev_hash=prev_hash)
            if problem is not None:
                break
            checked += 1
            expected, prev_hash, last_seq = row.seq + 1, row.hash, row.seq
    if problem is None and (head.seq != last_seq or head.hash != prev_hash):
        problem = Problem(
            kind="truncated" if head.seq > last_seq else "altered",
            seq=last_seq + 1 if head.seq > last_seq else last_seq,
            entry_id=None,
            message=(
                f"the chain ends at entry {last_seq} but the head records entry {head.seq}: "
                "entries at the end were removed"
                if head.seq > last_seq
                else f"the head (entry {head.seq}) does not match the last entry {last_seq}"
            ),
        )
    return Verification(checked=checked, head_seq=head.seq, head_hash=head.hash, problem=problem)


def _check(row: Any, *, expected: int, prev_hash: str) -> Problem | None:
    if row.seq != expected:
        missing = f"{expected}" if row.seq == expected + 1 else f"{expected}–{row.seq - 1}"
        return Problem(
            "removed",
            expected,
            None,
            f"entry {missing} is missing (removed); the next entry is {row.seq} (id {row.id})",
        )
    if entry_hash(row) != row.hash:
        return Problem(
            "altered",
            row.seq,
            row.id,
            f"entry {row.seq} (id {row.id}) does not match its hash: its content was altered "
            "or moved from another position",
        )
    if row.prev_hash != prev_hash:
        return Problem(
            "reordered",
            row.seq,
            row.id,
            f"entry {row.seq} (id {row.id}) does not follow entry {row.seq - 1}: entries were "
            "reordered, or the one before it was replaced",
        )
    return None


# --- per-subject history -------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryItem:
    """One access to a person's data: who, when, what, why."""

    seq: int
    at: datetime
    actor_id: uuid.UUID | None
    actor_kind: str
    actor_organisation: str
    action: str
    purpose: str
    reason: str
    outcome: str
    register: str
    record_type: str
    record_ids: list[str]
    categories: list[str]
    # The reason stated for access outside a caseload (kept on the grant, not in the trail).
    stated_reason: str | None = None


def history(session: Session, *, subject_id: uuid.UUID) -> list[HistoryItem]:
    """Every entry about this person, oldest first: who viewed or changed what, when and why."""
    rows = session.execute(
        select(_entries)
        .join(_subjects, _subjects.c.entry_seq == _entries.c.seq)
        .where(_subjects.c.subject_id == subject_id)
        .order_by(_entries.c.seq)
    ).all()
    refs = {uuid.UUID(r.ref) for r in rows if r.ref and _is_uuid(r.ref)}
    stated = (
        {
            row.id: row.reason
            for row in session.execute(
                select(AccessGrant.id, AccessGrant.reason).where(AccessGrant.id.in_(refs))
            )
        }
        if refs
        else {}
    )
    return [
        HistoryItem(
            seq=r.seq,
            at=r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC),
            actor_id=r.actor_id,
            actor_kind=r.actor_kind,
            actor_organisation=r.actor_organisation,
            action=r.action,
            purpose=r.purpose,
            reason=r.reason,
            outcome=r.outcome,
            register=r.register,
            record_type=r.record_type,
            record_ids=list(r.record_ids),
            categories=list(r.categories),
            stated_reason=stated.get(uuid.UUID(r.ref)) if r.ref and _is_uuid(r.ref) else None,
        )
        for r in rows
    ]


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
