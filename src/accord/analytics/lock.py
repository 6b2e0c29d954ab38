"""One writer at a time on an analytical store: an advisory file lock beside the store.

Feeds ingest and the lookback sweep write the analytical store and the relational store in
steps; two writers interleaving those steps (two API deliveries, an API delivery and a CLI
ingest) could each roll back or overwrite the other's half-done batch. Every writer holds
this lock for the whole job. The lock is an `flock` on `<store>.lock`: the kernel releases it
when the holder dies (even by kill -9), so a crashed writer never blocks the next one, and
two holders in one process exclude each other as two processes do.

A writer that cannot take the lock within a short wait gives up with `AnalyticsBusy`, which
the API answers with 503 and Retry-After rather than queueing requests behind a long ingest.
"""

from __future__ import annotations

import fcntl
import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_POLL_SECONDS = 0.05


class AnalyticsBusy(RuntimeError):  # noqa: N818 (reads as the condition it reports)
    """Another process is writing the analytical store; try again shortly."""

    def __init__(self, path: Path | str, waited: float) -> None:
        self.path = str(path)
        self.waited = waited
        # Suggest a retry no sooner than the wait we already gave it.
        self.retry_after = max(1, math.ceil(waited))
        super().__init__(
            f"the analytical store {self.path} is busy with another delivery, ingest or sweep"
            f" (waited {waited:g} s); try again in a few seconds"
        )


def lock_path(store: Path | str) -> Path:
    return Path(f"{store}.lock")


@contextmanager
def writer_lock(store: Path | str, *, wait: float) -> Iterator[None]:
    """Hold the store's writer lock, waiting up to `wait` seconds for it."""
    path = lock_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise AnalyticsBusy(store, wait) from None
                time.sleep(_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
