"""The keystore: wrapped data keys, one per data subject, in a database of their own.

Keys live apart from the case database on purpose. Destroying a subject's row here makes
every copy of their encrypted fields unreadable, including copies in case-database backups
taken earlier, provided the keystore's own backups are kept on a short retention
(docs/operations-keys.md). The keystore holds no personal data: subject ids and ciphertext.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    DateTime,
    Engine,
    LargeBinary,
    MetaData,
    String,
    Uuid,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from accord.keys.errors import KeystoreMisconfigured
from accord.keys.keyring import WrappedKey
from accord.settings import Settings
from accord.store.base import NAMING_CONVENTION, utcnow
from accord.store.engine import make_engine


class KeystoreBase(DeclarativeBase):
    """Separate metadata: these tables never appear in the case database or its migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DataKey(KeystoreBase):
    __tablename__ = "data_keys"

    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64), index=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rewrapped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


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
    """Wrapped data keys by subject id. Every call commits on its own (no shared transaction
    with the case database: a destroyed key must stay destroyed whatever happens there)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Keystore:
        if same_database(settings.keystore_url, settings.database_url):
            raise KeystoreMisconfigured(
                "ACCORD_KEYSTORE_URL names the case database (ACCORD_DATABASE_URL): data keys "
                "must live in a database of their own, or erasure would not reach backups"
            )
        return cls(settings.keystore_url)

    @property
    def engine(self) -> Engine:
        with self._lock:  # one engine per keystore even when threads race to first use
            if self._engine is None:
                engine = make_engine(self.url)
                KeystoreBase.metadata.create_all(engine)
                self._engine = engine
            return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def put(self, subject_id: uuid.UUID, wrapped: WrappedKey) -> None:
        with Session(self.engine) as db, db.begin():
            db.add(DataKey(subject_id=subject_id, key_id=wrapped.key_id, wrapped=wrapped.blob))

    def get(self, subject_id: uuid.UUID) -> WrappedKey | None:
        with Session(self.engine) as db:
            row = db.get(DataKey, subject_id)
            return None if row is None else WrappedKey(row.key_id, row.wrapped)

    def destroy(self, subject_id: uuid.UUID) -> bool:
        """Delete the subject's wrapped key; True when there was one."""
        with Session(self.engine) as db, db.begin():
            result = db.execute(delete(DataKey).where(DataKey.subject_id == subject_id))
            return bool(result.rowcount)  # type: ignore[attr-defined]

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

    def replace_many(self, swaps: list[tuple[uuid.UUID, WrappedKey, WrappedKey]]) -> list[bool]:
        """`replace` for many keys in one short transaction; True where the swap happened."""
        table = KeystoreBase.metadata.tables[DataKey.__tablename__]
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

    def counts_by_master_key(self) -> dict[str, int]:
        with Session(self.engine) as db:
            rows = db.execute(
                select(DataKey.key_id, func.count())
                .group_by(DataKey.key_id)
                .order_by(DataKey.key_id)
            )
            return {key_id: count for key_id, count in rows}

    def count_not_under(self, key_id: str) -> int:
        with Session(self.engine) as db:
            return db.scalar(select(func.count()).where(DataKey.key_id != key_id)) or 0

    def batches_not_under(
        self, key_id: str, *, size: int = 500
    ) -> Iterator[list[tuple[uuid.UUID, WrappedKey]]]:
        """Keys wrapped under any other master key, in subject-id order (keyset pages, so the
        scan neither holds a long transaction nor revisits rows it has rewrapped)."""
        after: uuid.UUID | None = None
        while True:
            query = select(DataKey).where(DataKey.key_id != key_id)
            if after is not None:
                query = query.where(DataKey.subject_id > after)
            with Session(self.engine) as db:
                rows = db.scalars(query.order_by(DataKey.subject_id).limit(size)).all()
                batch = [(r.subject_id, WrappedKey(r.key_id, r.wrapped)) for r in rows]
            if not batch:
                return
            yield batch
            after = batch[-1][0]
