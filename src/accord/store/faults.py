"""Named crash points for recovery tests: the process dies there as `kill -9` would.

A multi-step job (feeds ingest, bulk import, linkage, key rotation) calls
`checkpoint("feeds.ingest.after-analytics")` between its steps. With the environment
variable ACCORD_CRASH_AT set to that name the process exits at once, without unwinding,
flushing or committing, so a test can run the job in a subprocess, kill it at every step
and check that the next run finds the stores consistent. Unset, a checkpoint costs one
dictionary lookup.
"""

from __future__ import annotations

import os

CRASH_ENV = "ACCORD_CRASH_AT"
# The exit status a crash point uses (128 + SIGKILL), so tests can tell it from a failure.
CRASH_STATUS = 137


def checkpoint(name: str) -> None:
    """Exit the process immediately when ACCORD_CRASH_AT names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os._exit(CRASH_STATUS)
