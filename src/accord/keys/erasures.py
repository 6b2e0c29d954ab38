"""The erasure log: which keys were destroyed, and when, kept outside the keystore.

Crypto-shredding must survive a restore. A keystore backup still holds the keys of subjects
and datasets erased after it was taken; restoring it would bring their data back. Every
destruction is therefore written here first (its own database, ACCORD_ERASURE_LOG_URL, never
the keystore's nor the case database's, so no restore of either rolls it back), and
`accord restore` replays it: each logged key that the restored keystore still holds, and
that was made before it was erased, is destroyed again. The log holds ids and times only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, Integer, MetaData, String, Uuid, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from accord.keys.lazy import LazyEngine
from accord.store.base import NAMING_CONVENTION, UtcDateTime, utcnow

if TYPE_CHECKING:
    from accord.keys.keystore import KeyKind, Keystore

DEFAULT_ERASURE_LOG_URL = "sqlite:///accord-erasures.db"


class ErasureBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Erasure(ErasureBase):
    __tablename__ = "key_erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    key_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    erased_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


@dataclass(frozen=True)
class ErasureEntry:
    kind: str
    key_uuid: uuid.UUID
    erased_at: datetime


class ErasureLog:
    """Append-only record of destroyed keys (each write commits on its own)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._db = LazyEngine(url, ErasureBase.metadata)

    @staticmethod
    def url_for(keystore_url: str, configured: str | None = None) -> str:
        """`configured` (ACCORD_ERASURE_LOG_URL); unset, a SQLite file beside a SQLite
        keystore's file (a file of its own, so replacing the keystore file at a restore leaves
        it alone)."""
        if configured:
            return configured
        url = make_url(keystore_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            path = Path(url.database)
            return f"sqlite:///{path.with_name(path.stem + '-erasures.db')}"
        return DEFAULT_ERASURE_LOG_URL

    @property
    def engine(self) -> Engine:
        return self._db.get()

    def dispose(self) -> None:
        self._db.dispose()

    def record(self, kind: str, key_uuid: uuid.UUID) -> None:
        with Session(self.engine) as db, db.begin():
            db.add(Erasure(kind=kind, key_uuid=key_uuid, erased_at=utcnow()))

    def record_many(self, kind: str, key_uuids: list[uuid.UUID]) -> None:
        """Log many destructions in one transaction (a retention run's batch)."""
        if not key_uuids:
            return
        at = utcnow()
        with self.engine.begin() as connection:  # one executemany, no ORM objects
            connection.execute(
                insert(Erasure),
                [{"kind": kind, "key_uuid": k, "erased_at": at} for k in key_uuids],
            )

    def entries(self) -> list[ErasureEntry]:
        with Session(self.engine) as db:
            rows = db.scalars(select(Erasure).order_by(Erasure.id)).all()
            return [ErasureEntry(r.kind, r.key_uuid, r.erased_at) for r in rows]

    def last_erased(self, kind: str, key_uuid: uuid.UUID) -> datetime | None:
        """When this key was last destroyed, if ever."""
        with Session(self.engine) as db:
            return db.scalar(
                select(Erasure.erased_at)
                .where(Erasure.kind == kind, Erasure.key_uuid == key_uuid)
                .order_by(Erasure.id.desc())
                .limit(1)
            )


def replay(log: ErasureLog, keystore: Keystore) -> int:
    """Destroy again every logged key the keystore still holds and that was made before its
    erasure (a restored keystore backup); returns how many went. Safe to run at any time."""
    destroyed = 0
    for entry in log.entries():
        if entry.kind in ("subject", "dataset"):
            kind: KeyKind = "subject" if entry.kind == "subject" else "dataset"
            destroyed += keystore.forget(entry.key_uuid, kind=kind, made_by=entry.erased_at)
    return destroyed
