"""A bounded, short-lived, per-process cache of unwrapped data keys.

Unsealing many fields of one subject should not unwrap their key every time, but an
unwrapped key must not outlive its erasure: entries are dropped on erase in this process,
and expire after `ttl` seconds so another process's erasure takes effect here soon after.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable


class DataKeyCache:
    def __init__(
        self,
        maxsize: int = 1024,
        ttl: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self.ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[uuid.UUID, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, subject_id: uuid.UUID) -> bytes | None:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(subject_id)
            if entry is None or entry[0] <= now:
                if entry is not None:
                    del self._entries[subject_id]
                self.misses += 1
                return None
            self._entries.move_to_end(subject_id)
            self.hits += 1
            return entry[1]

    def put(self, subject_id: uuid.UUID, key: bytes) -> None:
        with self._lock:
            self._entries[subject_id] = (self._clock() + self.ttl, key)
            self._entries.move_to_end(subject_id)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def drop(self, subject_id: uuid.UUID) -> None:
        with self._lock:
            self._entries.pop(subject_id, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
