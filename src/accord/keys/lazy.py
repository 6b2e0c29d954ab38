"""An engine made on first use, with its tables: the keystore and the erasure log open their
database only when a key is wanted, so commands that never touch keys need no keystore."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, MetaData

from accord.store.engine import make_engine


class LazyEngine:
    def __init__(self, url: str, metadata: MetaData) -> None:
        self.url = url
        self._metadata = metadata
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def get(self) -> Engine:
        with self._lock:  # one engine even when threads race to first use
            if self._engine is None:
                engine = make_engine(self.url)
                self._metadata.create_all(engine)
                self._engine = engine
            return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
