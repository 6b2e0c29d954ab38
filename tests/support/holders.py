"""Another process holding a lock, for tests of what waits for it or refuses."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HOLD_WRITER_LOCK = (
    "import sys, time\n"
    "from accord.analytics.lock import writer_lock\n"
    "with writer_lock(sys.argv[1], wait=0):\n"
    "    print('held', flush=True)\n"
    "    time.sleep(60)\n"
)


@contextmanager
def writer_elsewhere(store: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the analytical store's writer lock (as a CLI ingest does).

    Yields once the lock is held; the holder is killed (SIGKILL) on exit, so the
    kernel frees the lock as it would after a crash.
    """
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_WRITER_LOCK, str(store)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.kill()
        holder.wait()
