"""`python -m bench` (make bench): run every benchmark module, then the slow scale tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
SKIP = {"__init__", "__main__", "common"}


def main() -> int:
    failures = 0
    for module in sorted(p.stem for p in HERE.glob("*.py") if p.stem not in SKIP):
        print(f"== bench.{module}", flush=True)
        failures += subprocess.call([sys.executable, "-m", f"bench.{module}"]) != 0
    print("== slow tests (pytest -m slow)", flush=True)
    failures += subprocess.call([sys.executable, "-m", "pytest", "-m", "slow", "-q"]) not in (0, 5)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
