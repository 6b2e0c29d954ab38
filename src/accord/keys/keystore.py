"""The keystore: every wrapped data key, in a database of its own.

Two kinds of key live here: one per data subject (`data_keys`) and one per partner dataset
(`dataset_keys`, id `accord.feeds.crypto.dataset_key_id`). Keys live apart from the case
database on purpose. Destroying a key's row here makes every copy of what it sealed
unreadable, including copies in case-database backups taken earlier, provided the keystore's
own backups are kept on a short retention and erasures since a keystore backup are replayed
at restore (accord.keys.erasures, docs/operations-keys.md). The keystore holds no personal
data: random or derived ids and ciphertext.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import (
    Engine,
    LargeBinary,
    MetaData,
    String,
    Uuid,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from accord.keys.erasures import ErasureLog
from accord.keys.errors import KeystoreMisconfigured
from accord.keys.keyring import WrappedKey
from accord.keys.lazy import LazyEngine
from accord.settings import Settings
from accord.store.base import NAMING_CONVENTION, UtcDateTime, aware, utcnow


class KeystoreBase(DeclarativeBase):
    """Separate metadata: these tables never appear in the case database or its migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


KeyKind = Literal["subject", "dataset"]
KEY_KINDS: tuple[KeyKind, ...] = ("subject", "dataset")


class _KeyRow(KeystoreBase):
    """Columns shared by both kinds. The id column is called subject_id in both tables so one
    set of queries serves both; for a dataset key it holds the dataset's key id."""

    __abstract__ = True

    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64), index=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    rewrapped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DataKey(_KeyRow):
    """A data subject's key."""

    __tablename__ = "data_keys"


class DatasetKey(_KeyRow):
    """A partner dataset's key (a table of its own, so `accord keys check`, which compares
    subject keys with subject rows, never takes one for an orphaned subject key)."""

    __tablename__ = "dataset_keys"


_MODELS: dict[KeyKind, type[_KeyRow]] = {
    "subject": DataKey,
    "dataset": DatasetKey,
}


def same_database(first: str, second: str) -> bool:
    """Whether two URLs name the same database (same SQLite file, or same server and db)."""
    a, b = make_url(first), make_url(second)
    if a.get_backend_name() != b.get_backend_name():
        return False
    if a.get_backend_name() == "sqlite":
        if not a.database or not b.database or ":memory:" in (a.database, b.database):
            return False
        return Path(a.database).resolve() == Path(b.database).resolve()
    return (a.host or "localhost", a.port, a.database) == (
        b.host or "localhost",
        b.port,
        b.database,
    )


class Keystore:
    """Wrapped data keys by id and kind. Every call commits on its own (no shared transaction
    with the case database: a destroyed key must stay destroyed whatever happens there).

    With an erasure log, every destruction is recorded there first, so a restore of an older
    keystore backup can destroy the key again (`accord restore`)."""

    def __init__(self, url: str, *, erasures: ErasureLog | None = None) -> None:
        self.url = url
        self.erasures = erasures
        self._db = LazyEngine(url, KeystoreBase.metadata)

    @classmethod
    def from_settings(cls, settings: Settings) -> Keystore:
        if same_database(settings.keystore_url, settings.database_url):
            raise KeystoreMisconfigured(
                "ACCORD_KEYSTORE_URL names the case database (ACCORD_DATABASE_URL): data keys "
                "must live in a database of their own, or erasure would not reach backups"
            )
        log_url = ErasureLog.url_for(settings.keystore_url, settings.erasure_log_url)
        for name, other in (
            ("ACCORD_KEYSTORE_URL", settings.keystore_url),
            ("ACCORD_DATABASE_URL", settings.database_url),
        ):
            if same_database(log_url, other):
                raise KeystoreMisconfigured(
                    f"ACCORD_ERASURE_LOG_URL names the same database as {name}: the erasure log "
                    "must outlive a restore of either, so it needs a database of its own"
                )
        return cls(settings.keystore_url, erasures=ErasureLog(log_url))

    @property
    def engine(self) -> Engine:
        return self._db.get()

    def dispose(self) -> None:
        self._db.dispose()
        if self.erasures is not None:
            self.erasures.dispose()

    def put(self, subject_id: uuid.UUID, wrapped: WrappedKey, *, kind: KeyKind = "subject") -> None:
        """Store a new key, committed when this returns (before the caller's own commit)."""
        statement = insert(KeystoreBase.metadata.tables[_MODELS[kind].__tablename__]).values(
            subject_id=subject_id, key_id=wrapped.key_id, wrapped=wrapped.blob, created_at=utcnow()
        )
        engine = self.engine
        if engine.dialect.name == "postgresql":
            # One statement is its own transaction: committed in one round trip, not three.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(statement)
            return
        with engine.begin() as connection:
            connection.execute(statement)

    def put_if_absent(
        self,
        key_uuid: uuid.UUID,
        wrapped: WrappedKey,
        *,
        kind: KeyKind = "dataset",
        created_at: datetime | None = None,
    ) -> WrappedKey:
        """Store `wrapped` unless a key is already held under this id; return the held key
        (so two processes making the same dataset's first key agree on one)."""
        try:
            with Session(self.engine) as db, db.begin():
                db.add(
                    _MODELS[kind](
                        subject_id=key_uuid,
                        key_id=wrapped.key_id,
                        wrapped=wrapped.blob,
                        created_at=created_at or utcnow(),
                    )
                )
        except IntegrityError:
            held = self.get(key_uuid, kind=kind)
            if held is None:  # destroyed in between: try once more
                return self.put_if_absent(key_uuid, wrapped, kind=kind, created_at=created_at)
            return held
        return wrapped

    def get(self, subject_id: uuid.UUID, *, kind: KeyKind = "subject") -> WrappedKey | None:
        with Session(self.engine) as db:
            row = db.get(_MODELS[kind], subject_id)
            return None if row is None else WrappedKey(row.key_id, row.wrapped)

    def destroy(self, subject_id: uuid.UUID, *, kind: KeyKind = "subject") -> bool:
        """Delete the key; True when there was one. The erasure log is written first: if it
        cannot be, nothing is destroyed (an unlogged erasure would not survive a restore)."""
        if self.erasures is not None:
            self.erasures.record(kind, subject_id)
        return self.forget(subject_id, kind=kind)

    def destroy_many(self, subject_ids: list[uuid.UUID], *, kind: KeyKind = "subject") -> int:
        """Delete many keys; how many there were. Logged first, all in one entry per key,
        as `destroy` does one by one."""
        if not subject_ids:
            return 0
        if self.erasures is not None:
            self.erasures.record_many(kind, subject_ids)
        table = KeystoreBase.metadata.tables[_MODELS[kind].__tablename__]
        # One statement for the lot, run for every key (executemany): no IN list to expand.
        statement = delete(table).where(table.c.subject_id == bindparam("key"))
        with self.engine.begin() as connection:
            result = connection.execute(statement, [{"key": k} for k in subject_ids])
        return max(int(result.rowcount or 0), 0)

    def forget(
        self, subject_id: uuid.UUID, *, kind: KeyKind = "subject", made_by: datetime | None = None
    ) -> bool:
        """Delete the key without logging (replay, and keys moved elsewhere); with `made_by`
        only a key created at or before that moment goes (a later one is a new key)."""
        model = _MODELS[kind]
        with Session(self.engine) as db, db.begin():
            row = db.get(model, subject_id, with_for_update=True)
            if row is None or (made_by is not None and row.created_at > aware(made_by)):
                return False
            db.delete(row)
            return True

    def get_many(self, subject_ids: list[uuid.UUID]) -> dict[uuid.UUID, WrappedKey]:
        """Wrapped keys of the subjects that still have one (one query per 500 ids)."""
        found: dict[uuid.UUID, WrappedKey] = {}
        with Session(self.engine) as db:
            for start in range(0, len(subject_ids), 500):
                chunk = subject_ids[start : start + 500]
                for row in db.scalars(select(DataKey).where(DataKey.subject_id.in_(chunk))):
                    found[row.subject_id] = WrappedKey(row.key_id, row.wrapped)
        return found

    def replace(self, subject_id: uuid.UUID, old: WrappedKey, new: WrappedKey) -> bool:
        """Swap in a rewrapped key only if the row still holds `old` (compare-and-swap, so a
        rotation racing a shred or another rotation never resurrects or clobbers a key)."""
        return self.replace_many([(subject_id, old, new)])[0]

    def replace_many(
        self,
        swaps: list[tuple[uuid.UUID, WrappedKey, WrappedKey]],
        *,
        kind: KeyKind = "subject",
    ) -> list[bool]:
        """`replace` for many keys in one short transaction; True where the swap happened."""
        table = KeystoreBase.metadata.tables[_MODELS[kind].__tablename__]
        # One statement built once and executed per key (cheap), each checking its own row.
        statement = (
            update(table)
            .where(
                table.c.subject_id == bindparam("b_subject"),
                table.c.key_id == bindparam("b_old_key"),
                table.c.wrapped == bindparam("b_old_blob"),
            )
            .values(
                key_id=bindparam("b_new_key"),
                wrapped=bindparam("b_new_blob"),
                rewrapped_at=bindparam("b_now"),
            )
        )
        now = utcnow()
        done: list[bool] = []
        with self.engine.begin() as connection:
            for subject_id, old, new in swaps:
                result = connection.execute(
                    statement,
                    {
                        "b_subject": subject_id,
                        "b_old_key": old.key_id,
                        "b_old_blob": old.blob,
                        "b_new_key": new.key_id,
                        "b_new_blob": new.blob,
                        "b_now": now,
                    },
                )
                done.append(bool(result.rowcount))
        return done

    def subject_ids(self) -> dict[uuid.UUID, datetime]:
        """Every subject id with a key, and when the key was made (ids only, no key material)."""
        with Session(self.engine) as db:
            rows = db.execute(select(DataKey.subject_id, DataKey.created_at))
            return {subject_id: created for subject_id, created in rows}

    def counts_by_kind(self) -> dict[KeyKind, dict[str, int]]:
        """Per kind of key, the number of keys wrapped under each master key id."""
        out: dict[KeyKind, dict[str, int]] = {}
        with Session(self.engine) as db:
            for kind, model in _MODELS.items():
                rows = db.execute(
                    select(model.key_id, func.count()).group_by(model.key_id).order_by(model.key_id)
                )
                out[kind] = {key_id: count for key_id, count in rows}
        return out

    def counts_by_master_key(self) -> dict[str, int]:
        """Every wrapped key (subjects' and datasets') by the master key that wraps it."""
        total: dict[str, int] = {}
        for counts in self.counts_by_kind().values():
            for key_id, count in counts.items():
                total[key_id] = total.get(key_id, 0) + count
        return dict(sorted(total.items()))

    def count_not_under(self, key_id: str) -> int:
        with Session(self.engine) as db:
            return sum(
                db.scalar(select(func.count()).where(model.key_id != key_id)) or 0
                for model in _MODELS.values()
            )

    def batches_not_under(
        self, key_id: str, *, size: int = 500, kind: KeyKind = "subject"
    ) -> Iterator[list[tuple[uuid.UUID, WrappedKey]]]:
        """Keys wrapped under any other master key, in id order (keyset pages, so the scan
        neither holds a long transaction nor revisits rows it has rewrapped)."""
        model = _MODELS[kind]
        after: uuid.UUID | None = None
        while True:
            query = select(model).where(model.key_id != key_id)
            if after is not None:
                query = query.where(model.subject_id > after)
            with Session(self.engine) as db:
                rows = db.scalars(query.order_by(model.subject_id).limit(size)).all()
                batch = [(r.subject_id, WrappedKey(r.key_id, r.wrapped)) for r in rows]
            if not batch:
                return
            yield batch
            after = batch[-1][0]
