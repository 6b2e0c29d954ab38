"""Shared benchmark helpers: repeat a measurement, take medians, describe the machine."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


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
