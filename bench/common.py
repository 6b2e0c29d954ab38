"""Shared benchmark helpers: repeat a measurement, take medians, describe the machine."""

from __future__ import annotations

import os
import platform
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from accord.gate.types import Actor
from accord.register.load import load_file

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Timing:
    runs: list[float]  # seconds per run

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def rate(self, items: int) -> float:
        """Items per second at the median run."""
        return items / self.median


def repeat(fn: Callable[[], object], *, runs: int = 5, warmup: int = 1) -> Timing:
    """Time `fn` `runs` times after `warmup` untimed calls (machines here are noisy)."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return Timing(samples)


def machine() -> str:
    cores = os.cpu_count()
    try:
        with open("/proc/meminfo") as meminfo:
            kib = int(meminfo.readline().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except OSError:
        memory = "unknown memory"
    return f"{platform.machine()}, {cores} cores, {memory}, Python {platform.python_version()}"


def matching_team() -> Actor:
    """TVT's matching role (ingest and linkage) as a system actor of Thames Valley Police."""
    role = load_file(ROOT / "registers" / "tvt.yaml").role("partnership-analyst")
    return Actor(
        id=uuid.uuid4(),
        kind="system",
        organisation="thames-valley-police",
        roles=frozenset({role.id}),
        permissions=frozenset(role.permissions),
        name="bench",
    )
